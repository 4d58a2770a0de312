package rome

import (
	"fmt"
	"slices"
	"sync"
)

// Kinds of skills.
const (
	KindCompetence = "competence"
	KindSavoir     = "savoir"
)

// Taxonomy is the ROME referential with its search indexes. It is immutable
// once built, and safe for concurrent use.
type Taxonomy struct {
	version      string // of the export, "v460"
	codes        []codeRec
	appellations []appRec
	competences  []skillRec
	savoirs      []skillRec
	problems     []Problem

	byCode   map[string]int // code → index in codes
	byApp    map[string]int // appellation code (OGR) → index in appellations
	appCount []int          // appellations per code, by index in codes
	titles   titleIndex
	skills   skillIndex
	lex      lexiconMap
	pool     sync.Pool // *scratch for NormalizeTitle
}

// codeRec is one ROME code and its texts.
type codeRec struct {
	Code       string   `json:"c"`
	Label      string   `json:"l"`
	Parent     string   `json:"p,omitempty"` // omitted when the code is its own parent
	Definition []string `json:"d,omitempty"`
	Access     []string `json:"a,omitempty"`
	Conditions []string `json:"k,omitempty"`
	Mobility   []string `json:"m,omitempty"`
}

// appRec is one appellation (job title).
type appRec struct {
	ID        string `json:"i"`
	Long      string `json:"l"`
	Short     string `json:"s,omitempty"` // omitted when equal to Long
	Code      string `json:"c"`
	Principal bool   `json:"p,omitempty"`
}

// skillRec is one competence or savoir.
type skillRec struct {
	ID       string `json:"i"`
	Label    string `json:"l"`
	Category string `json:"g,omitempty"`
	Macro    bool   `json:"m,omitempty"` // a macro-competence
}

// CodeInfo describes one ROME code.
type CodeInfo struct {
	Code  string
	Label string
	// Parent is the historic code (one of 532) the code belongs to; it
	// equals Code for those.
	Parent string
	// Definition and Access are the sentences of the "definition" and
	// "acces_metier" texts, in order. Conditions holds texts of a
	// "conditions" kind, which the v4.60 export does not have.
	Definition, Access, Conditions []string
	// Mobility lists the codes of the "rubrique mobilité", in the
	// export's order (numero_ordre).
	Mobility []string
	// Appellations counts the job titles of the code.
	Appellations int
}

// Counts are the sizes of a Taxonomy.
type Counts struct {
	Codes        int // all codes (historic and detailed)
	Parents      int // historic codes, their own parent
	Appellations int
	Competences  int // macro-competences included
	Savoirs      int
	Texts        int // sentences of all kinds
}

// Problem is a record of the export that was skipped, or a doubtful one
// that was kept.
type Problem struct {
	File string // base name
	Line int
	Msg  string
}

func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg) }

// Version is the version of the export, from its file names ("v460"), or
// "" when they carry none.
func (t *Taxonomy) Version() string { return t.version }

// Problems lists the records skipped or doubted by Load, in file order. A
// Taxonomy read from its persisted form has none.
func (t *Taxonomy) Problems() []Problem { return slices.Clone(t.problems) }

// Len returns the sizes of the taxonomy.
func (t *Taxonomy) Len() Counts {
	c := Counts{
		Codes:        len(t.codes),
		Appellations: len(t.appellations),
		Competences:  len(t.competences),
		Savoirs:      len(t.savoirs),
	}
	for _, r := range t.codes {
		if r.Parent == "" {
			c.Parents++
		}
		c.Texts += len(r.Definition) + len(r.Access) + len(r.Conditions)
	}
	return c
}

// Code returns the description of a code ("M1805"), historic or detailed.
func (t *Taxonomy) Code(code string) (CodeInfo, bool) {
	i, ok := t.byCode[code]
	if !ok {
		return CodeInfo{}, false
	}
	r := t.codes[i]
	return CodeInfo{
		Code:         r.Code,
		Label:        r.Label,
		Parent:       t.parent(i),
		Definition:   slices.Clone(r.Definition),
		Access:       slices.Clone(r.Access),
		Conditions:   slices.Clone(r.Conditions),
		Mobility:     slices.Clone(r.Mobility),
		Appellations: t.appCount[i],
	}, true
}

// parent returns the historic code of codes[i].
func (t *Taxonomy) parent(i int) string {
	if p := t.codes[i].Parent; p != "" {
		return p
	}
	return t.codes[i].Code
}

// build checks the records and builds the lookups and indexes. Records are
// assumed well-formed one by one (Load and Read check them).
func (t *Taxonomy) build() error {
	t.byCode = make(map[string]int, len(t.codes))
	for i, r := range t.codes {
		if _, dup := t.byCode[r.Code]; dup {
			return fmt.Errorf("code %s repeated", r.Code)
		}
		t.byCode[r.Code] = i
	}
	for _, r := range t.codes {
		if r.Parent == "" {
			continue
		}
		j, ok := t.byCode[r.Parent]
		if !ok {
			return fmt.Errorf("code %s: unknown parent %s", r.Code, r.Parent)
		}
		if t.codes[j].Parent != "" {
			return fmt.Errorf("code %s: parent %s is not a historic code", r.Code, r.Parent)
		}
	}
	t.appCount = make([]int, len(t.codes))
	t.byApp = make(map[string]int, len(t.appellations))
	for j, a := range t.appellations {
		t.byApp[a.ID] = j
		i, ok := t.byCode[a.Code]
		if !ok {
			return fmt.Errorf("appellation %s: unknown code %s", a.ID, a.Code)
		}
		t.appCount[i]++
	}
	if len(t.codes) == 0 || len(t.appellations) == 0 {
		return fmt.Errorf("no codes or no appellations")
	}
	t.lex = newLexiconMap()
	t.buildTitles()
	t.buildSkills()
	t.pool.New = func() any { return t.newScratch() }
	return nil
}
