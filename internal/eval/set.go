package eval

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"offres/indexer"
	"offres/internal/offres"
)

// The files of the shared data directory a set is built from.
const (
	SetOffersFile       = "offers/france-travail-2024.json"
	SetAppellationsFile = "rome/unix_referentiel_appellation_v460_utf8.csv"
	SetCodesFile        = "rome/unix_referentiel_code_rome_v460_utf8.csv"
)

// The files a set is written to.
const (
	QueriesFile = "queries.tsv"
	QrelsFile   = "qrels.txt"
)

// SetOptions tune the evaluation set.
type SetOptions struct {
	// PerCode is the most queries per ROME code (default 3).
	PerCode int
	// MinRelevant is the fewest offers a ROME code needs to get queries
	// (default 2).
	MinRelevant int
}

func (o SetOptions) withDefaults() SetOptions {
	if o.PerCode <= 0 {
		o.PerCode = 3
	}
	if o.MinRelevant <= 0 {
		o.MinRelevant = 2
	}
	return o
}

// LabelledOffer is an imported offer with the ROME appellation its source
// gives it (France Travail "appellationlibelle"; the ROME code is
// Offer.RomeCode).
type LabelledOffer struct {
	Offer       offres.Offer
	Appellation string
}

// Appellation is a ROME job title (a row of the appellation referential).
type Appellation struct {
	OGR       string // code_ogr, the appellation's id
	Rome      string // code_rome
	Long      string // libelle_appellation_long: "Technicien / Technicienne hygiéniste"
	Short     string // libelle_appellation_court: "Technicien(ne) applicateur(trice) hygiéniste"
	Principal bool   // classification PRINCIPALE (else SYNONYME)
}

// CodeSummary says what the set holds for one ROME code of the offers.
type CodeSummary struct {
	Rome    string
	Label   string // libelle_rome, "" when the referential lacks the code
	Offers  int
	Queries int
}

// Set is an evaluation set: queries, their judgements and, per ROME code
// of the offers, what was drawn from it.
type Set struct {
	Queries []Query
	Qrels   Qrels
	Codes   []CodeSummary // every ROME code of the offers, sorted
}

// Pairs counts the judged (query, doc) pairs and those of grade 2.
func (s *Set) Pairs() (pairs, grade2 int) {
	for _, docs := range s.Qrels {
		for _, g := range docs {
			pairs++
			if g == 2 {
				grade2++
			}
		}
	}
	return pairs, grade2
}

// CodesWithQueries counts the ROME codes that got at least one query.
func (s *Set) CodesWithQueries() int {
	n := 0
	for _, c := range s.Codes {
		if c.Queries > 0 {
			n++
		}
	}
	return n
}

// Summary is one line: queries, codes, judged pairs.
func (s *Set) Summary() string {
	pairs, grade2 := s.Pairs()
	return fmt.Sprintf("%d queries, %d ROME codes (of %d), %d relevant pairs (%d of grade 2)",
		len(s.Queries), s.CodesWithQueries(), len(s.Codes), pairs, grade2)
}

