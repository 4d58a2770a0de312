package api

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"offres/internal/offres"
)

// The Atom feed of a search (GET /api/v1/search.atom): the same parameters
// and validation as /api/v1/search, the newest offers first, each entry
// linking to the offer's page, so that a candidate follows a search in
// any feed reader, without an account. Feeds are cached like searches.

// atomFeed is an Atom 1.0 feed (RFC 4287).
type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID       string      `xml:"id"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle"`
	Updated  string      `xml:"updated"`
	Links    []atomLink  `xml:"link"`
	Author   atomPerson  `xml:"author"`
	Entries  []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID        string     `xml:"id"`
	Title     string     `xml:"title"`
	Updated   string     `xml:"updated"`
	Published string     `xml:"published,omitempty"`
	Links     []atomLink `xml:"link"`
	Author    atomPerson `xml:"author"`
	Summary   string     `xml:"summary"`
}

// feedAuthor names the publisher of the feeds.
const feedAuthor = "Offres d'emploi — Province Sud"

// feedLimit is the number of entries of a feed that does not say.
const feedLimit = 20

func (s *server) searchFeed(c *fiber.Ctx) error {
	r, err := searchRequest(c)
	if err != nil {
		return err
	}
	if r.Sort != "" && r.Sort != offres.SortPublished {
		return offres.Invalidf("un flux liste toujours les offres les plus récentes d'abord : sort n'accepte que published")
	}
	r.Sort = offres.SortPublished
	if r.Limit == 0 {
		r.Limit = feedLimit
	}
	base := s.publicBase(c)
	var key string
	if s.cache != nil && !s.degraded() {
		key = "atom|" + base + "|" + s.cache.key(c, s.Offers.Today().String(), s.Search.Generation())
		if body, ok := s.cache.get(key); ok {
			c.Set(headerCache, "hit")
			return sendFeed(c, body)
		}
	}
	ctx, cancel := s.ctx(c, s.opts.RequestTimeout)
	defer cancel()
	res, err := s.Search.Search(ctx, r)
	if err != nil {
		return err
	}
	query := feedQuery(c)
	feed := atomFeed{
		ID:       base + "/api/v1/search.atom" + query,
		Title:    feedTitle(r.Text, r.Filters),
		Subtitle: "Les offres d'emploi qui correspondent à cette recherche, les plus récentes d'abord.",
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: base + "/api/v1/search.atom" + query},
			{Rel: "alternate", Type: "text/html", Href: base + "/" + query},
		},
		Author:  atomPerson{Name: feedAuthor},
		Entries: []atomEntry{},
	}
	var newest time.Time
	for _, h := range res.Hits {
		if !h.PublishedAt.IsZero() {
			if t := h.PublishedAt.Time(); t.After(newest) {
				newest = t
			}
		}
	}
	if newest.IsZero() {
		newest = s.Offers.Today().Time()
	}
	feed.Updated = newest.Format(time.RFC3339)
	for _, h := range res.Hits {
		page := pageURL(base, h.ID)
		e := atomEntry{
			ID:      page,
			Title:   h.Title,
			Updated: feed.Updated,
			Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: page}},
			Author:  atomPerson{Name: cmpOr(h.Employer, h.Direction, feedAuthor)},
			Summary: hitSummary(h),
		}
		if !h.PublishedAt.IsZero() {
			e.Updated = h.PublishedAt.Time().Format(time.RFC3339)
			e.Published = e.Updated
		}
		feed.Entries = append(feed.Entries, e)
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	if err := xml.NewEncoder(&b).Encode(feed); err != nil {
		return err
	}
	b.WriteByte('\n')
	body := b.Bytes()
	if asked := cmp.Or(r.Mode, offres.ModeHybrid); key != "" && res.Mode == asked && !s.degraded() {
		s.cache.put(key, body)
		c.Set(headerCache, "miss")
	}
	return sendFeed(c, body)
}

func sendFeed(c *fiber.Ctx, body []byte) error {
	c.Set(fiber.HeaderContentType, "application/atom+xml; charset=utf-8")
	return c.Send(body)
}

// feedQuery is the request's query string in a canonical order ("" when
// none), for the feed's id and links: the same search has the same id.
func feedQuery(c *fiber.Ctx) string {
	v := url.Values{}
	c.Context().QueryArgs().VisitAll(func(k, val []byte) {
		v.Add(string(k), string(val))
	})
	for _, vals := range v {
		slices.Sort(vals)
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// feedTitle names a search: « Offres d'emploi : « infirmier » — commune :
// Nouméa ».
func feedTitle(text string, filters map[string][]string) string {
	title := "Offres d'emploi"
	if t := strings.TrimSpace(text); t != "" {
		title += " : « " + t + " »"
	}
	var parts []string
	for _, f := range offres.FacetNames {
		if vals := filters[f]; len(vals) > 0 {
			parts = append(parts, facetLabels[f]+" : "+strings.Join(vals, ", "))
		}
	}
	if len(parts) > 0 {
		title += " — " + strings.Join(parts, " ; ")
	}
	return title
}

var facetLabels = map[string]string{
	offres.FacetRome: "métier", offres.FacetCommune: "commune", offres.FacetCategory: "catégorie",
	offres.FacetContract: "contrat", offres.FacetEmployer: "employeur", offres.FacetDirection: "direction",
	offres.FacetDeadline: "date limite",
}

// hitSummary is an entry's text: who, where, and until when one may apply.
func hitSummary(h offres.Hit) string {
	parts := nonEmpty(h.Employer, h.Commune, offres.ContractLabels[h.ContractType])
	switch {
	case h.DeadlineStatus == offres.StatusClosed:
		parts = append(parts, "clôturée")
	case !h.Deadline.IsZero() && h.Deadline.MonthOnly():
		parts = append(parts, "candidatures jusqu'à fin "+h.Deadline.French())
	case !h.Deadline.IsZero():
		parts = append(parts, "candidatures jusqu'au "+h.Deadline.French())
	case !h.PublishedAt.IsZero():
		parts = append(parts, "publiée le "+h.PublishedAt.French()+", sans date limite")
	}
	return strings.Join(parts, " · ")
}
