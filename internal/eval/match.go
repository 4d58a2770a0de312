package eval

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"offres/internal/offres"
)

// The files of a matching set.
const (
	// ProfilesFile holds the profiles of a matching set (see ReadProfiles).
	ProfilesFile = "profiles.txt"
	// PairsFile holds an explanation set (see ReadPairs).
	PairsFile = "pairs.json"
)

// ReadProfiles reads profiles: each starts with a header line « ### id »
// and its text is every line up to the next header, trimmed. Lines
// starting with '#' (but not « ### ») before the first header are
// comments. An empty text, an id with a space or a repeated id is an error
// wrapping offres.ErrInvalid.
func ReadProfiles(name string, r io.Reader) ([]Query, error) {
	var out []Query
	var text strings.Builder
	seen := map[string]bool{}
	flush := func() error {
		if len(out) == 0 {
			return nil
		}
		q := &out[len(out)-1]
		if q.Text = strings.TrimSpace(text.String()); q.Text == "" {
			return fmt.Errorf("%s: profile %s: empty text: %w", name, q.ID, offres.ErrInvalid)
		}
		text.Reset()
		return nil
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if id, ok := strings.CutPrefix(line, "### "); ok {
			if err := flush(); err != nil {
				return nil, err
			}
			id = strings.TrimSpace(id)
			if err := checkProfileID(name, n, id, seen); err != nil {
				return nil, err
			}
			out = append(out, Query{ID: id})
			continue
		}
		if len(out) == 0 {
			if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
				return nil, lineError(name, n, "text before the first « ### id » header")
			}
			continue
		}
		text.WriteString(line + "\n")
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}

func checkProfileID(name string, n int, id string, seen map[string]bool) error {
	switch {
	case id == "" || strings.ContainsAny(id, " \t"):
		return lineError(name, n, "profile id %q: want one word", id)
	case seen[id]:
		return lineError(name, n, "profile %s repeated", id)
	}
	seen[id] = true
	return nil
}

// LoadMatchSets reads the graded matching sets of dir: every subdirectory
// with a ProfilesFile and a QrelsFile, by name. The profiles are the
// queries.
func LoadMatchSets(dir string) ([]SearchSet, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var sets []SearchSet
	for _, e := range entries {
		sub := filepath.Join(dir, e.Name())
		if _, err := os.Stat(filepath.Join(sub, ProfilesFile)); !e.IsDir() || err != nil {
			continue
		}
		set := SearchSet{Name: e.Name()}
		if set.Queries, err = load(sub, ProfilesFile, ReadProfiles); err != nil {
			return nil, err
		}
		if set.Qrels, err = load(sub, QrelsFile, ReadQrels); err != nil {
			return nil, err
		}
		sets = append(sets, set)
	}
	if len(sets) == 0 {
		return nil, fmt.Errorf("%s: no subdirectory with %s: %w", dir, ProfilesFile, offres.ErrInvalid)
	}
	return sets, nil
}

// CodeQrels judges profiles named « <ROME code>-<style> » by their code:
// every offer of that code is relevant (grade 1). The offers' codes are
// their source's, an appellation code (OGR) read as its ROME code.
func CodeQrels(profiles []Query, offers []LabelledOffer, apps []Appellation) (Qrels, error) {
	byCode := map[string][]string{}
	for _, o := range withRomeCodes(offers, apps) {
		if c := o.Offer.RomeCode; c != "" {
			byCode[c] = append(byCode[c], o.Offer.ID)
		}
	}
	qrels := Qrels{}
	for _, p := range profiles {
		code, _, _ := strings.Cut(p.ID, "-")
		ids := byCode[code]
		if len(ids) == 0 {
			return nil, fmt.Errorf("profile %s: no offer of code %s: %w", p.ID, code, offres.ErrInvalid)
		}
		qrels[p.ID] = map[string]int{}
		for _, id := range ids {
			qrels[p.ID][id] = 1
		}
	}
	return qrels, nil
}

