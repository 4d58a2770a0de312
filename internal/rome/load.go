package rome

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The files of the export, by the part of their name that does not depend
// on the version ("unix_referentiel_code_rome_v460_utf8.csv").
var (
	fileCodes        = exportFile{"referentiel_code_rome", []string{"code_rome", "libelle_rome"}}
	fileAppellations = exportFile{"referentiel_appellation", []string{"code_ogr", "libelle_appellation_long", "code_rome"}}
	fileCompetences  = exportFile{"referentiel_competence", []string{"code_ogr", "libelle_competence"}}
	fileSavoirs      = exportFile{"referentiel_savoir", []string{"code_ogr_savoir", "libelle_savoir"}}
	fileTexts        = exportFile{"texte", []string{"code_rome", "libelle_type_texte", "position_phrase", "libelle_texte"}}
	fileMobility     = exportFile{"rubrique_mobilite", []string{"code_rome", "code_rome_cible"}}
)

type exportFile struct {
	stem     string   // matched as *_STEM_*.csv or STEM_*.csv
	required []string // columns
}

// maxLine bounds a line of the export; longer lines are skipped.
const maxLine = 1 << 20

// Load reads the CSV export of the ROME in dir. Bad records are skipped and
// listed in Problems; a missing required file or column is an error naming
// it (wrapping fs.ErrNotExist for a missing file).
func Load(dir string) (*Taxonomy, error) {
	l := &loader{dir: dir, t: &Taxonomy{}}
	if err := l.load(); err != nil {
		return nil, fmt.Errorf("rome: load %s: %w", dir, err)
	}
	return l.t, nil
}

type loader struct {
	dir   string
	names []string // of the directory
	t     *Taxonomy
	codes map[string]int // code → index in t.codes
	lines map[string]int // code → line in the codes file
}

func (l *loader) load() error {
	entries, err := os.ReadDir(l.dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.IsDir() {
			l.names = append(l.names, e.Name())
		}
	}
	// Locate every required file first, so that one error names them all.
	var missing []string
	files := map[*exportFile]string{}
	for _, f := range []*exportFile{&fileCodes, &fileAppellations, &fileCompetences, &fileSavoirs, &fileTexts, &fileMobility} {
		name, err := l.find(f)
		if err != nil {
			return err
		}
		if name == "" && f != &fileMobility {
			missing = append(missing, "unix_"+f.stem+"_*.csv")
		}
		files[f] = name
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing required file %s: %w", strings.Join(missing, ", "), fs.ErrNotExist)
	}
	l.t.version = exportVersion(files[&fileCodes])

	steps := []struct {
		f   *exportFile
		row func(record) error
	}{
		{&fileCodes, l.code},
		{&fileAppellations, l.appellation},
		{&fileCompetences, l.competence},
		{&fileSavoirs, l.savoir},
	}
	for _, s := range steps {
		if err := l.table(files[s.f], s.f.required, s.row); err != nil {
			return err
		}
		if s.f == &fileCodes {
			l.resolveParents(files[s.f])
		}
	}
	texts := map[textKey][]text{}
	if err := l.table(files[&fileTexts], fileTexts.required, func(r record) error { return l.text(r, texts) }); err != nil {
		return err
	}
	l.setTexts(texts)
	if name := files[&fileMobility]; name != "" {
		mob := map[string][]ordered{}
		if err := l.table(name, fileMobility.required, func(r record) error { return l.mobility(r, mob) }); err != nil {
			return err
		}
		for code, targets := range mob {
			slices.SortStableFunc(targets, func(a, b ordered) int { return cmp.Compare(a.pos, b.pos) })
			rec := &l.t.codes[l.codes[code]]
			for _, o := range targets {
				rec.Mobility = append(rec.Mobility, o.s)
			}
		}
	}
	return l.t.build()
}

