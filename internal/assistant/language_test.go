package assistant_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"offres/internal/assistant"
	"offres/internal/engine"
	"offres/internal/eval"
	"offres/internal/offres"
)

// frenchFrame are words and phrases that only French sentences of an
// answer hold: none may remain in the answer to an English question once
// its quotes and the offers' own values are taken out.
var frenchFrame = []string{
	"l'offre", "offre", "offres", "cette", "jusqu'au", "aucune", "aucun", "date limite", "publiée", "ouverte",
	"ouvertes", "clôturée", "clôturées", "clôture", "expirée", "expirées", "je ne trouve pas", "pour", "poste",
	"postes", "basé", "indique", "précise", "donne", "nous sommes", "vérifiez", "reste", "jour", "jours", "sans",
	"correspond", "correspondent", "trouvé", "attention", "extrait", "règle", "d'après", "seule", "toutes",
	"catégorie", "relève", "employeur", "mentionne", "est", "et", "ou", "le", "la", "les", "des", "du", "de", "à",
	"au", "une", "un", "elle", "sont", "pas", "ne", "qui", "dans", "votre", "vous", "sa", "son", "sur", "par",
	"aujourd'hui", "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
	"octobre", "novembre", "décembre", "prise", "contrat", "rémunération", "horaires", "permis", "télétravail",
	"réponse", "modèle", "écartée", "voici",
}

// englishFrame are words that only English sentences of an answer hold:
// none may remain in the answer to a French question.
var englishFrame = []string{
	"the", "offer", "offers", "job", "jobs", "deadline", "until", "published", "closed", "open", "days", "left",
	"check", "with", "for", "does", "not", "found", "which", "is", "are", "and", "of", "this", "its", "none",
	"only", "every", "cannot", "find", "based", "today", "closes", "salary", "category", "matches", "match",
	"january", "february", "march", "april", "june", "july", "august", "september", "october", "november",
	"december", "answer", "model", "here",
}

var (
	// addressRE: web addresses and e-mail addresses, the offers' own.
	addressRE = regexp.MustCompile(`https?://\S+|[\w.+-]+@[\w.-]+`)
	// straightQuoteRE: a quote between straight double quotes.
	straightQuoteRE = regexp.MustCompile(`"[^"\n]*"`)
)

// withoutQuotes removes from text what it quotes: between « and », “ and ”
// (nested quotes included) and straight double quotes.
func withoutQuotes(text string) string {
	var b strings.Builder
	depth := 0
	for _, r := range text {
		switch {
		case r == '«' || r == '“':
			depth++
		case (r == '»' || r == '”') && depth > 0:
			depth--
			b.WriteRune(' ')
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return straightQuoteRE.ReplaceAllString(b.String(), " ")
}

// frameWords returns what remains of an answer once its quotes, the web
// and e-mail addresses and values (the offers' titles, references,
// employers…, which stay as the offers write them) are taken out, lower
// case, words between single spaces.
func frameWords(text string, values []string) string {
	text = addressRE.ReplaceAllString(withoutQuotes(text), " ")
	slices.SortFunc(values, func(a, b string) int { return len(b) - len(a) }) // the longest first
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			text = strings.ReplaceAll(text, v, " ")
		}
	}
	text = strings.ToLower(strings.ReplaceAll(text, "’", "'"))
	fields := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' })
	for i, f := range fields {
		fields[i] = strings.Trim(f, "'")
	}
	return " " + strings.Join(fields, " ") + " "
}

// wrongLanguage returns the words of the other language's frame that text
// holds, the answer to a question in lang.
func wrongLanguage(text, lang string, values []string) []string {
	frame := englishFrame
	if lang == "en" {
		frame = frenchFrame
	}
	words := frameWords(text, values)
	var out []string
	for _, w := range frame {
		if strings.Contains(words, " "+w+" ") {
			out = append(out, w)
		}
	}
	return out
}

