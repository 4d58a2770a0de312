package api

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"offres/internal/offres"
)

// The offer pages: GET /offres/{id} serves a page of the offer rendered on
// the server, readable without JavaScript (the widget, loaded at the end,
// adds a search box), with its schema.org JobPosting for job search
// engines and Open Graph tags for sharing. A closed or expired offer says
// so and asks not to be indexed; a deleted one answers 410 Gone, an
// unknown one 404, both with a page.

//go:embed templates/offer.html
var templateFiles embed.FS

var offerTemplate = template.Must(template.ParseFS(templateFiles, "templates/offer.html"))

// offerPageView is what templates/offer.html shows.
type offerPageView struct {
	HeadTitle, OGTitle, Summary string
	Canonical                   string
	NoIndex                     bool
	JSONLD                      template.JS // encoding/json output: <, > and & escaped
	Offer                       *offres.Offer
	Status                      offres.DeadlineStatus
	StatusText                  string
	Closed                      bool
	Fields                      []pageField
	Sections                    []pageSection
	SourceURL                   string
}

type pageField struct{ Name, Value string }

type pageSection struct {
	Heading    string
	Paragraphs []string
}

// pageURL is the address of an offer's page under base.
func pageURL(base, id string) string { return base + "/offres/" + url.PathEscape(id) }

// publicBase is the service's public base URL: server.public_url, else the
// scheme and host the request came with.
func (s *server) publicBase(c *fiber.Ctx) string {
	if s.opts.PublicURL != "" {
		return s.opts.PublicURL
	}
	return c.BaseURL()
}

func (s *server) offerPage(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c, s.opts.RequestTimeout)
	defer cancel()
	o, err := s.Offers.Get(ctx, id)
	if errors.Is(err, offres.ErrNotFound) {
		deleted, derr := s.Offers.Deleted(ctx, id)
		if derr != nil {
			return derr
		}
		if deleted {
			return s.sendPage(c, fiber.StatusGone, offerPageView{HeadTitle: "Offre retirée", NoIndex: true,
				StatusText: "Cette offre a été retirée par l'employeur ou a été pourvue : elle n'est plus proposée."})
		}
		return s.sendPage(c, fiber.StatusNotFound, offerPageView{HeadTitle: "Offre introuvable", NoIndex: true,
			StatusText: "Aucune offre ne porte cette référence. Vérifiez le lien, ou cherchez parmi les offres ouvertes."})
	}
	if err != nil {
		return err
	}
	today := s.Offers.Today()
	v := s.offerView(&o, pageURL(s.publicBase(c), o.ID), today)
	return s.sendPage(c, fiber.StatusOK, v)
}

// offerView prepares the page of o, at canonical, as of today.
func (s *server) offerView(o *offres.Offer, canonical string, today offres.Date) offerPageView {
	status, days := o.StatusAt(today, s.opts.UndatedOpenDays)
	closed := status == offres.StatusClosed || status == offres.StatusExpired
	v := offerPageView{
		Canonical:  canonical,
		NoIndex:    closed,
		Offer:      o,
		Status:     status,
		StatusText: statusText(o, status, days, s.undatedDays()),
		Closed:     closed,
	}
	place := o.Location.Commune
	employer := cmpOr(o.Employer, o.Direction)
	v.OGTitle = o.Title
	if employer != "" {
		v.OGTitle += " — " + employer
	}
	v.HeadTitle = v.OGTitle
	if place != "" {
		v.HeadTitle += " — " + place
	}
	v.HeadTitle += " | Offres d'emploi"
	if closed {
		v.HeadTitle = "[Clôturée] " + v.HeadTitle
	}
	v.Summary = summaryOf(o, employer, place, v.StatusText)
	for _, f := range []pageField{
		{"Référence", o.ID},
		{"Employeur", cmpOr(o.Employer, "non communiqué")},
		{"Direction", o.Direction},
		{"Lieu", strings.Join(nonEmpty(o.Location.Commune, o.Location.Province), ", ")},
		{"Catégorie", o.Category},
		{"Cadre d'emploi", o.CadreEmploi},
		{"Contrat", offres.ContractLabels[o.ContractType]},
		{"Publiée le", o.PublishedAt.French()},
		{"Date limite de candidature", o.Deadline.French()},
		{"Prise de poste", o.StartDate.French()},
		{"Durée de résidence exigée", yearsText(o.ResidenceYears)},
		{"Nombre de postes", postsText(o.Posts)},
	} {
		if f.Value != "" {
			v.Fields = append(v.Fields, f)
		}
	}
	if strings.TrimSpace(o.Description) != "" {
		v.Sections = append(v.Sections, pageSection{Heading: "Présentation", Paragraphs: paragraphs(o.Description)})
	}
	for _, sec := range o.Sections {
		v.Sections = append(v.Sections, pageSection{Heading: cmpOr(sec.Heading, sectionHeadings[sec.Kind], "Précisions"),
			Paragraphs: paragraphs(sec.Text)})
	}
	if strings.HasPrefix(o.URL, "https://") || strings.HasPrefix(o.URL, "http://") {
		v.SourceURL = o.URL
	}
	if b, err := newJobPosting(o, canonical).jsonLD(); err == nil {
		v.JSONLD = template.JS(b)
	}
	return v
}