// LoadCodeQrels judges the profiles of the set in setDir by their code over
// the offers of the shared data directory dataDir (SetOffersFile and
// SetPEPFile, the appellations of SetAppellationsFile).
func LoadCodeQrels(dataDir, setDir string) (Qrels, error) {
	profiles, err := load(setDir, ProfilesFile, ReadProfiles)
	if err != nil {
		return nil, err
	}
	ft, err := load(dataDir, SetOffersFile, ReadFranceTravail)
	if err != nil {
		return nil, err
	}
	pep, err := load(dataDir, SetPEPFile, ReadPlaceEmploiPublic)
	if err != nil {
		return nil, err
	}
	apps, err := load(dataDir, SetAppellationsFile, ReadAppellations)
	if err != nil {
		return nil, err
	}
	return CodeQrels(profiles, append(ft, pep...), apps)
}

// ExplainPair is one case of the explanation set: a requirement of an
// offer, of a kind (« skill »: a skill the offer lists; « job »: the
// offer's title; « diploma », « experience »: a sentence of the offer's
// profile section), the profile text that is compared with it, and the
// status it should get (matched, partial, missing, or none: the offer's
// text asks nothing of that kind, « serait un plus » or a diploma read from
// noise).
type ExplainPair struct {
	ID          string `json:"id"`
	Kind        string `json:"kind"`
	Requirement string `json:"requirement"`
	Profile     string `json:"profile"`
	Want        string `json:"want"`
	// Quoted marks the false matches quoted in issue 15.
	Quoted bool   `json:"quoted,omitempty"`
	Why    string `json:"why,omitempty"`
}

// ReadPairs reads an explanation set: a JSON array of ExplainPair.
func ReadPairs(name string, r io.Reader) ([]ExplainPair, error) {
	var pairs []ExplainPair
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&pairs); err != nil {
		return nil, fmt.Errorf("%s: %v: %w", name, err, offres.ErrInvalid)
	}
	seen := map[string]bool{}
	for _, p := range pairs {
		switch {
		case p.ID == "" || seen[p.ID]:
			return nil, fmt.Errorf("%s: pair %q: empty or repeated id: %w", name, p.ID, offres.ErrInvalid)
		case !slices.Contains([]string{"skill", "job", "diploma", "experience"}, p.Kind):
			return nil, fmt.Errorf("%s: pair %s: unknown kind %q: %w", name, p.ID, p.Kind, offres.ErrInvalid)
		case !slices.Contains([]string{"matched", "partial", "missing", "none"}, p.Want):
			return nil, fmt.Errorf("%s: pair %s: unknown status %q: %w", name, p.ID, p.Want, offres.ErrInvalid)
		}
		seen[p.ID] = true
	}
	return pairs, nil
}

// LoadPairs reads dir/PairsFile; a directory without one has no pairs.
func LoadPairs(dir string) ([]ExplainPair, error) {
	pairs, err := load(dir, PairsFile, ReadPairs)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return pairs, err
}

// ExplainFunc returns the status a matcher gives a pair.
type ExplainFunc func(p ExplainPair) string

// ExplainReport is the outcome of an explanation set.
type ExplainReport struct {
	Pairs, Right int
	// QuotedWrong counts the quoted false matches still given a wrong status.
	QuotedWrong int
	// Wrong lists the pairs given a wrong status: « id: got x, want y ».
	Wrong []string
}

// Accuracy is the share of pairs given the right status.
func (r ExplainReport) Accuracy() float64 { return ratio(r.Right, r.Pairs) }

// RunExplain gives every pair to explain and counts the right statuses.
func RunExplain(pairs []ExplainPair, explain ExplainFunc) ExplainReport {
	r := ExplainReport{Pairs: len(pairs)}
	for _, p := range pairs {
		got := explain(p)
		if got == p.Want {
			r.Right++
			continue
		}
		if p.Quoted {
			r.QuotedWrong++
		}
		r.Wrong = append(r.Wrong, fmt.Sprintf("%s: got %s, want %s (%s / %s)", p.ID, got, p.Want, p.Requirement, clipAnswer(p.Profile)))
	}
	return r
}
