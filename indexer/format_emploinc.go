package indexer

import (
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
func parseEmploiNC(e *emitter, r io.Reader) error {
	cr := csv.NewReader(r)
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
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
	for {
		row, err := cr.Read()
		line, _ := cr.FieldPos(0)
		pos := e.pos("line", line)
		var perr *csv.ParseError
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case errors.As(err, &perr):
			err = e.rejectf(e.pos("line", perr.Line), "%v", perr.Err)
		case err != nil:
			return fmt.Errorf("read %s: %w", e.name, err)
		case len(row) != len(cols):
			err = e.rejectf(pos, "%d fields, want %d", len(row), len(cols))
		default:
			err = e.emploiNCRow(pos, cols, row)
		}
		if err != nil {
			return err
		}
	}
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
