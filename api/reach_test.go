package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"offres/api"
	"offres/internal/engine"
	"offres/internal/offres"
	"offres/internal/shareddata"
)

// The tests of issue 17: a page per offer with its JSON-LD, the sitemap,
// robots.txt and the Atom feed of a search.

const publicURL = "https://emploi.province-sud.nc"

var ldRE = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)

// page returns the offer page of id.
func page(t *testing.T, app *fiber.App, id string) response {
	t.Helper()
	return do(t, app, "GET", "/offres/"+url.PathEscape(id), nil)
}

// jsonLD returns the JobPosting of a page, decoded.
func jsonLD(t *testing.T, r response) map[string]any {
	t.Helper()
	m := ldRE.FindSubmatch(r.body)
	if m == nil {
		t.Fatalf("no JSON-LD block in the page:\n%s", r.body)
	}
	var v map[string]any
	if err := json.Unmarshal(m[1], &v); err != nil {
		t.Fatalf("JSON-LD does not decode: %v\n%s", err, m[1])
	}
	return v
}

// metaContent returns the content of <meta name|property="key">.
func metaContent(body []byte, key string) string {
	re := regexp.MustCompile(`<meta (?:name|property)="` + regexp.QuoteMeta(key) + `" content="([^"]*)">`)
	m := re.FindSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(string(m[1]))
}

func TestOfferPage(t *testing.T) {
	app := newApp(t, api.Options{PublicURL: publicURL + "/"})

	// An open offer whose id holds a « / ».
	r := page(t, app, "PS-2026-0640/DSIN")
	if r.status != 200 {
		t.Fatalf("open offer: %d %s", r.status, r.body)
	}
	body := string(r.body)
	for _, want := range []string{
		`<html lang="fr">`,
		`<title>Développeur / Développeuse web — Province Sud — Nouméa | Offres d&#39;emploi</title>`,
		`<h1 id="offre-titre">Développeur / Développeuse web</h1>`,
		`<link rel="canonical" href="https://emploi.province-sud.nc/offres/PS-2026-0640%2FDSIN">`,
		`<meta property="og:url" content="https://emploi.province-sud.nc/offres/PS-2026-0640%2FDSIN">`,
		"Offre ouverte : candidatures jusqu&#39;au 12 mars 2027 inclus.",
		"<dt>Référence</dt><dd>PS-2026-0640/DSIN</dd>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("open offer page lacks %q", want)
		}
	}
	if strings.Contains(body, `name="robots"`) {
		t.Error("an open offer's page asks not to be indexed")
	}
	if d := metaContent(r.body, "description"); !strings.HasPrefix(d, "Province Sud recrute : Développeur / Développeuse web à Nouméa. Offre ouverte") {
		t.Errorf("meta description = %q", d)
	}
	for _, k := range []string{"og:title", "og:description", "og:type", "og:locale"} {
		if metaContent(r.body, k) == "" {
			t.Errorf("no %s", k)
		}
	}
	ld := jsonLD(t, r)
	if problems := checkJobPosting(ld, fixedNow()); len(problems) > 0 {
		t.Errorf("JSON-LD: %s", strings.Join(problems, "; "))
	}
	if ld["validThrough"] != "2027-03-12T23:59:59+11:00" || ld["datePosted"] != "2026-10-30" ||
		ld["url"] != publicURL+"/offres/PS-2026-0640%2FDSIN" || !slices.Equal(strs(ld["employmentType"]), []string{"FULL_TIME"}) {
		t.Errorf("JSON-LD = %v", ld)
	}
	if addr := ld["jobLocation"].(map[string]any)["address"].(map[string]any); addr["addressLocality"] != "Nouméa" || addr["addressCountry"] != "NC" {
		t.Errorf("address = %v", addr)
	}

	// A closed offer says so, asks not to be indexed, and its validThrough
	// is in the past.
	r = page(t, app, "3134-25-0308/SR")
	if r.status != 200 {
		t.Fatalf("closed offer: %d %s", r.status, r.body)
	}
	if !strings.Contains(string(r.body), "Cette offre est clôturée : la date limite de candidature était le 7 mars 2025.") ||
		metaContent(r.body, "robots") != "noindex" || !strings.Contains(string(r.body), "<title>[Clôturée] ") {
		t.Errorf("closed offer page:\n%s", r.body)
	}
	ld = jsonLD(t, r)
	if ld["validThrough"] != "2025-03-07T23:59:59+11:00" {
		t.Errorf("closed offer validThrough = %v", ld["validThrough"])
	}

	// Unknown: 404, a page; an invalid id: 400, JSON.
	r = page(t, app, "PS-9999/NONE")
	if r.status != 404 || !strings.Contains(string(r.body), "Offre introuvable") {
		t.Errorf("unknown offer: %d %s", r.status, r.body)
	}
	r = do(t, app, "GET", "/offres/"+strings.Repeat("x", offres.MaxIDLen+1), nil)
	if r.status != 400 || r.errorCode(t) != "invalid_request" {
		t.Errorf("invalid id: %d %s", r.status, r.body)
	}

	// Deleted: 410, then 200 again once imported again.
	got := do(t, app, "GET", "/api/v1/offers/"+url.PathEscape("PS-2026-0640/DSIN"), nil).body
	var offer offres.Offer
	if err := json.Unmarshal(got, &offer); err != nil {
		t.Fatal(err)
	}
	if r := do(t, app, "DELETE", "/api/v1/offers/"+url.PathEscape(offer.ID), nil, "Authorization", "Bearer "+adminToken); r.status != 204 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	r = page(t, app, offer.ID)
	if r.status != 410 || !strings.Contains(string(r.body), "Cette offre a été retirée") || metaContent(r.body, "robots") != "noindex" {
		t.Errorf("deleted offer: %d %s", r.status, r.body)
	}
	b, _ := json.Marshal(offer)
	if r := do(t, app, "POST", "/api/v1/offers", bytes.NewReader(b), "Content-Type", "application/json", "Authorization", "Bearer "+adminToken); r.status != 201 {
		t.Fatalf("import again: %d %s", r.status, r.body)
	}
	if r = page(t, app, offer.ID); r.status != 200 {
		t.Errorf("offer imported again: %d", r.status)
	}
}