// BuildSet builds an evaluation set from offers labelled by ROME code and
// the ROME appellations, deterministically:
//
//   - every ROME code with at least MinRelevant offers gets up to PerCode
//     queries, each from one appellation of that code (code_rome equal to the
//     offers' romeCode; appellations the referential has moved to another
//     code are not used);
//   - the query text is the appellation's short label (the long one when the
//     short one is refused) reduced to its first gendered form, as a
//     searcher types it: "Ripeur / Ripeuse" → "Ripeur",
//     "Technicien(ne) applicateur(trice) hygiéniste" → "Technicien applicateur hygiéniste".
//     One-word titles are kept: they are real queries;
//   - a text is refused when, folded (offres.FoldKey: case, accents and
//     punctuation), it occurs as a substring of the folded title, text or
//     skills of any offer — a keyword search cannot just match it — or when
//     an earlier query already has it;
//   - appellations are tried PRINCIPALE first, then by the number of offers
//     labelled with them (most first: the titles employers use), then by
//     code_ogr;
//   - the query id is "<code_rome>-<code_ogr>"; every offer of the code is
//     relevant with grade 1, grade 2 when its own appellation is the query's
//     (long or short label, folded).
func BuildSet(offers []LabelledOffer, apps []Appellation, codeLabels map[string]string, opts SetOptions) *Set {
	opts = opts.withDefaults()
	texts := make([]string, len(offers))
	byCode := map[string][]LabelledOffer{}
	for i, o := range offers {
		texts[i] = offerKey(&o.Offer)
		if o.Offer.RomeCode != "" {
			byCode[o.Offer.RomeCode] = append(byCode[o.Offer.RomeCode], o)
		}
	}
	occurs := func(key string) bool {
		for _, t := range texts {
			if strings.Contains(t, key) {
				return true
			}
		}
		return false
	}
	appsByCode := map[string][]Appellation{}
	for _, a := range apps {
		appsByCode[a.Rome] = append(appsByCode[a.Rome], a)
	}

	set := &Set{Qrels: Qrels{}}
	used := map[string]bool{} // folded query texts
	for _, code := range slices.Sorted(maps.Keys(byCode)) {
		labelled := byCode[code]
		sum := CodeSummary{Rome: code, Label: codeLabels[code], Offers: len(labelled)}
		if len(labelled) >= opts.MinRelevant {
			for _, a := range rankAppellations(appsByCode[code], labelled) {
				if sum.Queries == opts.PerCode {
					break
				}
				if _, dup := set.Qrels[code+"-"+a.OGR]; dup || a.OGR == "" {
					continue // a repeated or missing code_ogr would repeat a qid
				}
				text := ""
				for _, label := range []string{a.Short, a.Long} {
					t := FirstForm(label)
					if k := offres.FoldKey(t); k != "" && !used[k] && !occurs(k) {
						text = t
						break
					}
				}
				if text == "" {
					continue
				}
				used[offres.FoldKey(text)] = true
				q := Query{ID: code + "-" + a.OGR, Text: text}
				set.Queries = append(set.Queries, q)
				set.Qrels[q.ID] = judge(labelled, a)
				sum.Queries++
			}
		}
		set.Codes = append(set.Codes, sum)
	}
	return set
}

// offerKey is the folded text of an offer that a query must not occur in.
func offerKey(o *offres.Offer) string {
	var b strings.Builder
	b.WriteString(o.Title)
	b.WriteString("\n")
	b.WriteString(o.FullText())
	for _, s := range o.Skills {
		b.WriteString("\n")
		b.WriteString(s.Label)
	}
	return offres.FoldKey(b.String())
}

// sameAppellation reports whether an offer's appellation label is a.
func sameAppellation(label string, a Appellation) bool {
	k := offres.FoldKey(label)
	return k != "" && (k == offres.FoldKey(a.Long) || k == offres.FoldKey(a.Short))
}

