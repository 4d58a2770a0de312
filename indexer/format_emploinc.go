package indexer

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"offres/internal/offres"
)

var emploiNCHeaderRE = regexp.MustCompile(`^\x{feff}?url,numeroOffre,titreOffre,`)

// parseEmploiNC reads the emploi.gouv.nc CSV: comma-separated, values
// wrapped in single quotes (and in double quotes when they hold a comma).
// The offer's text is made of its fields, as the portal shows them.
//
// Each record is cut from the file before it is parsed, so that a damaged
// one costs only itself: a record is a line, joined to the lines after it
// while a double quote is left open and they do not start a record (its
// URL). An unmatched double quote thus ends at the next record, which is
// read; csv.Reader with LazyQuotes alone would read the rest of the file
// as one field.
func parseEmploiNC(e *emitter, r io.Reader) error {
	lines := bufio.NewScanner(r)
	lines.Buffer(make([]byte, 0, 64<<10), maxEmploiNCRecord)
	if !lines.Scan() {
		err := lines.Err()
		if err == nil {
			err = io.EOF
		}
		return fmt.Errorf("%s: header: %v: %w", e.name, err, offres.ErrInvalid)
	}
	head, err := emploiNCFields(lines.Text())
	if err != nil {
		return fmt.Errorf("%s: header: %v: %w", e.name, err, offres.ErrInvalid)
	}
	cols := make(map[string]int, len(head))
	for i, c := range head {
		cols[strings.TrimPrefix(c, "\ufeff")] = i
	}
	for _, c := range []string{"numeroOffre", "titreOffre"} {
		if _, ok := cols[c]; !ok {
			return fmt.Errorf("%s: no column %s: %w", e.name, c, offres.ErrInvalid)
		}
	}
	n := 1 // the line read last
	more := lines.Scan()
	if more {
		n++
	}
	for more {
		line, rec := n, lines.Text()
		more = lines.Scan()
		if more {
			n++
		}
		// An open double quote: the next lines belong to the record while
		// they do not start one.
		for strings.Count(rec, `"`)%2 == 1 && more && !emploiNCRecordStart(lines.Text()) && len(rec) < maxEmploiNCRecord {
			rec += "\n" + lines.Text()
			if more = lines.Scan(); more {
				n++
			}
		}
		if strings.TrimSpace(rec) == "" {
			continue
		}
		pos := e.pos("line", line)
		var err error
		row, perr := emploiNCFields(rec)
		switch {
		case strings.Count(rec, `"`)%2 == 1:
			err = e.rejectf(pos, "unmatched double quote")
		case perr != nil:
			err = e.rejectf(pos, "%v", perr)
		case len(row) != len(cols):
			err = e.rejectf(pos, "%d fields, want %d", len(row), len(cols))
		default:
			err = e.emploiNCRow(pos, cols, row)
		}
		if err != nil {
			return err
		}
	}
	if err := lines.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("%s: line %d longer than %d bytes: %w", e.name, n+1, maxEmploiNCRecord, offres.ErrInvalid)
		}
		return fmt.Errorf("read %s: %w", e.name, err)
	}
	return nil
}

// maxEmploiNCRecord bounds a line, and a record, of the emploi.gouv.nc CSV.
const maxEmploiNCRecord = 1 << 20

// emploiNCRecordStart reports whether a line starts a record: its first
// field is the offer's URL.
func emploiNCRecordStart(line string) bool {
	line = strings.TrimLeft(line, `'"`)
	return strings.HasPrefix(line, "http://") || strings.HasPrefix(line, "https://")
}

// emploiNCFields splits one record into its fields.
func emploiNCFields(rec string) ([]string, error) {
	cr := csv.NewReader(strings.NewReader(rec))
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	row, err := cr.Read()
	var perr *csv.ParseError
	if errors.As(err, &perr) {
		return nil, perr.Err
	}
	if err != nil {
		return nil, err
	}
	if _, err := cr.Read(); err != io.EOF {
		return nil, errors.New("more than one record")
	}
	return row, nil
}

func (e *emitter) emploiNCRow(pos string, cols map[string]int, row []string) error {
	get := func(col string) string {
		i, ok := cols[col]
		if !ok {
			return ""
		}
		v := strings.TrimSpace(row[i])
		if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
			v = strings.TrimSpace(v[1 : len(v)-1])
		}
		return v
	}
	for _, f := range row {
		if !utf8.ValidString(f) {
			return e.reject(pos, errInvalidUTF8)
		}
	}
	o := offres.Offer{
		ID:           get("numeroOffre"),
		Title:        get("titreOffre"),
		Employer:     get("nomEntreprise"),
		ContractType: ContractTypeOf(get("typecontrat")),
		Location:     offres.Location{Commune: get("communeEmploi"), Province: get("province")},
		PublishedAt:  slashDate(get("datePublication")),
		StartDate:    slashDate(get("aPourvoirLe")),
		URL:          get("url"),
		Source:       string(FormatEmploiNC),
	}
	if strings.EqualFold(o.Employer, "Anonyme") {
		o.Employer = ""
	}
	if lat, err := strconv.ParseFloat(get("latitude"), 64); err == nil {
		o.Location.Lat = &lat
	}
	if lon, err := strconv.ParseFloat(get("longitude"), 64); err == nil {
		o.Location.Lon = &lon
	}
	profil := labelled([][2]string{
		{"Expérience", get("experience")},
		{"Niveau de formation", get("niveauFormation")},
		{"Diplôme", get("diplome")},
	})
	conditions := labelled([][2]string{
		{"Contrat", get("typecontrat")},
		{"Nombre de postes", get("nbPostes")},
		{"Poste à pourvoir le", o.StartDate.French()},
	})
	if profil != "" {
		o.Sections = append(o.Sections, offres.Section{Kind: offres.SectionProfil, Heading: "Profil", Text: profil})
	}
	if conditions != "" {
		o.Sections = append(o.Sections, offres.Section{Kind: offres.SectionConditions, Heading: "Conditions", Text: conditions})
	}
	return e.offer(pos, o)
}

// labelled writes « label : value » lines for the values that are set.
func labelled(pairs [][2]string) string {
	var b strings.Builder
	for _, p := range pairs {
		if p[1] == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p[0] + " : " + p[1])
	}
	return b.String()
}

// slashDate parses "2020/06/12".
func slashDate(s string) offres.Date {
	t, err := time.Parse("2006/01/02", s)
	if err != nil {
		return offres.Date{}
	}
	return offres.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
}