func strs(v any) []string {
	var out []string
	switch x := v.(type) {
	case string:
		out = append(out, x)
	case []any:
		for _, e := range x {
			s, _ := e.(string)
			out = append(out, s)
		}
	}
	return out
}

// googleEmploymentTypes are the values Google's job-posting structured data
// accepts for employmentType.
var googleEmploymentTypes = []string{"FULL_TIME", "PART_TIME", "CONTRACTOR", "TEMPORARY", "INTERN", "VOLUNTEER", "PER_DIEM", "OTHER"}

// checkJobPosting checks a JobPosting against Google's job-posting
// structured data: the required properties (title, description,
// datePosted, hiringOrganization, jobLocation) and the form of the
// recommended ones when present (validThrough, employmentType, baseSalary,
// identifier, directApply). It returns the problems found.
func checkJobPosting(ld map[string]any, now time.Time) []string {
	var p []string
	bad := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	obj := func(m map[string]any, k string) map[string]any { o, _ := m[k].(map[string]any); return o }
	if str(ld, "@context") != "https://schema.org/" || str(ld, "@type") != "JobPosting" {
		bad("@context %v, @type %v", ld["@context"], ld["@type"])
	}
	if strings.TrimSpace(str(ld, "title")) == "" {
		bad("no title")
	}
	if strings.TrimSpace(str(ld, "description")) == "" {
		bad("no description")
	}
	posted, err := time.Parse(time.DateOnly, str(ld, "datePosted"))
	if err != nil {
		bad("datePosted %q is not an ISO 8601 date", str(ld, "datePosted"))
	} else if posted.After(now) {
		bad("datePosted %s in the future", posted)
	}
	org := obj(ld, "hiringOrganization")
	if str(org, "@type") != "Organization" || strings.TrimSpace(str(org, "name")) == "" {
		bad("hiringOrganization %v", org)
	}
	loc := obj(ld, "jobLocation")
	addr := obj(loc, "address")
	if str(loc, "@type") != "Place" || str(addr, "@type") != "PostalAddress" || len(str(addr, "addressCountry")) != 2 {
		bad("jobLocation %v", loc)
	}
	if v, ok := ld["validThrough"]; ok {
		if _, err := time.Parse(time.RFC3339, fmt.Sprint(v)); err != nil {
			bad("validThrough %v is not an ISO 8601 date-time", v)
		}
	}
	if v, ok := ld["employmentType"]; ok {
		types := strs(v)
		if len(types) == 0 {
			bad("employmentType empty")
		}
		for _, e := range types {
			if !slices.Contains(googleEmploymentTypes, e) {
				bad("employmentType %q is not one of Google's", e)
			}
		}
	}
	if v, ok := ld["baseSalary"]; ok {
		s, _ := v.(map[string]any)
		q := obj(s, "value")
		_, one := q["value"].(float64)
		_, lo := q["minValue"].(float64)
		_, hi := q["maxValue"].(float64)
		if str(s, "@type") != "MonetaryAmount" || len(str(s, "currency")) != 3 || str(q, "@type") != "QuantitativeValue" ||
			!slices.Contains([]string{"HOUR", "DAY", "WEEK", "MONTH", "YEAR"}, str(q, "unitText")) || !(one || lo && hi) {
			bad("baseSalary %v", v)
		}
	}
	id := obj(ld, "identifier")
	if str(id, "@type") != "PropertyValue" || str(id, "name") == "" || str(id, "value") == "" {
		bad("identifier %v", ld["identifier"])
	}
	if _, ok := ld["directApply"].(bool); !ok {
		bad("directApply %v is not a boolean", ld["directApply"])
	}
	return p
}