// offerValues are the values of the offers an answer cites, written as the
// offers write them (the answer gives them unquoted), and the names of the
// communes.
func offerValues(t *testing.T, e *engine.Engine, ans assistant.Answer) []string {
	t.Helper()
	var out []string
	for _, c := range offres.Communes {
		out = append(out, c.Name)
	}
	for _, id := range ans.CitedOffers() {
		o, err := e.Get(context.Background(), id)
		if err != nil {
			t.Fatalf("cited offer %s: %v", id, err)
		}
		out = append(out, o.Title, o.ID, o.Employer, o.Direction, o.CadreEmploi, o.Location.Commune)
	}
	return out
}

func TestWrongLanguage(t *testing.T) {
	for _, tc := range []struct {
		name, text, lang string
		values           []string
		want             []string
	}{
		{"a French quote in an English answer", "For the offer « Développeur web » (PS-1): « Date limite : 12 mars 2027 » [1].", "en", nil, nil},
		{"a nested quote", "The offer states: « il dit « la date » puis » [1].", "en", nil, nil},
		{"a French frame", "L'offre « Développeur web » est ouverte jusqu'au 12 March 2027.", "en", nil, []string{"l'offre", "jusqu'au", "ouverte", "est"}},
		{"an employer's name", "The employer of the offer « X » (X-1, Mairie de Dumbéa) is Mairie de Dumbéa [1].", "en", []string{"Mairie de Dumbéa"}, nil},
		{"an address", "Its original page: https://exemple.nc/offres/de-la-mairie.", "en", nil, nil},
		{"an English frame", "L'offre « The job » is open until 12 mars 2027.", "fr", nil, []string{"until", "open", "is"}},
		{"a French answer", "L'offre « Data analyst » (PS-2) est ouverte jusqu'au 12 mars 2027 [1].", "fr", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := wrongLanguage(tc.text, tc.lang, tc.values); !slices.Equal(got, tc.want) {
				t.Errorf("wrongLanguage(%q, %s) = %q, want %q", tc.text, tc.lang, got, tc.want)
			}
		})
	}
}

// TestAnswerLanguage asks every question of the three question sets
// (today 2026-11-28, extractive answers) and checks that the answer's own
// sentences are in the question's language: with the quotes of the offers
// (« … », “…”, "…") and their values (titles, references, employers,
// communes, addresses) taken out, the answer to an English question holds
// none of frenchFrame, and the answer to a French one none of
// englishFrame. The shared corpus is skipped without the shared data.
//
//	OFFRES_TESTDATA=/work/shared/data go test ./internal/assistant/ -run AnswerLanguage -v
func TestAnswerLanguage(t *testing.T) {
	for _, c := range askCorpora {
		t.Run(c.name, func(t *testing.T) {
			cases := readCases(t, c)
			e := c.open(t)
			a := newAssistant(t, e, nil)
			wrong, english := 0, 0
			for _, tc := range cases {
				lang := tc.Lang
				if lang == "" {
					lang = "fr"
				} else {
					english++
				}
				ans, err := a.Converse(context.Background(), append(slices.Clone(tc.Before), tc.Question))
				if err != nil {
					t.Fatalf("%s: %v", tc.ID, err)
				}
				if got := wrongLanguage(ans.Answer+"\n"+ans.Notice, lang, offerValues(t, e, ans)); len(got) > 0 {
					wrong++
					t.Errorf("%s (%s) %q: %q outside the quotes of\n%s", tc.ID, lang, tc.Question, got, ans.Answer)
				}
			}
			t.Logf("%s: %d answers of %d (%d in English) with words of the other language outside the quotes", c.name, wrong, len(cases), english)
		})
	}
}

// languageOf returns the language of the case a conversation is the
// questions of ("fr" by default), for the checks of the model path.
func languageOf(cases []eval.AskCase) func(conv []string) string {
	byConv := map[string]string{}
	for _, c := range cases {
		byConv[strings.Join(append(slices.Clone(c.Before), c.Question), "\n")] = c.Lang
	}
	return func(conv []string) string {
		if l := byConv[strings.Join(conv, "\n")]; l != "" {
			return l
		}
		return "fr"
	}
}
