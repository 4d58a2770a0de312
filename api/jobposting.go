package api

import (
	"encoding/json"
	"html"
	"regexp"
	"strconv"
	"strings"
	"time"

	"offres/internal/offres"
)

// jobPosting is the schema.org JobPosting of an offer's page, with the
// properties Google's job-posting structured data requires (title,
// description, datePosted, hiringOrganization, jobLocation) and recommends
// (validThrough, employmentType, baseSalary, identifier, directApply),
// each filled only from what the source states.
type jobPosting struct {
	Context            string          `json:"@context"`
	Type               string          `json:"@type"`
	Title              string          `json:"title"`
	Description        string          `json:"description"`
	Identifier         propertyValue   `json:"identifier"`
	DatePosted         string          `json:"datePosted,omitempty"`
	ValidThrough       string          `json:"validThrough,omitempty"`
	EmploymentType     []string        `json:"employmentType,omitempty"`
	HiringOrganization organization    `json:"hiringOrganization"`
	JobLocation        place           `json:"jobLocation"`
	BaseSalary         *monetaryAmount `json:"baseSalary,omitempty"`
	DirectApply        bool            `json:"directApply"`
	URL                string          `json:"url"`
	JobStartDate       string          `json:"jobStartDate,omitempty"`
	TotalJobOpenings   int             `json:"totalJobOpenings,omitempty"`
	SameAs             string          `json:"sameAs,omitempty"`
}

type propertyValue struct {
	Type  string `json:"@type"`
	Name  string `json:"name"`
	Value string `json:"value"`
}

type organization struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

type place struct {
	Type    string        `json:"@type"`
	Address postalAddress `json:"address"`
}

type postalAddress struct {
	Type            string `json:"@type"`
	AddressLocality string `json:"addressLocality,omitempty"`
	AddressRegion   string `json:"addressRegion,omitempty"`
	AddressCountry  string `json:"addressCountry"`
}

type monetaryAmount struct {
	Type     string            `json:"@type"`
	Currency string            `json:"currency"`
	Value    quantitativeValue `json:"value"`
}

type quantitativeValue struct {
	Type     string   `json:"@type"`
	Value    *float64 `json:"value,omitempty"`
	MinValue *float64 `json:"minValue,omitempty"`
	MaxValue *float64 `json:"maxValue,omitempty"`
	UnitText string   `json:"unitText"`
}

// confidentialEmployer names the hiring organization of an offer whose
// source does not (France Travail's confidential employers), as Google
// asks for job postings whose employer is not disclosed.
const confidentialEmployer = "Confidentiel"

// newJobPosting builds the JobPosting of o, whose page is at pageURL.
func newJobPosting(o *offres.Offer, pageURL string) jobPosting {
	employer := cmpOr(o.Employer, o.Direction, confidentialEmployer)
	jp := jobPosting{
		Context:            "https://schema.org/",
		Type:               "JobPosting",
		Title:              o.Title,
		Description:        descriptionHTML(o),
		Identifier:         propertyValue{Type: "PropertyValue", Name: employer, Value: o.ID},
		DatePosted:         o.PublishedAt.String(),
		EmploymentType:     employmentTypes(o),
		HiringOrganization: organization{Type: "Organization", Name: employer},
		JobLocation: place{Type: "Place", Address: postalAddress{Type: "PostalAddress",
			AddressLocality: o.Location.Commune, AddressRegion: o.Location.Province, AddressCountry: countryOf(o)}},
		BaseSalary: salaryOf(o),
		// The page describes the offer; candidates apply where its source
		// says (its link, its contact), never on this page.
		DirectApply:      false,
		URL:              pageURL,
		JobStartDate:     o.StartDate.String(),
		TotalJobOpenings: o.Posts,
	}
	if o.PublishedAt.MonthOnly() {
		jp.DatePosted = o.PublishedAt.Time().Format(time.DateOnly)
	}
	if o.StartDate.MonthOnly() {
		jp.JobStartDate = o.StartDate.Time().Format(time.DateOnly)
	}
	if strings.HasPrefix(o.URL, "https://") || strings.HasPrefix(o.URL, "http://") {
		jp.SameAs = o.URL
	}
	// validThrough is the deadline's last instant in Nouméa, from a stated
	// deadline only: in the past once the offer is closed. An offer
	// without a deadline has none (its page says how long it is listed).
	if !o.Deadline.IsZero() {
		jp.ValidThrough = lastInstant(o.Deadline).Format(time.RFC3339)
	}
	return jp
}

