package indexer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"offres/internal/offres"
)

// parseJSONLD reads a standalone JSON-LD source: a JobPosting, an array of
// nodes or a {"@graph": [...]} document, record by record.
func parseJSONLD(e *emitter, r io.Reader) error {
	records, postings := 0, 0
	err := walkJSON(e, r, []string{"@graph"}, func(pos string, raw []byte) error {
		records++
		if !utf8.Valid(raw) {
			return e.reject(pos, errInvalidUTF8)
		}
		node, err := decodeLD(raw)
		if err != nil {
			return e.rejectf(pos, "decode JSON-LD: %s", jsonReason(err))
		}
		return e.jobPostings(node, &postings)
	})
	if err != nil || postings > 0 || records == 0 {
		return err
	}
	return e.rejectf(e.name, "no schema.org JobPosting found")
}

// decodeLD decodes JSON-LD keeping numbers as written.
func decodeLD(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// jobPostings emits every JobPosting found in a JSON-LD node, counting them
// in *n for their positions ("page.html:posting 2").
func (e *emitter) jobPostings(node any, n *int) error {
	for _, p := range findJobPostings(node, nil, 0) {
		*n++
		if err := e.offer(e.pos("posting", *n), jobPostingOffer(p)); err != nil {
			return err
		}
	}
	return nil
}

// maxSkillLen bounds a skill label; longer items of a skills list are text.
const maxSkillLen = 200

// maxLDDepth bounds the search for postings in nested JSON-LD.
const maxLDDepth = 16

// findJobPostings collects the JobPosting objects in a JSON-LD tree: at its
// top, in arrays, in @graph, or nested in other nodes (a WebPage's
// mainEntity).
func findJobPostings(node any, found []map[string]any, depth int) []map[string]any {
	if depth > maxLDDepth {
		return found
	}
	switch v := node.(type) {
	case []any:
		for _, x := range v {
			found = findJobPostings(x, found, depth+1)
		}
	case map[string]any:
		if isJobPosting(v) {
			return append(found, v)
		}
		for _, k := range slices.Sorted(maps.Keys(v)) {
			found = findJobPostings(v[k], found, depth+1)
		}
	}
	return found
}

func isJobPosting(m map[string]any) bool {
	for _, t := range ldStrings(m["@type"]) {
		if t == "JobPosting" || strings.HasSuffix(t, "/JobPosting") || strings.HasSuffix(t, ":JobPosting") {
			return true
		}
	}
	return false
}

// jobPostingOffer maps a schema.org JobPosting.
func jobPostingOffer(p map[string]any) offres.Offer {
	o := offres.Offer{
		ID:           firstNonEmpty(ldText(p["identifier"], "value", "@value", "name"), ldString(p["url"]), ldString(p["@id"])),
		Title:        firstNonEmpty(ldString(p["title"]), ldString(p["name"])),
		Employer:     ldString(p["hiringOrganization"]),
		Direction:    ldString(p["employmentUnit"]),
		ContractType: ldContract(p["employmentType"]),
		Location:     ldLocation(p["jobLocation"]),
		PublishedAt:  ldDate(p["datePosted"]),
		Deadline:     ldDate(p["validThrough"]),
		StartDate:    ldDate(p["jobStartDate"]),
		Description:  htmlText(ldString(p["description"])),
		RomeCode:     romeCodeIn(ldStrings(p["occupationalCategory"])),
		URL:          ldString(p["url"]),
		Source:       string(FormatJSONLD),
	}
	if o.Direction == "" {
		if org, ok := p["hiringOrganization"].(map[string]any); ok {
			o.Direction = ldString(org["department"])
		}
	}
	for _, s := range []struct {
		key     string
		kind    offres.SectionKind
		heading string
	}{
		{"responsibilities", offres.SectionMissions, "Missions"},
		{"qualifications", offres.SectionProfil, "Qualifications"},
		{"skills", offres.SectionProfil, "Compétences"},
		{"educationRequirements", offres.SectionProfil, "Formation"},
		{"experienceRequirements", offres.SectionProfil, "Expérience"},
		{"jobBenefits", offres.SectionConditions, "Avantages"},
		{"workHours", offres.SectionConditions, "Horaires"},
	} {
		o.Sections = appendSection(o.Sections, s.kind, s.heading, ldLines(p[s.key]))
	}
	o.Sections = appendSection(o.Sections, offres.SectionRemuneration, "Rémunération",
		[]string{ldSalary(p["baseSalary"]), ldSalary(p["estimatedSalary"])})
	o.Sections = appendSection(o.Sections, offres.SectionContact, "Contact", ldContact(p["applicationContact"]))
	if list, ok := p["skills"].([]any); ok {
		for _, label := range ldStrings(list) {
			if len(label) <= maxSkillLen {
				o.Skills = append(o.Skills, offres.Skill{Label: label})
			}
		}
	}
	if n, ok := ResidenceYears(o.FullText()); ok {
		o.ResidenceYears = n
	}
	return o
}

// ldString reads a JSON-LD value as text: a string, a number, the first
// element of an array, or the name (else the value) of a node.
func ldString(v any) string {
	return ldText(v, "name", "@value", "value", "text")
}

// ldText is ldString with the keys to read from a node, in order.
func ldText(v any, keys ...string) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case []any:
		for _, e := range x {
			if s := ldText(e, keys...); s != "" {
				return s
			}
		}
	case map[string]any:
		for _, k := range keys {
			if _, nested := x[k].(map[string]any); nested {
				continue
			}
			if s := ldText(x[k], keys...); s != "" {
				return s
			}
		}
	}
	return ""
}

