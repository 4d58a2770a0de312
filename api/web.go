package api

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"offres/internal/offres"
)

// The portal's files (web.Assets): the widget, the demo pages and their
// assets, served from memory with their content type, an ETag and a cache
// policy: pages are revalidated at every visit (no-cache), the widget and the
// assets are cached for an hour (a portal picks up a new widget within the
// hour; an ETag makes the revalidation cost a 304).
const (
	cachePages  = "no-cache"
	cacheAssets = "public, max-age=3600"
	// pagesCSP is the policy of the demo pages: nothing but this origin
	// (which also proves that the widget needs no inline script or style).
	pagesCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)

var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".json": "application/json; charset=utf-8",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".ico":  "image/x-icon",
}

// webFile is a file ready to serve.
type webFile struct {
	body  []byte
	ctype string
	etag  string
	cache string
}

func loadWebFile(fsys fs.FS, name string) (webFile, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return webFile{}, err
	}
	ctype, ok := contentTypes[path.Ext(name)]
	if !ok {
		ctype = "application/octet-stream"
	}
	sum := sha256.Sum256(b)
	f := webFile{body: b, ctype: ctype, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, cache: cacheAssets}
	if path.Ext(name) == ".html" {
		f.cache = cachePages
	}
	return f, nil
}

func (f webFile) send(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, f.ctype)
	c.Set(fiber.HeaderCacheControl, f.cache)
	c.Set(fiber.HeaderETag, f.etag)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	if strings.HasPrefix(f.ctype, "text/html") {
		c.Set(fiber.HeaderContentSecurityPolicy, pagesCSP)
		c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	}
	if etagMatch(c.Get(fiber.HeaderIfNoneMatch), f.etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	return c.Send(f.body)
}

func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

var errNoPage = &offres.UserError{Kind: offres.ErrNotFound, Message: "page introuvable"}

// webPage serves one file of the portal's files; 404 when there are none.
func (s *server) webPage(name string) fiber.Handler {
	if s.Web == nil {
		return func(*fiber.Ctx) error { return errNoPage }
	}
	f, err := loadWebFile(s.Web, name)
	if err != nil {
		panic(fmt.Sprintf("api: web file %s: %v", name, err)) // a build mistake, not a runtime condition
	}
	return f.send
}

// webStatic serves the other files under /static/.
func (s *server) webStatic() fiber.Handler {
	files := map[string]webFile{}
	if s.Web != nil {
		fs.WalkDir(s.Web, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			f, err := loadWebFile(s.Web, p)
			if err != nil {
				return err
			}
			files[p] = f
			return nil
		})
	}
	return func(c *fiber.Ctx) error {
		name, err := url.PathUnescape(c.Params("*"))
		if err != nil {
			return errNoPage
		}
		f, ok := files[name]
		if !ok {
			return errNoPage
		}
		return f.send(c)
	}
}
