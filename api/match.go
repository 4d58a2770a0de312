package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"offres/internal/document"
	"offres/internal/match"
	"offres/internal/offres"
)

// Matching ranks offers for a profile (match.Service).
type Matching interface {
	Rank(ctx context.Context, p *offres.Profile, limit int, includeClosed bool) (match.Ranking, error)
}

// noJobNotice tells a recruiter that the profile's job was not identified.
const noJobNotice = "Le métier du profil n'a pas été identifié (ni intitulé de poste ni tâches reconnues) : les offres sont classées par proximité du texte, sans accord de métier."

// matchRequest is the body of POST /match: a pasted CV or a structured
// profile.
type matchRequest struct {
	Text    string          `json:"text"`
	Profile *offres.Profile `json:"profile"`
	Limit   int             `json:"limit"`
	// IncludeClosed ranks closed and expired offers too, each marked as
	// such (a talent pool, an evaluation on past offers).
	IncludeClosed bool `json:"include_closed"`
}

// matchOptions are the options of a matching request beside its profile.
type matchOptions struct {
	limit         int
	includeClosed bool
}

// match ranks the open offers for a profile given in the request; nothing
// is stored, and the profile's text is never logged.
func (s *server) match(c *fiber.Ctx) error {
	if s.Matching == nil {
		return &offres.UserError{Kind: offres.ErrUnavailable, Message: "la correspondance de profils n'est pas disponible"}
	}
	// The deadline starts before the body is read: the extraction of an
	// uploaded file is part of the request's budget.
	ctx, cancel := s.ctx(c, s.opts.RequestTimeout)
	defer cancel()
	release, err := s.admit(ctx, c)
	if err != nil {
		return err
	}
	defer release()
	p, opts, err := profileBody(ctx, c)
	if err != nil {
		return err
	}
	res, err := s.Matching.Rank(ctx, p, opts.limit, opts.includeClosed)
	if err != nil {
		return err
	}
	// The jobs the ranking relied on (read in the profile, or voted by
	// its closest offers), so that a recruiter sees them, or that it
	// relied on no job.
	out := fiber.Map{"matches": res.Matches, "jobs": res.Jobs}
	if len(res.Jobs) == 0 {
		out["jobs"] = []match.Occupation{}
		out["notice"] = noJobNotice
	}
	return c.JSON(out)
}

// maxProfileJSON bounds the JSON body of a profile, before it is decoded:
// a profile within offres.MaxProfileBytes fits, even with its accents
// escaped.
const maxProfileJSON = 1 << 20

// profileBody reads a profile from a request body: {"text": "…"} for a
// pasted CV, {"profile": {…}} for a structured one (or both, the text
// then being the CV), and an optional limit. The extraction of an
// uploaded file stops at ctx's deadline.
func profileBody(ctx context.Context, c *fiber.Ctx) (*offres.Profile, matchOptions, error) {
	if strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEMultipartForm) {
		return profileFile(ctx, c)
	}
	if len(c.Body()) > maxProfileJSON {
		return nil, matchOptions{}, offres.Invalidf("corps JSON trop volumineux pour un profil (%d Mo au plus)", maxProfileJSON>>20)
	}
	var req matchRequest
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return nil, matchOptions{}, offres.Invalidf("corps JSON invalide : attendu {\"text\": \"…\"} ou {\"profile\": {…}}")
	}
	p := req.Profile
	if p == nil {
		p = &offres.Profile{}
	}
	if req.Text != "" {
		if p.Text != "" {
			return nil, matchOptions{}, offres.Invalidf("donnez le texte du CV dans text ou dans profile.text, pas les deux")
		}
		p.Text = req.Text
	}
	if req.Limit < 0 || req.Limit > offres.MaxPageSize {
		return nil, matchOptions{}, offres.Invalidf("limit %d invalide : entre 1 et %d", req.Limit, offres.MaxPageSize)
	}
	return p, matchOptions{limit: req.Limit, includeClosed: req.IncludeClosed}, nil
}

// profileFile reads an uploaded CV: the multipart field "file" (PDF, DOCX
// or TXT), its text extracted; a file that cannot be read is a 400 with
// the reason, never a 500.
func profileFile(ctx context.Context, c *fiber.Ctx) (*offres.Profile, matchOptions, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return nil, matchOptions{}, offres.Invalidf("formulaire invalide : joignez le CV dans le champ « file »")
	}
	f, err := fh.Open()
	if err != nil {
		return nil, matchOptions{}, offres.Invalidf("fichier illisible")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, document.DefaultMaxBytes+1))
	if err != nil {
		return nil, matchOptions{}, offres.Invalidf("fichier illisible")
	}
	text, err := document.Extract(ctx, fh.Filename, data)
	if err != nil {
		return nil, matchOptions{}, err
	}
	limit := 0
	if v := c.FormValue("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 0 || limit > offres.MaxPageSize {
			return nil, matchOptions{}, offres.Invalidf("limit invalide : entre 1 et %d", offres.MaxPageSize)
		}
	}
	opts := matchOptions{limit: limit}
	if v := c.FormValue("include_closed"); v != "" {
		if opts.includeClosed, err = strconv.ParseBool(v); err != nil {
			return nil, matchOptions{}, offres.Invalidf("include_closed invalide : true ou false")
		}
	}
	return &offres.Profile{Text: text.Content}, opts, nil
}
