package indexer

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"offres/internal/offres"
)

// Limits of what reads as a heading or a key in running text.
const (
	maxHeadingWords = 8
	maxHeadingLen   = 80
	maxKeyWords     = 12
	maxKeyLen       = 100
)

// splitSections cuts a free-text description at the headings it recognises
// (« Vos missions : », « Profil recherché », « Rémunération : »): the text
// before the first one is the intro, each heading starts a section.
// Headings of unrecognised kind stay in the text, and a heading of the same
// kind as the current section is kept there as a line.
func splitSections(text string) (intro string, sections []offres.Section) {
	var lead []string
	var parts []*sectionLines
	for line := range strings.SplitSeq(cleanText(text), "\n") {
		heading, rest, ok := textHeading(line)
		kind := offres.SectionOther
		if ok {
			kind = SectionKindOf(heading)
		}
		n := len(parts)
		switch {
		case !ok || kind == offres.SectionOther:
			if n > 0 {
				parts[n-1].add(line)
			} else {
				lead = append(lead, line)
			}
		case n > 0 && parts[n-1].kind == kind:
			parts[n-1].add(line)
		default:
			parts = append(parts, newSectionLines(kind, heading, rest))
		}
	}
	return strings.Join(lead, "\n"), buildSections(parts)
}

// sectionLines is a section being read, line by line.
type sectionLines struct {
	kind    offres.SectionKind
	heading string
	lines   []string
}

func newSectionLines(kind offres.SectionKind, heading, text string) *sectionLines {
	s := &sectionLines{kind: kind, heading: heading}
	if text != "" {
		s.add(text)
	}
	return s
}

func (s *sectionLines) add(line string) { s.lines = append(s.lines, line) }

func buildSections(parts []*sectionLines) []offres.Section {
	var out []offres.Section
	for _, s := range parts {
		out = append(out, offres.Section{Kind: s.kind, Heading: s.heading, Text: strings.Join(s.lines, "\n")})
	}
	return out
}

// textHeading recognises a heading line of running text: a short line
// ending with a colon (« Vos missions seront les suivantes : »), a short
// line without end punctuation that names a kind (« Profil recherché »), or
// a short key before a colon and text (« Profil : Bac+2 exigé »), where rest
// is that text.
func textHeading(line string) (heading, rest string, ok bool) {
	s := strings.TrimSpace(stripMarkdown(line))
	s = strings.TrimLeft(s, "#>•* \t")
	if s == "" || strings.HasPrefix(line, "- ") {
		return "", "", false
	}
	if h, found := strings.CutSuffix(s, ":"); found {
		h = strings.TrimSpace(h)
		return h, "", isHeadingText(h, maxHeadingWords) && !strings.Contains(h, ":")
	}
	if key, value, found := keyValue(s); found {
		return key, value, isHeadingText(key, 3) && SectionKindOf(key) != offres.SectionOther
	}
	return s, "", bareHeading(s)
}

// bareHeading recognises a short line without punctuation or digits whose
// first words name a section kind (« MISSIONS », « Profil recherché »,
// « Description du poste »).
func bareHeading(s string) bool {
	if strings.ContainsAny(s, ".,;!?:()0123456789") || !isHeadingText(s, 4) {
		return false
	}
	words := strings.Fields(offres.FoldKey(s))
	for i := 0; i < len(words) && i < 3; i++ {
		for _, p := range sectionPhrases {
			if matchAt(words[i:], p.words) {
				return true
			}
		}
	}
	return false
}

func isHeadingText(s string, maxWords int) bool {
	n := len(strings.Fields(s))
	return n > 0 && n <= maxWords && len(s) <= maxHeadingLen
}

// keyValue splits « Clé : valeur » lines. The key is short and is not the
// scheme of a URL.
func keyValue(line string) (key, value string, ok bool) {
	key, value, ok = strings.Cut(line, ":")
	key, value = strings.TrimSpace(key), strings.TrimSpace(value)
	switch {
	case !ok, key == "", len(key) > maxKeyLen, len(strings.Fields(key)) > maxKeyWords,
		strings.HasPrefix(value, "//"), strings.HasPrefix(key, "- "):
		return "", "", false
	}
	return key, value, true
}