// find returns the name of the file of the export f in the directory, or ""
// if there is none. The UTF-8 variant is preferred when both are present.
func (l *loader) find(f *exportFile) (string, error) {
	var found []string
	for _, name := range l.names {
		lower := strings.ToLower(name)
		a, _ := path.Match("*_"+f.stem+"_*.csv", lower)
		b, _ := path.Match(f.stem+"_*.csv", lower)
		if a || b {
			found = append(found, name)
		}
	}
	if len(found) > 1 {
		var utf []string
		for _, name := range found {
			if strings.Contains(strings.ToLower(name), "utf8") {
				utf = append(utf, name)
			}
		}
		found = utf
	}
	switch len(found) {
	case 0:
		return "", nil
	case 1:
		return found[0], nil
	}
	return "", fmt.Errorf("several files for %s: %s", f.stem, strings.Join(found, ", "))
}

// exportVersion returns the "v460" of "unix_referentiel_code_rome_v460_utf8.csv".
func exportVersion(name string) string {
	for _, part := range strings.Split(strings.TrimSuffix(name, ".csv"), "_") {
		if len(part) > 1 && part[0] == 'v' {
			if _, err := strconv.Atoi(part[1:]); err == nil {
				return part
			}
		}
	}
	return ""
}

func (l *loader) problem(file string, line int, format string, args ...any) {
	l.t.problems = append(l.t.problems, Problem{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// record is one line of a CSV file, its fields by column name.
type record struct {
	line   int
	fields []string
	cols   map[string]int
}

// get returns the field of column col, cleaned, or "" if the file has no
// such column.
func (r record) get(col string) string {
	i, ok := r.cols[col]
	if !ok {
		return ""
	}
	return clean(r.fields[i])
}

// table reads the CSV file name, calling row for each record. A record that
// cannot be parsed, or that row rejects, is reported and skipped.
func (l *loader) table(name string, required []string, row func(record) error) error {
	f, err := os.Open(filepath.Join(l.dir, name))
	if err != nil {
		return err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	var cols map[string]int
	for n := 1; ; n++ {
		line, err := readLine(br)
		if err == io.EOF {
			break
		}
		if errors.Is(err, errLongLine) {
			l.problem(name, n, "line longer than %d bytes", maxLine)
			continue
		}
		if err != nil {
			return fmt.Errorf("%s:%d: %w", name, n, err)
		}
		if cols == nil {
			line = strings.TrimPrefix(line, "\ufeff")
			head, err := parseLine(line)
			if err != nil {
				return fmt.Errorf("%s:%d: header: %w", name, n, err)
			}
			cols = make(map[string]int, len(head))
			for i, h := range head {
				cols[strings.ToLower(strings.TrimSpace(h))] = i
			}
			for _, c := range required {
				if _, ok := cols[c]; !ok {
					return fmt.Errorf("%s: missing column %q", name, c)
				}
			}
			continue
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		if !utf8.ValidString(line) {
			l.problem(name, n, "not UTF-8")
			continue
		}
		fields, err := parseLine(line)
		if err != nil {
			l.problem(name, n, "%v", err)
			continue
		}
		if len(fields) != len(cols) {
			l.problem(name, n, "%d fields, the header has %d", len(fields), len(cols))
			continue
		}
		if err := row(record{line: n, fields: fields, cols: cols}); err != nil {
			l.problem(name, n, "%v", err)
		}
	}
	if cols == nil {
		return fmt.Errorf("%s: empty file", name)
	}
	return nil
}

var errLongLine = errors.New("line too long")

// readLine returns the next line without its end of line ("\n" or
// "\r\n"), or io.EOF at the end. A line longer than maxLine is consumed and
// reported as errLongLine.
func readLine(br *bufio.Reader) (string, error) {
	var buf []byte
	long := false
	for {
		chunk, err := br.ReadSlice('\n')
		if len(buf)+len(chunk) > maxLine {
			long = true
			buf = buf[:0]
		} else {
			buf = append(buf, chunk...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF && (len(buf) > 0 || long) {
			err = nil
		}
		if err != nil {
			return "", err
		}
		if long {
			return "", errLongLine
		}
		s := strings.TrimSuffix(string(buf), "\n")
		return strings.TrimSuffix(s, "\r"), nil
	}
}

// parseLine splits one CSV record: fields separated by commas, quoted or
// not, a quote inside a quoted field doubled.
func parseLine(line string) ([]string, error) {
	fields := make([]string, 0, 16)
	i := 0
	for {
		if i < len(line) && line[i] == '"' {
			i++
			var b strings.Builder
			for {
				j := strings.IndexByte(line[i:], '"')
				if j < 0 {
					return nil, errors.New("unterminated quoted field")
				}
				b.WriteString(line[i : i+j])
				i += j + 1
				if i < len(line) && line[i] == '"' {
					b.WriteByte('"')
					i++
					continue
				}
				break
			}
			fields = append(fields, b.String())
			if i == len(line) {
				return fields, nil
			}
			if line[i] != ',' {
				return nil, fmt.Errorf("unexpected %q after quoted field %d", line[i], len(fields))
			}
			i++
			continue
		}
		j := strings.IndexByte(line[i:], ',')
		f := line[i:]
		if j >= 0 {
			f = line[i : i+j]
		}
		if strings.IndexByte(f, '"') >= 0 {
			return nil, fmt.Errorf("quote in unquoted field %d", len(fields)+1)
		}
		fields = append(fields, f)
		if j < 0 {
			return fields, nil
		}
		i += j + 1
	}
}

// clean turns the doubled apostrophes of the export (SQL-style escaping, in
// the text file) into single ones and reduces white space to single spaces.
func clean(s string) string {
	if strings.Contains(s, "''") {
		s = strings.ReplaceAll(s, "''", "'")
	}
	return strings.Join(strings.Fields(s), " ")
}

// validCode reports whether s looks like a ROME code: a capital letter and
// four digits.
func validCode(s string) bool {
	if len(s) != 5 || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for i := 1; i < 5; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (l *loader) code(r record) error {
	code, label, parent := r.get("code_rome"), r.get("libelle_rome"), r.get("code_rome_parent")
	switch {
	case !validCode(code):
		return fmt.Errorf("code_rome %q is not a ROME code", code)
	case label == "":
		return fmt.Errorf("code %s: empty libelle_rome", code)
	case parent != "" && !validCode(parent):
		return fmt.Errorf("code %s: code_rome_parent %q is not a ROME code", code, parent)
	}
	if l.codes == nil {
		l.codes, l.lines = map[string]int{}, map[string]int{}
	}
	if _, dup := l.codes[code]; dup {
		return fmt.Errorf("code %s repeated", code)
	}
	if parent == code {
		parent = ""
	}
	l.codes[code] = len(l.t.codes)
	l.lines[code] = r.line
	l.t.codes = append(l.t.codes, codeRec{Code: code, Label: label, Parent: parent})
	return nil
}

// resolveParents makes every parent a known historic code: an unknown
// parent is dropped, a parent that has a parent is replaced by it.
func (l *loader) resolveParents(file string) {
	for i := range l.t.codes {
		r := &l.t.codes[i]
		if r.Parent == "" {
			continue
		}
		j, ok := l.codes[r.Parent]
		switch {
		case !ok:
			l.problem(file, l.lines[r.Code], "code %s: unknown parent %s, taken as its own parent", r.Code, r.Parent)
			r.Parent = ""
		case l.t.codes[j].Parent != "":
			up := l.t.codes[j].Parent
			if k, ok := l.codes[up]; !ok || l.t.codes[k].Parent != "" || up == r.Code {
				l.problem(file, l.lines[r.Code], "code %s: parent %s has itself a parent, taken as its own parent", r.Code, r.Parent)
				r.Parent = ""
			} else {
				l.problem(file, l.lines[r.Code], "code %s: parent %s has itself a parent, %s taken instead", r.Code, r.Parent, up)
				r.Parent = up
			}
		}
	}
}

func (l *loader) knownCode(col, code string) error {
	if !validCode(code) {
		return fmt.Errorf("%s %q is not a ROME code", col, code)
	}
	if _, ok := l.codes[code]; !ok {
		return fmt.Errorf("%s %s is not in the codes file", col, code)
	}
	return nil
}

func (l *loader) appellation(r record) error {
	a := appRec{
		ID:        r.get("code_ogr"),
		Long:      r.get("libelle_appellation_long"),
		Short:     r.get("libelle_appellation_court"),
		Code:      r.get("code_rome"),
		Principal: r.get("classification") == "PRINCIPALE",
	}
	if a.ID == "" || a.Long == "" {
		return errors.New("empty code_ogr or libelle_appellation_long")
	}
	if err := l.knownCode("code_rome", a.Code); err != nil {
		return fmt.Errorf("appellation %s: %w", a.ID, err)
	}
	if a.Short == a.Long {
		a.Short = ""
	}
	l.t.appellations = append(l.t.appellations, a)
	return nil
}

func (l *loader) competence(r record) error {
	s := skillRec{
		ID:       r.get("code_ogr"),
		Label:    r.get("libelle_competence"),
		Category: r.get("cat_comp"),
		Macro:    strings.HasPrefix(strings.ToLower(r.get("nature")), "macro"),
	}
	if s.ID == "" || s.Label == "" {
		return errors.New("empty code_ogr or libelle_competence")
	}
	l.t.competences = append(l.t.competences, s)
	return nil
}

func (l *loader) savoir(r record) error {
	s := skillRec{
		ID:       r.get("code_ogr_savoir"),
		Label:    r.get("libelle_savoir"),
		Category: r.get("categorie_savoir"),
	}
	if s.ID == "" || s.Label == "" {
		return errors.New("empty code_ogr_savoir or libelle_savoir")
	}
	l.t.savoirs = append(l.t.savoirs, s)
	return nil
}

type textKey struct{ code, kind string }

type text = ordered

// ordered is a string with its position in a list.
type ordered struct {
	pos int
	s   string
}

func (l *loader) text(r record, texts map[textKey][]text) error {
	code, kind, sentence := r.get("code_rome"), r.get("libelle_type_texte"), r.get("libelle_texte")
	if err := l.knownCode("code_rome", code); err != nil {
		return err
	}
	pos, err := strconv.Atoi(r.get("position_phrase"))
	if err != nil {
		return fmt.Errorf("code %s: position_phrase %q is not a number", code, r.get("position_phrase"))
	}
	switch {
	case kind == "definition", kind == "acces_metier", strings.Contains(kind, "condition"):
	default:
		return fmt.Errorf("code %s: unknown text type %q", code, kind)
	}
	if sentence == "" {
		return fmt.Errorf("code %s: empty libelle_texte", code)
	}
	k := textKey{code, kind}
	texts[k] = append(texts[k], text{pos, sentence})
	return nil
}

func (l *loader) setTexts(texts map[textKey][]text) {
	keys := slices.SortedFunc(maps.Keys(texts), func(a, b textKey) int {
		return cmp.Or(cmp.Compare(a.code, b.code), cmp.Compare(a.kind, b.kind))
	})
	for _, k := range keys {
		list := texts[k]
		slices.SortStableFunc(list, func(a, b text) int { return cmp.Compare(a.pos, b.pos) })
		r := &l.t.codes[l.codes[k.code]]
		dst := &r.Conditions
		switch k.kind {
		case "definition":
			dst = &r.Definition
		case "acces_metier":
			dst = &r.Access
		}
		for _, t := range list {
			*dst = append(*dst, t.s)
		}
	}
}

func (l *loader) mobility(r record, mob map[string][]ordered) error {
	from, to := r.get("code_rome"), r.get("code_rome_cible")
	if err := l.knownCode("code_rome", from); err != nil {
		return err
	}
	if err := l.knownCode("code_rome_cible", to); err != nil {
		return err
	}
	pos, err := strconv.Atoi(r.get("numero_ordre"))
	if err != nil && r.get("numero_ordre") != "" {
		return fmt.Errorf("numero_ordre %q is not a number", r.get("numero_ordre"))
	}
	mob[from] = append(mob[from], ordered{pos, to})
	return nil
}
