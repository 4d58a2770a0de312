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
	SetPEPFile          = "offers/place-emploi-public-2021.csv"
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
	// PerCode is the most queries per ROME code (default 8).
	PerCode int
	// MinRelevant is the fewest offers a ROME code needs to get queries
	// (default 1: every code of the offers).
	MinRelevant int
}

func (o SetOptions) withDefaults() SetOptions {
	if o.PerCode <= 0 {
		o.PerCode = 8
	}
	if o.MinRelevant <= 0 {
		o.MinRelevant = 1
	}
	return o
}

// LabelledOffer is an imported offer with the ROME appellation its source
// gives it: France Travail has "appellationlibelle" and the ROME code
// (Offer.RomeCode); Place de l'emploi public has the appellation's code
// (Code_OGR, in OGR), the ROME code being the appellation's (BuildSet looks
// it up).
type LabelledOffer struct {
	Offer       offres.Offer
	Appellation string
	OGR         string
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
//   - an offer without a ROME code but with an appellation code (OGR) gets
//     the code of that appellation;
//   - every ROME code with at least MinRelevant offers gets up to PerCode
//     queries, each from one appellation of that code (code_rome equal to the
//     offers' code; appellations the referential has moved to another code
//     are not used);
//   - an appellation is refused when any of its forms (first and feminine
//     form of its short and long labels, folded by offres.FoldKey: case,
//     accents, punctuation) occurs, as whole words, in the title of any
//     offer or in its first or feminine form ("Ripeur / Ripeuse (H/F)"): the
//     set asks for jobs by titles the offers do not use;
//   - the query text mixes the ways a searcher types a job title, in turn
//     within a code (see queryStyles): the short label's first form
//     ("Ripeur / Ripeuse" → "Ripeur", "Technicien(ne) applicateur(trice)
//     hygiéniste" → "Technicien applicateur hygiéniste"), the long label's
//     feminine form ("Ripeuse") and the long label's first form in lower case
//     without accents ("eboueur"); a style that gives no new text falls back
//     to the next one, and a text an earlier query has (folded) is not
//     repeated;
//   - appellations are tried PRINCIPALE first, then by the number of offers
//     labelled with them (most first: the titles employers use), then by
//     code_ogr;
//   - the query id is "<code_rome>-<code_ogr>"; every offer of the code is
//     relevant with grade 1, grade 2 when its own appellation is the query's
//     (same code_ogr, or same long or short label, folded).
func BuildSet(offers []LabelledOffer, apps []Appellation, codeLabels map[string]string, opts SetOptions) *Set {
	opts = opts.withDefaults()
	offers = withRomeCodes(offers, apps)
	var titles []string // folded, between spaces
	byCode := map[string][]LabelledOffer{}
	for _, o := range offers {
		for _, t := range []string{o.Offer.Title, FirstForm(o.Offer.Title), FeminineForm(o.Offer.Title)} {
			if k := offres.FoldKey(t); k != "" {
				titles = append(titles, " "+k+" ")
			}
		}
		if o.Offer.RomeCode != "" {
			byCode[o.Offer.RomeCode] = append(byCode[o.Offer.RomeCode], o)
		}
	}
	inTitles := func(a Appellation) bool {
		for _, form := range appellationForms(a) {
			k := " " + offres.FoldKey(form) + " "
			for _, t := range titles {
				if strings.Contains(t, k) {
					return true
				}
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
				if _, dup := set.Qrels[code+"-"+a.OGR]; dup || a.OGR == "" || inTitles(a) {
					continue // a repeated or missing code_ogr would repeat a qid
				}
				text := queryText(a, sum.Queries, used)
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

// withRomeCodes returns offers where those without a ROME code but with an
// appellation code have the appellation's ROME code.
func withRomeCodes(offers []LabelledOffer, apps []Appellation) []LabelledOffer {
	rome := make(map[string]string, len(apps))
	for _, a := range apps {
		rome[a.OGR] = a.Rome
	}
	out := slices.Clone(offers)
	for i := range out {
		if o := &out[i]; o.Offer.RomeCode == "" && o.OGR != "" {
			o.Offer.RomeCode = rome[o.OGR]
		}
	}
	return out
}

// appellationForms are the texts a title could use an appellation by.
func appellationForms(a Appellation) []string {
	var forms []string
	for _, label := range []string{a.Short, a.Long} {
		for _, f := range []string{FirstForm(label), FeminineForm(label)} {
			if offres.FoldKey(f) != "" {
				forms = append(forms, f)
			}
		}
	}
	return forms
}

// queryStyles are the ways a query is written from an appellation, the
// n-th query of a code trying style n mod 3 first.
var queryStyles = []func(Appellation) string{
	func(a Appellation) string { return FirstForm(a.Short) },
	func(a Appellation) string { return FeminineForm(a.Long) },
	func(a Appellation) string { return plain(FirstForm(a.Long)) },
}

// queryText writes the n-th query of a code from a, or "" when every style
// gives a text already used.
func queryText(a Appellation, n int, used map[string]bool) string {
	for i := range queryStyles {
		t := queryStyles[(n+i)%len(queryStyles)](a)
		if k := offres.FoldKey(t); k != "" && !used[k] {
			return t
		}
	}
	return ""
}

// plain is s in lower case without accents, as typed in a hurry.
func plain(s string) string { return offres.Fold(s) }

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
			if (o.OGR != "" && o.OGR == a.OGR) || sameAppellation(o.Appellation, a) {
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
		if (o.OGR != "" && o.OGR == a.OGR) || sameAppellation(o.Appellation, a) {
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

// FeminineForm is the feminine form of a gendered ROME label with a slash:
// "Ripeur / Ripeuse" → "Ripeuse", "Agent / Agente de collecte de déchets" →
// "Agente de collecte de déchets", "Technicien applicateur/Technicienne
// applicatrice hygiéniste" → "Technicienne applicatrice hygiéniste". The
// words after the slash are the feminine form with the common complement;
// when they are fewer than the words before it, or there is no slash (or
// more than one), FeminineForm is "".
func FeminineForm(label string) string {
	label = feminineSuffixRE.ReplaceAllString(label, "$1")
	first, second, ok := strings.Cut(label, "/")
	if !ok || strings.Contains(second, "/") {
		return ""
	}
	words, rest := strings.Fields(first), strings.Fields(second)
	if len(rest) < len(words) {
		return ""
	}
	return strings.Join(rest, " ")
}

// ReadFranceTravail reads a France Travail "Offres d'emploi v2" file the way
// an import does (indexer.Parse: same ids, same text), keeping the valid
// offers (the last one of a repeated id, as an import does) with their
// "appellationlibelle".
func ReadFranceTravail(name string, r io.Reader) ([]LabelledOffer, error) {
	data, offers, err := readOffers(name, r, indexer.FormatFranceTravail)
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

// readOffers reads r, which must be in format want, and parses it the way
// an import does (indexer.Parse: same ids, same text), keeping the valid
// offers (the last one of a repeated id, as an import does). It returns the
// bytes read too, for the fields the offer model has not.
func readOffers(name string, r io.Reader, want indexer.Format) ([]byte, []LabelledOffer, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", name, err)
	}
	f, err := indexer.DetectFormat(name, data[:min(len(data), 64<<10)])
	if err != nil {
		return nil, nil, err
	}
	if f != want {
		return nil, nil, fmt.Errorf("%s: format %s, want %s: %w", name, f, want, offres.ErrInvalid)
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
	return data, offers, err
}

// ReadPlaceEmploiPublic reads a Place de l'emploi public export the way an
// import does (see readOffers), each offer with its appellation code
// (Code_OGR; its title, Libelle_metier_OGR, is the employer's wording).
func ReadPlaceEmploiPublic(name string, r io.Reader) ([]LabelledOffer, error) {
	data, offers, err := readOffers(name, r, indexer.FormatPEPCSV)
	if err != nil {
		return nil, err
	}
	// The appellation code is not part of the offer model: read it beside,
	// by id, from the "|"-separated lines (the last line of an id wins).
	lines := strings.Split(strings.TrimPrefix(string(data), "\ufeff"), "\n")
	cols := map[string]int{}
	for i, c := range strings.Split(lines[0], "|") {
		cols[strings.TrimSpace(c)] = i
	}
	idCol, okID := cols["Par_ref_offre"]
	ogrCol, okOGR := cols["Code_OGR"]
	if !okID || !okOGR {
		return nil, fmt.Errorf("%s: no column Par_ref_offre or Code_OGR: %w", name, offres.ErrInvalid)
	}
	ogr := map[string]string{}
	for _, line := range lines[1:] {
		fields := strings.Split(strings.TrimSuffix(line, "\r"), "|")
		if len(fields) == len(cols) {
			ogr[strings.TrimSpace(fields[idCol])] = strings.TrimSpace(fields[ogrCol])
		}
	}
	for i := range offers {
		o := &offers[i]
		o.OGR = ogr[o.Offer.ID]
		if o.OGR == "" {
			return nil, fmt.Errorf("%s: offer %q: no Code_OGR: %w", name, o.Offer.ID, offres.ErrInvalid)
		}
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
	pep, err := load(dir, SetPEPFile, ReadPlaceEmploiPublic)
	if err != nil {
		return nil, err
	}
	offers = append(offers, pep...)
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
	fmt.Fprintf(&b, "# offres title set: ROME job titles that no offer uses as its title.\n")
	fmt.Fprintf(&b, "# Built by offres-evalset from %s, %s and %s; do not edit.\n", SetOffersFile, SetPEPFile, SetAppellationsFile)
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