// rankAppellations orders the candidate appellations of one code.
func rankAppellations(apps []Appellation, offers []LabelledOffer) []Appellation {
	uses := make(map[string]int, len(apps))
	for _, a := range apps {
		for _, o := range offers {
			if sameAppellation(o.Appellation, a) {
				uses[a.OGR]++
			}
		}
	}
	apps = slices.Clone(apps)
	slices.SortStableFunc(apps, func(a, b Appellation) int {
		if a.Principal != b.Principal {
			if a.Principal {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(uses[b.OGR], uses[a.OGR]); c != 0 {
			return c
		}
		return compareOGR(a.OGR, b.OGR)
	})
	return apps
}

// compareOGR compares code_ogr values numerically when they are numbers.
func compareOGR(a, b string) int {
	x, errA := strconv.Atoi(a)
	y, errB := strconv.Atoi(b)
	if errA == nil && errB == nil {
		return cmp.Compare(x, y)
	}
	return cmp.Compare(a, b)
}

// judge grades the offers of the query's code.
func judge(offers []LabelledOffer, a Appellation) map[string]int {
	docs := make(map[string]int, len(offers))
	for _, o := range offers {
		g := 1
		if sameAppellation(o.Appellation, a) {
			g = 2
		}
		docs[o.Offer.ID] = g
	}
	return docs
}

// feminineSuffixRE matches a feminine ending in parentheses glued to a
// word: "Technicien(ne)", "applicateur(trice)".
var feminineSuffixRE = regexp.MustCompile(`(\pL)\(\p{Ll}{1,6}\)`)

// FirstForm reduces a gendered ROME label to its first form, the way a
// searcher types it: "Ripeur / Ripeuse" → "Ripeur", "Agent / Agente de
// collecte de déchets" → "Agent de collecte de déchets", "Chef d'équipe /
// Cheffe d'équipe du nettoiement" → "Chef d'équipe du nettoiement",
// "Technicien(ne) du nettoiement" → "Technicien du nettoiement". After a
// slash, as many words as the first form has are dropped and the rest is
// the common complement. A label that still has a slash gives "".
func FirstForm(label string) string {
	label = feminineSuffixRE.ReplaceAllString(label, "$1")
	if first, second, ok := strings.Cut(label, "/"); ok {
		words := strings.Fields(first)
		rest := strings.Fields(second)
		if len(rest) > len(words) {
			words = append(words, rest[len(words):]...)
		}
		label = strings.Join(words, " ")
	}
	if strings.Contains(label, "/") {
		return ""
	}
	return strings.Join(strings.Fields(label), " ")
}

// ReadFranceTravail reads a France Travail "Offres d'emploi v2" file the way
// an import does (indexer.Parse: same ids, same text), keeping the valid
// offers (the last one of a repeated id, as an import does) with their
// "appellationlibelle".
func ReadFranceTravail(name string, r io.Reader) ([]LabelledOffer, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	f, err := indexer.DetectFormat(name, data[:min(len(data), 64<<10)])
	if err != nil {
		return nil, err
	}
	if f != indexer.FormatFranceTravail {
		return nil, fmt.Errorf("%s: format %s, want %s: %w", name, f, indexer.FormatFranceTravail, offres.ErrInvalid)
	}
	var offers []LabelledOffer
	at := map[string]int{}
	err = indexer.Parse(name, bytes.NewReader(data), func(rec indexer.Record) error {
		if rec.Err != nil {
			return nil // not imported either
		}
		if i, ok := at[rec.Offer.ID]; ok {
			offers[i].Offer = rec.Offer
			return nil
		}
		at[rec.Offer.ID] = len(offers)
		offers = append(offers, LabelledOffer{Offer: rec.Offer})
		return nil
	})
	if err != nil {
		return nil, err
	}

	// The appellation is not part of the offer model: read it beside, by id.
	var raw []struct {
		ID          string `json:"id"`
		Appellation string `json:"appellationlibelle"`
	}
	var wrapped struct {
		Resultats json.RawMessage `json:"resultats"`
	}
	src := bytes.TrimLeft(data, "\ufeff \t\r\n")
	if len(src) > 0 && src[0] == '{' {
		if err := json.Unmarshal(src, &wrapped); err != nil {
			return nil, fmt.Errorf("%s: appellations: %w", name, err)
		}
		src = wrapped.Resultats
	}
	if err := json.Unmarshal(src, &raw); err != nil {
		return nil, fmt.Errorf("%s: appellations: %w", name, err)
	}
	appellation := make(map[string]string, len(raw))
	for _, o := range raw {
		appellation[strings.TrimSpace(o.ID)] = o.Appellation
	}
	for i := range offers {
		a, ok := appellation[offers[i].Offer.ID]
		if !ok {
			return nil, fmt.Errorf("%s: offer %q: no raw record with its id: %w", name, offers[i].Offer.ID, offres.ErrInvalid)
		}
		offers[i].Appellation = a
	}
	return offers, nil
}

// readCSV reads a referential CSV with a header and calls fn with each row
// as column name → value, for the named columns, which must all exist.
func readCSV(name string, r io.Reader, cols []string, fn func(row map[string]string)) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("%s: header: %w", name, err)
	}
	index := map[string]int{}
	for i, h := range header {
		index[strings.TrimPrefix(strings.TrimSpace(h), "\ufeff")] = i
	}
	for _, c := range cols {
		if _, ok := index[c]; !ok {
			return fmt.Errorf("%s: no column %q: %w", name, c, offres.ErrInvalid)
		}
	}
	row := make(map[string]string, len(cols))
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		for _, c := range cols {
			row[c] = ""
			if i := index[c]; i < len(rec) {
				row[c] = strings.TrimSpace(rec[i])
			}
		}
		fn(row)
	}
}