// ldStrings reads a value or an array of values as texts.
func ldStrings(v any) []string {
	items, ok := v.([]any)
	if !ok {
		items = []any{v}
	}
	var out []string
	for _, x := range items {
		if s := ldString(x); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// ldLines reads a text field that may hold HTML, or a list of items.
func ldLines(v any) []string {
	var out []string
	for _, s := range ldStrings(v) {
		out = append(out, htmlText(s))
	}
	return out
}

func ldDate(v any) offres.Date {
	s := ldString(v)
	if d, err := offres.ParseDate(s); err == nil {
		return d
	}
	d, _ := ParseFrenchDate(s)
	return d
}

// ldContract maps employmentType. FULL_TIME and PART_TIME say nothing of
// the contract; free text (« CDI ») is read as French.
func ldContract(v any) string {
	for _, t := range ldStrings(v) {
		switch strings.ToUpper(strings.ReplaceAll(t, "-", "_")) {
		case "FULL_TIME", "PART_TIME":
			continue
		case "TEMPORARY", "CONTRACTOR":
			return offres.ContractCDD
		case "INTERN", "INTERNSHIP":
			return offres.ContractStage
		case "PER_DIEM", "VOLUNTEER", "OTHER":
			return offres.ContractAutre
		}
		if c := ContractTypeOf(t); c != "" {
			return c
		}
	}
	return ""
}

// ldLocation reads the first jobLocation: its address locality (or the
// address as text) and region, and its coordinates.
func ldLocation(v any) offres.Location {
	if list, ok := v.([]any); ok && len(list) > 0 {
		v = list[0]
	}
	place, ok := v.(map[string]any)
	if !ok {
		return offres.Location{Commune: ldString(v)}
	}
	var l offres.Location
	switch addr := place["address"].(type) {
	case map[string]any:
		l.Commune = ldString(addr["addressLocality"])
		l.Province = ldString(addr["addressRegion"])
	default:
		l.Commune = ldString(addr)
	}
	if l.Commune == "" {
		l.Commune = ldString(place["name"])
	}
	if geo, ok := place["geo"].(map[string]any); ok {
		l.Lat, l.Lon = ldFloat(geo["latitude"]), ldFloat(geo["longitude"])
	}
	return l
}

func ldFloat(v any) *float64 {
	f, err := strconv.ParseFloat(ldString(v), 64)
	if err != nil {
		return nil
	}
	return &f
}

var salaryUnits = map[string]string{
	"HOUR": "de l'heure", "DAY": "par jour", "WEEK": "par semaine", "MONTH": "par mois", "YEAR": "par an",
}

// ldSalary writes a MonetaryAmount (or a plain value) as text:
// « 350 000 – 450 000 XPF par mois ».
func ldSalary(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return ldString(v)
	}
	amount, unit := m, ""
	if q, ok := m["value"].(map[string]any); ok {
		amount = q
		unit = salaryUnits[strings.ToUpper(ldString(q["unitText"]))]
	}
	value := ldString(amount["value"])
	if lo, hi := ldString(amount["minValue"]), ldString(amount["maxValue"]); value == "" && (lo != "" || hi != "") {
		value = joinNonEmpty(" – ", lo, hi)
	}
	if value == "" {
		return ""
	}
	return joinNonEmpty(" ", value, ldString(m["currency"]), unit)
}

func ldContact(v any) []string {
	m, ok := v.(map[string]any)
	if !ok {
		return []string{ldString(v)}
	}
	return []string{ldString(m["name"]), ldString(m["contactType"]), ldString(m["email"]),
		ldString(m["telephone"]), ldString(m["url"])}
}

var romeCodeRE = regexp.MustCompile(`\b([A-N]\d{4})\b`)

// romeCodeIn finds a ROME code (« K2303 ») among occupation labels.
func romeCodeIn(labels []string) string {
	for _, l := range labels {
		if m := romeCodeRE.FindString(l); m != "" {
			return m
		}
	}
	return ""
}

// reportLDError is the reason given for a JSON-LD block that does not decode.
func reportLDError(err error) error {
	return fmt.Errorf("invalid JSON-LD: %s: %w", jsonReason(err), offres.ErrInvalid)
}
