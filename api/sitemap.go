package api

import (
	"bytes"
	"encoding/xml"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"offres/internal/offres"
)

// maxSitemapURLs is the most URLs one sitemap may list (the sitemaps.org
// protocol's limit); past it the sitemap lists the first ones in id order
// and a warning is logged.
const maxSitemapURLs = 50_000

// sitemapURLSet is a sitemaps.org urlset.
type sitemapURLSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod"`
}

// sitemapCache keeps the last sitemap built: it is the same until the
// catalogue changes (a generation), the day changes (offers close at
// midnight in Nouméa) or the base URL does (taken from the request when
// server.public_url is not set).
type sitemapCache struct {
	mu   sync.Mutex
	key  string
	body []byte
}

// isOpen reports whether an offer is listed by a search by default: neither
// closed nor expired.
func isOpen(status offres.DeadlineStatus) bool {
	return status != offres.StatusClosed && status != offres.StatusExpired
}

// sitemap lists the pages of the open offers, with the time each was last
// stored with a new content. One scan of the catalogue per change of it (or
// of the day), served from memory in between.
func (s *server) sitemap(c *fiber.Ctx) error {
	base := s.publicBase(c)
	today := s.Offers.Today()
	key := today.String() + "|" + strconv.FormatUint(s.Search.Generation(), 10) + "|" + base
	s.sitemaps.mu.Lock()
	defer s.sitemaps.mu.Unlock() // one scan at a time: concurrent visitors wait for it, then share it
	if s.sitemaps.key != key {
		body, err := s.buildSitemap(c, base, today)
		if err != nil {
			return err
		}
		s.sitemaps.key, s.sitemaps.body = key, body
	}
	c.Set(fiber.HeaderContentType, "application/xml; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(s.sitemaps.body)
}

var errSitemapFull = errors.New("sitemap full")

func (s *server) buildSitemap(c *fiber.Ctx, base string, today offres.Date) ([]byte, error) {
	ctx, cancel := s.ctx(c, s.opts.RequestTimeout)
	defer cancel()
	set := sitemapURLSet{URLs: []sitemapURL{}}
	err := s.Offers.ScanModified(ctx, func(o offres.Offer, modified time.Time) error {
		if status, _ := o.StatusAt(today, s.opts.UndatedOpenDays); !isOpen(status) {
			return nil
		}
		if len(set.URLs) == maxSitemapURLs {
			return errSitemapFull
		}
		set.URLs = append(set.URLs, sitemapURL{Loc: pageURL(base, o.ID), LastMod: modified.UTC().Format(time.RFC3339)})
		return nil
	})
	if errors.Is(err, errSitemapFull) {
		s.opts.Logger.Warn("sitemap: more open offers than one sitemap may list", "listed", maxSitemapURLs)
	} else if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	if err := enc.Encode(set); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// robots lets crawlers read the pages and points them to the sitemap; the
// API, the metrics and the analytics page are no pages to index.
func (s *server) robots(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.SendString("User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /analytics\nDisallow: /metrics\nDisallow: /debug/\n" +
		"\nSitemap: " + s.publicBase(c) + "/sitemap.xml\n")
}