// TestSharedOffersJSONLD imports every shared offer (France Travail, Place
// de l'emploi public) and validates the JSON-LD of each one's page against
// Google's job-posting required and recommended properties, with what the
// source states: the deadline as validThrough (never in the future for a
// closed offer), the commune, the contract, the salary France Travail
// states.
func TestSharedOffersJSONLD(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the shared offers")
	}
	dir := shareddata.Path(t, "offers")
	ctx := context.Background()
	eng, err := engine.Open(ctx, engine.Options{Dir: t.TempDir(), Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	for _, name := range []string{"france-travail-2024.json", "place-emploi-public-2021.csv"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		// The catalogue and the full-text index only: the pages need no vectors.
		sum, err := eng.Importer().Import(ctx, name, f)
		f.Close()
		if err != nil || sum.Indexed < 500 {
			t.Fatalf("import %s: %+v, %v", name, sum, err)
		}
	}
	// The salaries France Travail states, by offer.
	raw, err := os.ReadFile(filepath.Join(dir, "france-travail-2024.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ft []struct {
		ID          string `json:"id"`
		Description string `json:"description"`
		Salaire     struct {
			Libelle string `json:"libelle"`
		} `json:"salaire"`
	}
	if err := json.Unmarshal(raw, &ft); err != nil {
		t.Fatal(err)
	}
	// Stated: in France Travail's salary field (« Mensuel de 1820.0 Euros »),
	// or on a line of the description (« Rémunération : 12,13€ par heure »).
	statedSalary := map[string]bool{}
	field := regexp.MustCompile(`^(Mensuel|Annuel|Horaire) de \d`)
	line := regexp.MustCompile(`(?im)^\s*(rémunération|salaire)\s*:\s*\d[\d\s,.]*\s*€.*\b(heure|jour|mois|an)\b`)
	spaces := strings.NewReplacer("\u00a0", " ", "\u202f", " ")
	for _, o := range ft {
		statedSalary[o.ID] = field.MatchString(o.Salaire.Libelle) || line.MatchString(spaces.Replace(o.Description))
	}

	app := api.New(api.Deps{Search: eng.Search(), Offers: eng}, api.Options{PublicURL: publicURL})
	now, today := fixedNow(), offres.DateOf(fixedNow())
	var n, salaries, withDeadline int
	err = eng.Scan(ctx, func(o offres.Offer) error {
		n++
		r := page(t, app, o.ID)
		if r.status != 200 {
			t.Errorf("%s: %d", o.ID, r.status)
			return nil
		}
		ld := jsonLD(t, r)
		problems := checkJobPosting(ld, now)
		if ld["title"] != o.Title || ld["identifier"].(map[string]any)["value"] != o.ID {
			problems = append(problems, "title or identifier is not the offer's")
		}
		addr := ld["jobLocation"].(map[string]any)["address"].(map[string]any)
		if o.Location.Commune != "" && addr["addressLocality"] != o.Location.Commune {
			problems = append(problems, fmt.Sprintf("addressLocality %v, want %q", addr["addressLocality"], o.Location.Commune))
		}
		if o.ContractType != "" && ld["employmentType"] == nil {
			problems = append(problems, "no employmentType for contract "+o.ContractType)
		}
		if statedSalary[o.ID] != (ld["baseSalary"] != nil) {
			problems = append(problems, fmt.Sprintf("baseSalary %v, stated by the source: %v", ld["baseSalary"], statedSalary[o.ID]))
		}
		if ld["baseSalary"] != nil {
			salaries++
		}
		if !o.Deadline.IsZero() {
			withDeadline++
			if ld["validThrough"] == nil {
				problems = append(problems, "no validThrough for deadline "+o.Deadline.String())
			}
		}
		status, _ := o.Status(today)
		if vt, ok := ld["validThrough"].(string); ok && (status == offres.StatusClosed || status == offres.StatusExpired) {
			if end, err := time.Parse(time.RFC3339, vt); err == nil && end.After(now) {
				problems = append(problems, "closed offer with validThrough in the future: "+vt)
			}
		}
		if len(problems) > 0 {
			t.Errorf("%s (%s): %s", o.ID, o.Source, strings.Join(problems, "; "))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 1000 || salaries < 100 {
		t.Errorf("%d pages checked, %d with a salary: want every shared offer (> 1,000), many salaries", n, salaries)
	}
	t.Logf("%d offer pages: JSON-LD valid; %d with baseSalary, %d with a deadline", n, salaries, withDeadline)
}

// TestSitemap: the sitemap lists exactly the pages of the open offers (those
// a search lists by default), each with a lastmod; robots.txt points to it.
func TestSitemap(t *testing.T) {
	app := newApp(t, api.Options{PublicURL: publicURL})
	r := do(t, app, "GET", "/sitemap.xml", nil)
	if r.status != 200 {
		t.Fatalf("sitemap: %d %s", r.status, r.body)
	}
	var set struct {
		XMLName xml.Name
		URLs    []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(r.body, &set); err != nil {
		t.Fatalf("sitemap does not parse: %v", err)
	}
	if set.XMLName.Space != "http://www.sitemaps.org/schemas/sitemap/0.9" || set.XMLName.Local != "urlset" {
		t.Fatalf("root %v", set.XMLName)
	}
	var listed []string
	for _, u := range set.URLs {
		if _, err := time.Parse(time.RFC3339, u.LastMod); err != nil {
			t.Errorf("%s: lastmod %q", u.Loc, u.LastMod)
		}
		listed = append(listed, u.Loc)
	}
	// The open offers, as the search lists them.
	var open []string
	for p := 1; ; p++ {
		var res offres.Result
		do(t, app, "GET", fmt.Sprintf("/api/v1/search?limit=50&page=%d&collapse=false", p), nil).decode(t, &res)
		for _, h := range res.Hits {
			open = append(open, publicURL+"/offres/"+url.PathEscape(h.ID))
		}
		if p*50 >= res.Total {
			break
		}
	}
	slices.Sort(listed)
	slices.Sort(open)
	if len(open) < 30 || !slices.Equal(listed, open) {
		t.Fatalf("sitemap lists %d pages, the search %d open offers:\nsitemap %q\nsearch  %q", len(listed), len(open), listed, open)
	}
	if slices.Contains(listed, publicURL+"/offres/"+url.PathEscape("3134-25-0308/SR")) {
		t.Error("a closed offer is in the sitemap")
	}
	// A deletion takes the offer out at once.
	do(t, app, "DELETE", "/api/v1/offers/"+url.PathEscape("PS-2026-0640/DSIN"), nil, "Authorization", "Bearer "+adminToken)
	if r := do(t, app, "GET", "/sitemap.xml", nil); bytes.Contains(r.body, []byte("PS-2026-0640%2FDSIN")) {
		t.Error("a deleted offer stays in the sitemap")
	}

	r = do(t, app, "GET", "/robots.txt", nil)
	if r.status != 200 || !strings.Contains(string(r.body), "\nSitemap: "+publicURL+"/sitemap.xml\n") {
		t.Errorf("robots.txt: %d %s", r.status, r.body)
	}
}

// atom is what the tests read of an Atom 1.0 feed: the feed's own
// elements, and its entries, which have the same.
type atom struct {
	XMLName xml.Name
	atomElements
	Entries []atomElements `xml:"entry"`
}

type atomElements struct {
	ID      string `xml:"id"`
	Title   string `xml:"title"`
	Updated string `xml:"updated"`
	Author  struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Links []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
}

// feed gets and checks a feed: Atom 1.0's namespace, and the elements RFC
// 4287 requires of a feed and its entries (id, title, updated, an author,
// a link), updated as RFC 3339 date-times, entries newest first.
func feed(t *testing.T, app *fiber.App, target string) atom {
	t.Helper()
	r := do(t, app, "GET", target, nil)
	if r.status != 200 {
		t.Fatalf("%s: %d %s", target, r.status, r.body)
	}
	var f atom
	if err := xml.Unmarshal(r.body, &f); err != nil {
		t.Fatalf("%s does not parse: %v\n%s", target, err, r.body)
	}
	if f.XMLName.Space != "http://www.w3.org/2005/Atom" || f.XMLName.Local != "feed" {
		t.Fatalf("root %v, want Atom's feed", f.XMLName)
	}
	if f.ID == "" || f.Title == "" || f.Author.Name == "" || len(f.Links) == 0 {
		t.Errorf("feed lacks id, title, author or link: %+v", f)
	}
	last := time.Now().Add(24 * time.Hour)
	if _, err := time.Parse(time.RFC3339, f.Updated); err != nil {
		t.Errorf("feed updated %q", f.Updated)
	}
	for _, e := range f.Entries {
		u, err := time.Parse(time.RFC3339, e.Updated)
		if err != nil || e.ID == "" || e.Title == "" || e.Author.Name == "" || len(e.Links) == 0 || !strings.HasPrefix(e.Links[0].Href, publicURL+"/offres/") {
			t.Errorf("entry %+v", e)
		}
		if u.After(last) {
			t.Errorf("entries not newest first: %s after %s", e.Updated, last)
		}
		last = u
	}
	return f
}

func TestSearchFeed(t *testing.T) {
	app := newApp(t, api.Options{PublicURL: publicURL})
	target := "/api/v1/search.atom?q=" + url.QueryEscape("infirmier") + "&commune=" + url.QueryEscape("Bourail")
	before := feed(t, app, target)
	if len(before.Entries) == 0 || before.Title != "Offres d'emploi : « infirmier » — commune : Bourail" {
		t.Fatalf("feed %q with %d entries", before.Title, len(before.Entries))
	}
	if before.ID != publicURL+"/api/v1/search.atom?commune=Bourail&q=infirmier" {
		t.Errorf("feed id %q", before.ID)
	}
	// Cached like a search.
	if r := respond(t, app, "GET", target); r.Header.Get("X-Cache") != "hit" || r.Header.Get("Content-Type") != "application/atom+xml; charset=utf-8" {
		t.Errorf("second request: X-Cache %q, Content-Type %q", r.Header.Get("X-Cache"), r.Header.Get("Content-Type"))
	}

	// A matching offer imported: the feed gains it, first (the newest).
	offer := `{"id":"PS-2026-0800/DPASS","title":"Infirmier de santé publique","employer":"Province Sud",` +
		`"location":{"commune":"Bourail"},"published_at":"2026-11-27","deadline":"2027-01-15",` +
		`"description":"Infirmier diplômé d'État pour le centre médico-social de Bourail."}`
	if r := do(t, app, "POST", "/api/v1/offers", strings.NewReader(offer), "Content-Type", "application/json", "Authorization", "Bearer "+adminToken); r.status != 201 {
		t.Fatalf("import: %d %s", r.status, r.body)
	}
	after := feed(t, app, target)
	if len(after.Entries) != len(before.Entries)+1 || after.Entries[0].ID != publicURL+"/offres/"+url.PathEscape("PS-2026-0800/DPASS") ||
		after.Entries[0].Updated != "2026-11-27T00:00:00+11:00" || after.Updated != "2026-11-27T00:00:00+11:00" {
		t.Fatalf("after the import: %d entries (before %d), first %+v, updated %s", len(after.Entries), len(before.Entries), after.Entries[0], after.Updated)
	}

	// The same validation as /search; errors in JSON.
	for _, bad := range []string{"?q=infirmier&sort=relevance", "?limit=500", "?page=x", "?commune=Nouméa&categori=A", "?q=" + strings.Repeat("a", 301)} {
		r := do(t, app, "GET", "/api/v1/search.atom"+bad, nil)
		if r.status != 400 || r.errorCode(t) != "invalid_request" {
			t.Errorf("%s: %d %s", bad, r.status, r.body)
		}
	}
}