// lastInstant is the last second of a deadline in Nouméa: of its day, or of
// its month when only the month is known.
func lastInstant(d offres.Date) time.Time {
	start := d.Time()
	if d.MonthOnly() {
		return start.AddDate(0, 1, 0).Add(-time.Second)
	}
	return start.AddDate(0, 0, 1).Add(-time.Second)
}

func cmpOr(values ...string) string {
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// jsonLD is the JSON of a JobPosting for a <script type="application/ld+json">
// block: encoding/json escapes <, > and &, so the text cannot close the
// script element.
func (jp jobPosting) jsonLD() ([]byte, error) { return json.Marshal(jp) }

// descriptionHTML is the offer's text as the HTML Google accepts in a
// JobPosting description: paragraphs, the sections' headings in bold, the
// skills as a list; every text escaped.
func descriptionHTML(o *offres.Offer) string {
	var b strings.Builder
	para := func(text string) {
		for p := range strings.SplitSeq(strings.TrimSpace(text), "\n\n") {
			if p = strings.TrimSpace(p); p != "" {
				b.WriteString("<p>")
				b.WriteString(strings.ReplaceAll(html.EscapeString(p), "\n", "<br>"))
				b.WriteString("</p>")
			}
		}
	}
	para(o.Description)
	for _, s := range o.Sections {
		if s.Heading != "" {
			b.WriteString("<p><strong>" + html.EscapeString(s.Heading) + "</strong></p>")
		}
		para(s.Text)
	}
	if len(o.Skills) > 0 {
		b.WriteString("<p><strong>Compétences</strong></p><ul>")
		for _, s := range o.Skills {
			b.WriteString("<li>" + html.EscapeString(s.Label) + "</li>")
		}
		b.WriteString("</ul>")
	}
	return b.String()
}

// employmentTypes maps the contract type, and the working time when the
// text states it, to Google's employmentType values. A permanent post
// (titulaire, CDI) is full time unless part time is stated: part time is
// always stated in French postings (« temps partiel », « temps non
// complet »).
func employmentTypes(o *offres.Offer) []string {
	var out []string
	add := func(v string) {
		for _, x := range out {
			if x == v {
				return
			}
		}
		out = append(out, v)
	}
	text := strings.ToLower(o.FullText())
	partTime := strings.Contains(text, "temps partiel") || strings.Contains(text, "temps non complet") ||
		strings.Contains(text, "temps incomplet")
	fullTime := !partTime && (strings.Contains(text, "temps plein") || strings.Contains(text, "temps complet"))
	switch o.ContractType {
	case offres.ContractTitulaire, offres.ContractCDI:
		if !partTime {
			fullTime = true
		}
	case offres.ContractContractuel, offres.ContractCDD, offres.ContractInterim:
		add("TEMPORARY")
	case offres.ContractStage, offres.ContractAlternance:
		add("INTERN")
	case offres.ContractAutre:
		add("OTHER")
	}
	switch {
	case partTime:
		add("PART_TIME")
	case fullTime:
		add("FULL_TIME")
	}
	return out
}

// ncProvinces are the province names that place an offer in New Caledonia.
var ncProvinces = map[string]bool{"sud": true, "province sud": true, "nord": true, "province nord": true,
	"iles loyaute": true, "province des iles loyaute": true, "province des iles": true}

// countryOf is the ISO 3166 code of the offer's country: New Caledonia for
// its communes and provinces, and for an offer that names no place (this
// service lists New Caledonia's offers); France for a place elsewhere, as
// the offers of France Travail and the Place de l'emploi public are.
func countryOf(o *offres.Offer) string {
	l := o.Location
	if _, ok := offres.LookupCommune(l.Commune); ok || ncProvinces[offres.Fold(l.Province)] {
		return "NC"
	}
	if l.Commune == "" && l.Province == "" {
		switch o.Source {
		case "francetravail", "pepcsv":
			return "FR"
		}
		return "NC"
	}
	return "FR"
}

// The salary a remuneration section states: France Travail's « Mensuel de
// 1820.0 Euros sur 12 mois » and « Annuel de 21622 Euros à 25000 Euros »;
// a line that starts with the amount (« 350 000 – 450 000 XPF par mois »,
// as JSON-LD imports write it) or with « Rémunération : » or « Salaire : »
// then the amount and its unit (« Rémunération : 1 700,00 € à 2 500,00 €
// par mois »). An amount elsewhere (« Indemnité de repas : 15 € par jour »)
// is no salary.
const (
	amountRE   = `(\d[\d \x{00a0}\x{202f}.,]*?)`
	currencyRE = `(euros?|eur|€|xpf|f\.?\s?cfp|francs?\s+cfp)`
)

var (
	salaryPeriodRE = regexp.MustCompile(`(?i)\b(mensuel|annuel|horaire|hebdomadaire|journalier)\s+de\s+` + amountRE + `\s*` + currencyRE +
		`(?:\s+à\s+` + amountRE + `\s*` + currencyRE + `)?(?:\s|$|[.,;])`)
	salaryUnitRE = regexp.MustCompile(`(?im)^[\s\x{00a0}]*(?:(?:rémunération|salaire)[^:\n]{0,30}:[\s\x{00a0}]*)?` + amountRE +
		`[\s\x{00a0}]*(?:` + currencyRE + `[\s\x{00a0}]*)?(?:(?:[–-]|à)[\s\x{00a0}]*` + amountRE + `[\s\x{00a0}]*)?` + currencyRE +
		`[\s\x{00a0}]+(?:brut\s+|net\s+)?(de l'heure|par heure|de l’heure|par jour|par semaine|par mois|par an)\b`)
)

var salaryUnits = map[string]string{
	"mensuel": "MONTH", "annuel": "YEAR", "horaire": "HOUR", "hebdomadaire": "WEEK", "journalier": "DAY",
	"de l'heure": "HOUR", "de l’heure": "HOUR", "par heure": "HOUR", "par jour": "DAY", "par semaine": "WEEK", "par mois": "MONTH", "par an": "YEAR",
}

// salaryOf is the salary the offer's remuneration section states, nil when
// none is stated as an amount (« selon la grille » is no amount).
func salaryOf(o *offres.Offer) *monetaryAmount {
	for _, s := range o.Sections {
		if s.Kind != offres.SectionRemuneration {
			continue
		}
		if m := salaryPeriodRE.FindStringSubmatch(s.Text); m != nil {
			if a := newSalary(m[2], m[4], m[3], salaryUnits[strings.ToLower(m[1])]); a != nil {
				return a
			}
		}
		if m := salaryUnitRE.FindStringSubmatch(s.Text); m != nil {
			if a := newSalary(m[1], m[3], m[4], salaryUnits[strings.ToLower(m[5])]); a != nil {
				return a
			}
		}
	}
	return nil
}

func newSalary(low, high, currency, unit string) *monetaryAmount {
	lo, ok := parseAmount(low)
	if !ok || lo <= 0 || unit == "" {
		return nil
	}
	a := &monetaryAmount{Type: "MonetaryAmount", Currency: "EUR", Value: quantitativeValue{Type: "QuantitativeValue", UnitText: unit}}
	if c := strings.ToLower(currency); strings.Contains(c, "xpf") || strings.Contains(c, "cfp") {
		a.Currency = "XPF"
	}
	if hi, ok := parseAmount(high); ok && hi > lo {
		a.Value.MinValue, a.Value.MaxValue = &lo, &hi
	} else {
		a.Value.Value = &lo
	}
	return a
}

// thousandsRE is an amount written with dots between thousands: 350.000.
var thousandsRE = regexp.MustCompile(`^\d{1,3}(\.\d{3})+$`)

// parseAmount reads « 1820.0 », « 1617,00 », « 350 000 », « 350.000 ».
func parseAmount(s string) (float64, bool) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(strings.TrimSpace(s))
	s = strings.TrimRight(s, ".,")
	if s == "" {
		return 0, false
	}
	if thousandsRE.MatchString(s) {
		s = strings.ReplaceAll(s, ".", "")
	}
	s = strings.ReplaceAll(s, ",", ".")
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}