// ReadAppellations reads the ROME appellation referential (CSV with the
// columns code_ogr, libelle_appellation_long, libelle_appellation_court,
// code_rome, classification).
func ReadAppellations(name string, r io.Reader) ([]Appellation, error) {
	var apps []Appellation
	err := readCSV(name, r, []string{"code_ogr", "libelle_appellation_long", "libelle_appellation_court", "code_rome", "classification"},
		func(row map[string]string) {
			apps = append(apps, Appellation{
				OGR: row["code_ogr"], Rome: row["code_rome"],
				Long: row["libelle_appellation_long"], Short: row["libelle_appellation_court"],
				Principal: row["classification"] == "PRINCIPALE",
			})
		})
	return apps, err
}

// ReadRomeCodes reads the ROME code referential (CSV with the columns
// code_rome, libelle_rome): code → label.
func ReadRomeCodes(name string, r io.Reader) (map[string]string, error) {
	labels := map[string]string{}
	err := readCSV(name, r, []string{"code_rome", "libelle_rome"}, func(row map[string]string) {
		labels[row["code_rome"]] = row["libelle_rome"]
	})
	return labels, err
}

// LoadSet builds the evaluation set from the shared data directory (the
// Set*File paths under dir).
func LoadSet(dir string, opts SetOptions) (*Set, error) {
	offers, err := load(dir, SetOffersFile, ReadFranceTravail)
	if err != nil {
		return nil, err
	}
	apps, err := load(dir, SetAppellationsFile, ReadAppellations)
	if err != nil {
		return nil, err
	}
	codes, err := load(dir, SetCodesFile, ReadRomeCodes)
	if err != nil {
		return nil, err
	}
	return BuildSet(offers, apps, codes, opts), nil
}

// load opens dir/rel and reads it with read, naming it rel in errors.
func load[T any](dir, rel string, read func(name string, r io.Reader) (T, error)) (T, error) {
	f, err := os.Open(filepath.Join(dir, rel))
	if err != nil {
		var zero T
		return zero, err
	}
	defer f.Close()
	return read(rel, f)
}

// WriteQueries writes the queries as TSV, each ROME code introduced by a
// comment line.
func (s *Set) WriteQueries(w io.Writer) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# offres evaluation set: ROME job titles that occur nowhere verbatim in the offers.\n")
	fmt.Fprintf(&b, "# Built by offres-evalset from %s and %s; do not edit.\n", SetOffersFile, SetAppellationsFile)
	next := 0 // the queries are in the order of their codes
	for _, c := range s.Codes {
		name := c.Rome
		if c.Label != "" {
			name += " " + c.Label
		}
		fmt.Fprintf(&b, "# %s: %d offers, %d queries\n", name, c.Offers, c.Queries)
		end := min(next+c.Queries, len(s.Queries))
		if err := WriteQueries(&b, s.Queries[next:end]); err != nil {
			return err
		}
		next = end
	}
	if next != len(s.Queries) {
		return fmt.Errorf("set: %d queries, %d counted by code: %w", len(s.Queries), next, offres.ErrInvalid)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// Write writes QueriesFile and QrelsFile into dir, creating it if needed.
func (s *Set) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var q, r bytes.Buffer
	if err := s.WriteQueries(&q); err != nil {
		return err
	}
	if err := WriteQrels(&r, s.Qrels); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, QueriesFile), q.Bytes(), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, QrelsFile), r.Bytes(), 0o644)
}
