package indexer

import (
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"offres/internal/offres"
)

// normalize brings an offer decoded from any format to the shared
// conventions: trimmed one-line fields, clean multi-line text, canonical
// commune and province, category A/B/C, contract constants, classified
// sections, deduplicated skills.
func normalize(o *offres.Offer) {
	o.ID = strings.TrimSpace(o.ID)
	o.Title = readableTitle(oneLine(unescapeEntities(o.Title)))
	o.Employer = oneLine(o.Employer)
	o.Direction = oneLine(o.Direction)
	o.CadreEmploi = oneLine(o.CadreEmploi)
	o.Category = categoryOf(o.Category)
	if o.Category == "" {
		o.Category = cadreCategory(o.CadreEmploi)
	}
	o.ContractType = normContract(o.ContractType)
	normLocation(&o.Location)
	o.Description = cleanText(o.Description)
	o.Sections = normSections(o.Sections)
	o.Skills = normSkills(o.Skills)
	o.RomeCode = strings.ToUpper(strings.TrimSpace(o.RomeCode))
	o.RomeAppellation = strings.TrimSpace(o.RomeAppellation)
	o.URL = strings.TrimSpace(o.URL)
	o.Source = strings.TrimSpace(o.Source)
}

// entityRE matches an HTML character reference: « &rsquo; », « &nbsp; »,
// « &#233; », « &#xE9; ».
var entityRE = regexp.MustCompile(`&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});`)

// unescapeEntities decodes the HTML character references some sources
// leave in their text (France Travail descriptions), so that quotes read as
// text; a non-breaking space becomes a space with the other blanks.
func unescapeEntities(s string) string {
	if !strings.Contains(s, "&") || !entityRE.MatchString(s) {
		return s
	}
	return html.UnescapeString(s)
}