var sectionHeadings = map[offres.SectionKind]string{
	offres.SectionMissions: "Missions", offres.SectionProfil: "Profil recherché", offres.SectionConditions: "Conditions",
	offres.SectionRemuneration: "Rémunération", offres.SectionContact: "Contact",
}

// undatedDays is the window of an offer without a deadline.
func (s *server) undatedDays() int {
	if s.opts.UndatedOpenDays > 0 {
		return s.opts.UndatedOpenDays
	}
	return offres.DefaultUndatedOpenDays
}

// statusText says, in French, whether one may still apply.
func statusText(o *offres.Offer, status offres.DeadlineStatus, days, undated int) string {
	deadline := "le " + o.Deadline.French()
	if o.Deadline.MonthOnly() {
		deadline = "fin " + o.Deadline.French()
	}
	switch status {
	case offres.StatusClosed:
		return "Cette offre est clôturée : la date limite de candidature était " + deadline + "."
	case offres.StatusExpired:
		return fmt.Sprintf("Cette offre a expiré : publiée le %s sans date limite, il y a plus de %d jours, elle est sans doute pourvue.",
			o.PublishedAt.French(), undated)
	case offres.StatusClosingSoon:
		switch days {
		case 0:
			return "Offre ouverte : clôture aujourd'hui (" + o.Deadline.French() + ")."
		case 1:
			return "Offre ouverte : clôture demain (" + o.Deadline.French() + ")."
		}
		return fmt.Sprintf("Offre ouverte : clôture dans %d jours (%s).", days, o.Deadline.French())
	case offres.StatusOpen:
		if o.Deadline.IsZero() {
			return "Offre ouverte, publiée le " + o.PublishedAt.French() + ", sans date limite de candidature."
		}
		if o.Deadline.MonthOnly() {
			return "Offre ouverte : candidatures jusqu'à fin " + o.Deadline.French() + "."
		}
		return "Offre ouverte : candidatures jusqu'au " + o.Deadline.French() + " inclus."
	}
	return "Date limite de candidature non précisée."
}

// summaryOf is the page's meta and Open Graph description: who recruits
// what where, whether it is open, then the start of the text, within 300
// characters.
func summaryOf(o *offres.Offer, employer, place, status string) string {
	var b strings.Builder
	if employer != "" {
		b.WriteString(employer + " recrute : ")
	}
	b.WriteString(o.Title)
	if place != "" {
		b.WriteString(" à " + place)
	}
	b.WriteString(". " + status)
	if text := strings.Join(strings.Fields(cmpOr(o.Description, o.FullText())), " "); text != "" {
		b.WriteString(" " + text)
	}
	return clip(b.String(), 300)
}

// clip cuts s to at most n characters, at a word boundary, with « … ».
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}

func paragraphs(text string) []string {
	var out []string
	for p := range strings.SplitSeq(strings.TrimSpace(text), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func nonEmpty(values ...string) []string {
	var out []string
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			out = append(out, v)
		}
	}
	return out
}

func yearsText(n int) string {
	switch {
	case n <= 0:
		return ""
	case n == 1:
		return "1 an"
	}
	return strconv.Itoa(n) + " ans"
}

func postsText(n int) string {
	if n <= 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// sendPage renders an offer page with its status, an ETag (a revalidation
// costs a 304) and the pages' headers.
func (s *server) sendPage(c *fiber.Ctx, status int, v offerPageView) error {
	var b bytes.Buffer
	if err := offerTemplate.Execute(&b, v); err != nil {
		return fmt.Errorf("render offer page: %w", err)
	}
	sum := sha256.Sum256(b.Bytes())
	f := webFile{body: b.Bytes(), ctype: contentTypes[".html"], etag: `"` + hex.EncodeToString(sum[:12]) + `"`, cache: cachePages}
	c.Status(status)
	return f.send(c)
}
