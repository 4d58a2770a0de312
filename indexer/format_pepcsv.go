package indexer

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"offres/internal/offres"
)

// pepEmployer is the employer of Place de l'emploi public offers that do
// not name theirs.
const pepEmployer = "Fonction publique (Place de l'emploi public)"

// pepColumns are the columns an export must have.
var pepColumns = []string{"Par_ref_offre", "Libelle_metier_OGR", "Description"}

// parsePEPCSV reads the Place de l'emploi public export: a header line, then
// one offer per line, fields separated by "|" without any quoting, line
// breaks within a field written as the two characters `\n`.
func parsePEPCSV(e *emitter, r io.Reader) error {
	lines := newLineReader(r, maxLine)
	head, err := lines.next()
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read %s: %w", e.name, err)
	}
	cols := pepHeader(string(head))
	for _, c := range pepColumns {
		if _, ok := cols[c]; !ok {
			return fmt.Errorf("%s: no column %s: %w", e.name, c, offres.ErrInvalid)
		}
	}
	return e.eachLine(lines, 2, func(pos string, line []byte) error {
		if !utf8.Valid(line) {
			return e.reject(pos, errInvalidUTF8)
		}
		return e.pepRow(pos, cols, strings.Split(string(line), "|"))
	})
}

func pepHeader(line string) map[string]int {
	cols := make(map[string]int)
	for i, c := range strings.Split(strings.TrimPrefix(line, "\ufeff"), "|") {
		cols[strings.TrimSpace(c)] = i
	}
	return cols
}

func (e *emitter) pepRow(pos string, cols map[string]int, fields []string) error {
	if len(fields) != len(cols) {
		return e.rejectf(pos, "%d fields, want %d", len(fields), len(cols))
	}
	get := func(col string) string {
		if i, ok := cols[col]; ok {
			return strings.TrimSpace(fields[i])
		}
		return ""
	}
	text := strings.ReplaceAll(get("Description"), `\n`, "\n")
	o := offres.Offer{
		ID:              get("Par_ref_offre"),
		Title:           get("Libelle_metier_OGR"),
		Employer:        pepEmployer,
		Location:        offres.Location{Commune: get("DEP_libelle")},
		URL:             get("Par_URL_offre"),
		RomeAppellation: get("Code_OGR"),
		Source:          string(FormatPEPCSV),
	}
	if d, ok := ParseFrenchDate(get("Off_date_creation")); ok {
		o.PublishedAt = d
	}
	pepFields(&o, text)
	o.Description, o.Sections = splitSections(text)
	return e.offer(pos, o)
}

// pepFields reads the « Catégorie : A », « Corps : … » and « Employeur : … »
// lines some descriptions start with.
func pepFields(o *offres.Offer, text string) {
	for line := range strings.SplitSeq(text, "\n") {
		key, value, ok := keyValue(line)
		if !ok || value == "" {
			continue
		}
		switch keyField(key) {
		case fieldCategory:
			if c := categoryOf(value); c != "" && o.Category == "" {
				o.Category = c
			}
		case fieldCadre:
			if o.CadreEmploi == "" {
				o.CadreEmploi = value
			}
		case fieldEmployer:
			if o.Employer == pepEmployer {
				o.Employer = value
			}
		}
	}
}