// oneLine collapses all runs of white space and control characters to one
// space, trimmed. Bytes that are not UTF-8 are kept for Validate to see.
func oneLine(s string) string {
	if isOneLine(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if isBlank(r) {
			space = b.Len() > 0
		} else {
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// isOneLine reports whether oneLine would leave s as it is.
func isOneLine(s string) bool {
	prevSpace := true // no leading space
	for _, r := range s {
		blank := isBlank(r)
		if blank && (r != ' ' || prevSpace) {
			return false
		}
		prevSpace = blank
	}
	return !prevSpace || s == ""
}

func isBlank(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }

// cleanText normalises line ends, collapses spaces within lines, trims each
// line and reduces every run of blank lines to one.
func cleanText(s string) string {
	s = unescapeEntities(s)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var b strings.Builder
	b.Grow(len(s))
	blank := false
	for line := range strings.SplitSeq(s, "\n") {
		line = oneLine(line)
		if line == "" {
			blank = b.Len() > 0
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
			if blank {
				b.WriteByte('\n')
			}
		}
		blank = false
		b.WriteString(line)
	}
	return b.String()
}

func normLocation(l *offres.Location) {
	l.Commune = oneLine(l.Commune)
	l.Province = provinceOf(l.Province)
	if c, ok := offres.LookupCommune(l.Commune); ok && l.Commune != "" {
		l.Commune, l.Province = c.Name, c.Province
	}
	if l.Lat != nil && l.Lon != nil && (*l.Lat < -90 || *l.Lat > 90 || *l.Lon < -180 || *l.Lon > 180) {
		l.Lat, l.Lon = nil, nil
	}
	if l.Lat == nil || l.Lon == nil {
		l.Lat, l.Lon = nil, nil
	}
}

// provinceOf spells the three provinces of New Caledonia canonically and
// leaves other names (French regions) as they are.
func provinceOf(s string) string {
	s = oneLine(s)
	switch strings.TrimPrefix(offres.FoldKey(s), "province ") {
	case "sud":
		return offres.ProvinceSud
	case "nord":
		return offres.ProvinceNord
	case "iles", "iles loyaute", "des iles", "des iles loyaute":
		return offres.ProvinceIles
	}
	return s
}

func normSections(in []offres.Section) []offres.Section {
	out := in[:0]
	for _, s := range in {
		s.Heading = strings.TrimRight(oneLine(s.Heading), " :")
		s.Text = cleanText(s.Text)
		if s.Text == "" {
			continue
		}
		if !s.Kind.Valid() {
			s.Kind = SectionKindOf(s.Heading)
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// normSkills trims labels and drops empty and repeated ones; a skill asked
// for both as required and preferred is required.
func normSkills(in []offres.Skill) []offres.Skill {
	out := in[:0]
	seen := make(map[string]int, len(in))
	for _, s := range in {
		s.Label = oneLine(s.Label)
		if s.Label == "" {
			continue
		}
		k := offres.FoldKey(s.Label)
		if i, ok := seen[k]; ok {
			out[i].Required = out[i].Required || s.Required
			continue
		}
		seen[k] = len(out)
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// validText reports whether every text field of o is valid UTF-8, including
// those Offer.Validate does not check.
func validText(o *offres.Offer) bool {
	fields := []string{o.Employer, o.Direction, o.CadreEmploi, o.Location.Commune, o.Location.Province,
		o.RomeCode, o.RomeAppellation, o.URL, o.Source}
	for _, s := range o.Skills {
		fields = append(fields, s.Label)
	}
	for _, f := range fields {
		if !utf8.ValidString(f) {
			return false
		}
	}
	return true
}

// phrase is a keyword of one or more folded words; each word matches a word
// of the text that starts with it ("mission" matches "missions"), or that
// word exactly when it ends with "." ("ref." matches "ref" only).
type phrase[T any] struct {
	words []string
	value T
}

func phrases[T any](value T, texts ...string) []phrase[T] {
	out := make([]phrase[T], len(texts))
	for i, t := range texts {
		out[i] = phrase[T]{words: strings.Fields(t), value: value}
	}
	return out
}

// firstPhrase returns the value of the phrase that occurs first in text
// (folded); at the same position the longest phrase wins.
func firstPhrase[T any](text string, table []phrase[T]) (T, bool) {
	words := strings.Fields(offres.FoldKey(text))
	for i := range words {
		best := -1
		for j, p := range table {
			if matchAt(words[i:], p.words) && (best < 0 || len(p.words) > len(table[best].words)) {
				best = j
			}
		}
		if best >= 0 {
			return table[best].value, true
		}
	}
	var zero T
	return zero, false
}

// matchAt reports whether words start with the words of a phrase: each one
// a prefix of its word, or the whole word when it ends with ".".
func matchAt(words, want []string) bool {
	if len(words) < len(want) {
		return false
	}
	for i, w := range want {
		if exact, ok := strings.CutSuffix(w, "."); ok {
			if words[i] != exact {
				return false
			}
		} else if !strings.HasPrefix(words[i], w) {
			return false
		}
	}
	return true
}

var sectionPhrases = concat(
	phrases(offres.SectionContact, "contact", "renseignement", "candidature", "candidater", "postuler",
		"pour postuler", "envoi des candidatures"),
	phrases(offres.SectionRemuneration, "remuneration", "salaire", "taux horaire", "grille indiciaire",
		"traitement indiciaire"),
	phrases(offres.SectionConditions, "condition", "avantage", "contrainte", "specificite", "particularite",
		"sujetion", "horaire", "amplitude", "temps de travail", "environnement de travail", "cadre de travail",
		"lieu", "prise de poste", "prise de fonction", "poste a pourvoir", "date de prise"),
	phrases(offres.SectionProfil, "profil", "competence", "savoir", "qualite", "qualification", "aptitude",
		"experience", "diplome", "connaissance", "prerequis", "exigence", "formation requise", "vous etes",
		"vous avez", "qui etes vous"),
	phrases(offres.SectionMissions, "mission", "activite", "poste", "responsabilite", "tache", "role",
		"attribution", "vos fonctions", "fonctions principales", "description des fonctions"),
)

func concat[T any](tables ...[]T) []T {
	var out []T
	for _, t := range tables {
		out = append(out, t...)
	}
	return out
}

// SectionKindOf classifies a section heading (« Vos missions », « Profil
// recherché », « Rémunération et avantages », « Qui contacter ? »); the
// keyword that comes first decides. Headings it does not recognise
// (« Détails de l'offre ») are SectionOther.
func SectionKindOf(heading string) offres.SectionKind {
	if k, ok := firstPhrase(heading, sectionPhrases); ok {
		return k
	}
	return offres.SectionOther
}

var contractPhrases = concat(
	phrases(offres.ContractContractuel, "non titulaire", "contractuel", "contrat de droit public",
		"agent public contractuel"),
	phrases(offres.ContractTitulaire, "titulaire", "fonctionnaire", "statutaire"),
	phrases(offres.ContractCDD, "cdd", "duree determinee", "saisonnier"),
	phrases(offres.ContractCDI, "cdi", "duree indeterminee"),
	phrases(offres.ContractInterim, "interim", "travail temporaire", "mission temporaire"),
	phrases(offres.ContractStage, "stage", "stagiaire"),
	phrases(offres.ContractAlternance, "apprenti", "alternance", "alternant", "contrat de professionnalisation"),
	phrases(offres.ContractAutre, "autre", "vacataire", "vacation", "liberal", "freelance", "independant",
		"benevol", "service civique"),
)

// ContractTypeOf maps a French description of a contract (« Titulaire »,
// « fonctionnaire », « Contractuel », « contrat à durée déterminée »,
// « CDI », « Intérim », « Stage », « Apprentissage ») to one of the
// offres.Contract* constants, or "" when it names none. When several are
// named (« titulaire ou contractuel »), the first one wins.
func ContractTypeOf(text string) string {
	c, _ := firstPhrase(text, contractPhrases)
	return c
}

// normContract keeps a known constant, maps free text, and files an
// unrecognised non-empty value under ContractAutre.
func normContract(s string) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return ""
	case offres.ContractLabels[s] != "":
		return s
	}
	if c := ContractTypeOf(s); c != "" {
		return c
	}
	return offres.ContractAutre
}

var categoryRE = regexp.MustCompile(`^(?:cat|categorie)?\s*([abc])$`)

// categoryOf reads a category written as "A", "b", "cat. B" or
// "Catégorie C"; anything else gives "".
func categoryOf(s string) string {
	m := categoryRE.FindStringSubmatch(offres.FoldKey(s))
	if m == nil {
		return ""
	}
	return strings.ToUpper(m[1])
}

var cadreCategories = concat(
	phrases("A", "attache", "ingenieur", "administrateur", "conservateur", "medecin", "psychologue",
		"professeur"),
	phrases("B", "redacteur", "technicien", "animateur", "controleur", "assistant de conservation"),
	phrases("C", "adjoint", "agent", "operateur"),
)

// cadreCategory infers the category from the corps or cadre d'emploi
// (« Attaché d'administration » → A, « Rédacteur » → B, « Adjoint
// administratif » → C), only when every grade it names agrees.
func cadreCategory(cadre string) string {
	found := ""
	words := strings.Fields(offres.FoldKey(cadre))
	for i := range words {
		for _, p := range cadreCategories {
			if !matchAt(words[i:], p.words) {
				continue
			}
			if found != "" && found != p.value {
				return ""
			}
			found = p.value
		}
	}
	return found
}

var (
	yearsRE     = regexp.MustCompile(`\b(\d{1,2})\s*(?:ans?|annees?)\b`)
	wordYearsRE = regexp.MustCompile(`\b(un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|quinze|vingt)\s+(?:ans?|annees?)\b`)
	noneRE      = regexp.MustCompile(`\b(aucune?|neant|sans|pas de|non exigee?|non requise?)\b`)
)

var wordNumbers = map[string]int{"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
	"sept": 7, "huit": 8, "neuf": 9, "dix": 10, "quinze": 15, "vingt": 20}

// ResidenceYears reads the length of residence in New Caledonia an offer
// requires, from a line such as « Durée de résidence exigée pour le
// recrutement sur titre (1): au moins égale à 5 ans » (5), « … : 10 ans »
// or « … : aucune » (0). It reports false when text states no such
// requirement.
func ResidenceYears(text string) (int, bool) {
	for line := range strings.SplitSeq(offres.Fold(text), "\n") {
		i := strings.Index(line, "residence")
		if i < 0 {
			continue
		}
		if n, ok := yearsIn(line[i:]); ok {
			return n, true
		}
		if noneRE.MatchString(line[i:]) {
			return 0, true
		}
		if n, ok := yearsIn(line[:i]); ok {
			return n, true
		}
	}
	return 0, false
}

func yearsIn(s string) (int, bool) {
	n := 0
	if m := yearsRE.FindStringSubmatch(s); m != nil {
		n = atoi(m[1])
	} else if m := wordYearsRE.FindStringSubmatch(s); m != nil {
		n = wordNumbers[m[1]]
	} else {
		return 0, false
	}
	if n > 30 {
		return 0, false
	}
	return n, true
}