// stripMarkdown removes bold markers and turns links into their text and
// address.
func stripMarkdown(s string) string {
	s = strings.ReplaceAll(s, "**", "")
	s = strings.ReplaceAll(s, "__", "")
	return mdLinkRE.ReplaceAllString(s, "$1 ($2)")
}

// field is a header field of a posting, named by its key.
type field int

const (
	fieldNone field = iota
	fieldTitle
	fieldRef
	fieldEmployer
	fieldDirection
	fieldCadre
	fieldCategory
	fieldCommune
	fieldResidence
	fieldPublished
	fieldDeadline
	fieldStart
	fieldContract
	fieldRemuneration
	fieldContact
	fieldPosts
	fieldCount // the number of fields
)

// fieldPhrases name the fields by the words their key starts with. A word
// ending with "." must match exactly ("ref." is not "referent").
var fieldPhrases = concat(
	phrases(fieldTitle, "intitule", "titre du poste", "titre de l offre", "poste.", "titre."),
	phrases(fieldRef, "reference", "ref.", "numero de l offre", "numero d offre", "n de l offre"),
	phrases(fieldEmployer, "employeur", "collectivite", "organisme", "recruteur", "structure."),
	phrases(fieldDirection, "direction", "service", "pole."),
	phrases(fieldCadre, "corps", "cadre d emploi", "cadres d emploi", "grade", "filiere"),
	phrases(fieldCategory, "categorie", "cat."),
	phrases(fieldCommune, "lieu de travail", "lieu d affectation", "lieu d exercice", "lieu.", "commune",
		"localisation", "residence administrative"),
	phrases(fieldResidence, "duree de residence", "condition de residence"),
	phrases(fieldPublished, "date de depot", "date de publication", "date de mise en ligne", "date de diffusion",
		"date de l offre", "publie le", "publiee le", "mise en ligne"),
	phrases(fieldDeadline, "date limite", "date de cloture", "cloture des candidatures", "date butoir",
		"limite de candidature", "candidature avant", "candidatures avant"),
	phrases(fieldStart, "poste a pourvoir", "a pourvoir", "date de prise de poste", "prise de poste",
		"prise de fonction", "date d embauche", "date de debut", "debut du contrat", "date d effet"),
	phrases(fieldContract, "type de contrat", "contrat", "statut", "nature du contrat", "type de recrutement",
		"type d emploi", "nature de l emploi", "type de poste"),
	phrases(fieldRemuneration, "remuneration", "salaire"),
	phrases(fieldContact, "contact", "renseignements", "personne a contacter"),
	phrases(fieldPosts, "nombre de postes", "nombre de poste", "postes a pourvoir", "nombre de places"),
)

// keyField tells which field a key names, by the words it starts with.
func keyField(key string) field {
	words := strings.Fields(offres.FoldKey(key))
	best, bestLen := fieldNone, 0
	for _, p := range fieldPhrases {
		if len(p.words) > bestLen && matchAt(words, p.words) {
			best, bestLen = p.value, len(p.words)
		}
	}
	return best
}

// firstUpper reports whether s starts with an upper-case letter.
func firstUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

// firstLower reports whether s starts with a lower-case letter.
func firstLower(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLower(r)
}

// appendSection adds a section made of the non-empty lines, if any.
func appendSection(sections []offres.Section, kind offres.SectionKind, heading string, lines []string) []offres.Section {
	text := joinNonEmpty("\n", lines...)
	if text == "" {
		return sections
	}
	return append(sections, offres.Section{Kind: kind, Heading: heading, Text: text})
}

// joinNonEmpty joins the trimmed non-empty parts.
func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}

// firstNonEmpty returns the first of s that is not blank, trimmed.
func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x = strings.TrimSpace(x); x != "" {
			return x
		}
	}
	return ""
}
