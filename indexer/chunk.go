package indexer

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"offres/internal/offres"
)

// ChunkOptions bound the passages of an offer. Zero fields take the defaults.
type ChunkOptions struct {
	// MaxRunes is the longest passage, in characters (default 900: about
	// 150 French words, well within any embedding model's window).
	MaxRunes int
	// OverlapRunes is how much of the end of a passage the next one of the
	// same section repeats, so that a sentence cut in two is whole in one
	// of them (default 120).
	OverlapRunes int
}

func (o ChunkOptions) withDefaults() ChunkOptions {
	if o.MaxRunes <= 0 {
		o.MaxRunes = 900
	}
	if o.OverlapRunes <= 0 {
		o.OverlapRunes = 120
	}
	if o.OverlapRunes > o.MaxRunes/3 {
		o.OverlapRunes = o.MaxRunes / 3
	}
	return o
}

// Chunk splits an offer into passages: a summary (title, employer,
// direction, place, category, contract, dates, residence requirement, then
// the description), then each section, split at paragraph, sentence or
// word boundaries into passages of at most opts.MaxRunes characters that
// overlap by about opts.OverlapRunes. It is pure and deterministic: the
// same offer always gives the same passages and ids.
func Chunk(o *offres.Offer, opts ChunkOptions) []offres.Passage {
	opts = opts.withDefaults()
	var out []offres.Passage
	ordinal := map[offres.SectionKind]int{}
	add := func(kind offres.SectionKind, heading, text string) {
		for _, piece := range splitText(text, opts.MaxRunes, opts.OverlapRunes) {
			ordinal[kind]++
			out = append(out, offres.Passage{
				ID:      fmt.Sprintf("%s#%s-%d", o.ID, kind, ordinal[kind]),
				OfferID: o.ID,
				Kind:    kind,
				Heading: heading,
				Text:    piece,
			})
		}
	}
	add(offres.SummaryKind, o.Title, summaryText(o))
	for _, s := range o.Sections {
		add(s.Kind, s.Heading, s.Text)
	}
	return out
}

// summaryText states the offer's key facts in French, then its description.
func summaryText(o *offres.Offer) string {
	var b strings.Builder
	line := func(label, value string) {
		if value != "" {
			fmt.Fprintf(&b, "%s : %s\n", label, value)
		}
	}
	b.WriteString(o.Title + "\n")
	line("Référence", o.ID)
	line("Employeur", o.Employer)
	line("Direction", o.Direction)
	line("Lieu de travail", o.Location.Commune)
	if o.Category != "" {
		line("Catégorie", o.Category)
	}
	line("Cadre d'emploi", o.CadreEmploi)
	line("Contrat", offres.ContractLabels[o.ContractType])
	line("Date de publication", o.PublishedAt.French())
	line("Date limite de candidature", o.Deadline.French())
	line("Poste à pourvoir", o.StartDate.French())
	if o.ResidenceYears > 0 {
		line("Durée de résidence exigée", fmt.Sprintf("%d ans", o.ResidenceYears))
	}
	if o.Posts > 1 {
		line("Nombre de postes", strconv.Itoa(o.Posts))
	}
	if d := strings.TrimSpace(o.Description); d != "" {
		b.WriteString("\n" + d)
	}
	return strings.TrimSpace(b.String())
}

// splitText cuts text into pieces of at most max runes, each after the first
// starting about overlap runes before the end of the previous one. Cuts fall
// on the last paragraph break, else line break, else sentence end, else
// space found in the second half of the window; a text without any is cut
// at max runes.
func splitText(text string, max, overlap int) []string {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	r := []rune(text)
	if len(r) <= max {
		return []string{text}
	}
	var out []string
	for start := 0; start < len(r); {
		end := start + max
		if end >= len(r) {
			if piece := strings.TrimSpace(string(r[start:])); piece != "" {
				out = append(out, piece)
			}
			break
		}
		end, paragraph := cutPoint(r, start+max/2, end)
		if piece := strings.TrimSpace(string(r[start:end])); piece != "" {
			out = append(out, piece)
		}
		next := end // a cut between paragraphs splits no sentence: no overlap
		if !paragraph {
			next = wordStart(r, end-overlap, end)
		}
		if next <= start {
			next = end
		}
		start = next
	}
	return out
}

// cutPoint returns where to end a piece within r[lo:hi]: just after the
// strongest boundary found nearest hi, and whether it is a paragraph break.
func cutPoint(r []rune, lo, hi int) (int, bool) {
	for strength, boundary := range []func(i int) bool{
		func(i int) bool { return r[i] == '\n' && i > 0 && r[i-1] == '\n' },
		func(i int) bool { return r[i] == '\n' },
		func(i int) bool {
			return unicode.IsSpace(r[i]) && i > 0 && strings.ContainsRune(".!?;:", r[i-1])
		},
		func(i int) bool { return unicode.IsSpace(r[i]) },
	} {
		for i := hi - 1; i >= lo; i-- {
			if boundary(i) {
				return i + 1, strength == 0
			}
		}
	}
	return hi, false
}

// wordStart moves i forward to the start of a word, not beyond limit.
func wordStart(r []rune, i, limit int) int {
	if i <= 0 {
		return 0
	}
	for j := i; j < limit; j++ {
		if unicode.IsSpace(r[j-1]) && !unicode.IsSpace(r[j]) {
			return j
		}
	}
	return i
}
