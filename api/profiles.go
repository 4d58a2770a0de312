package api

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"offres/internal/match"
	"offres/internal/offres"
)

// Recruiters authenticates recruiters' keys and keeps their profiles
// (engine.Engine).
type Recruiters interface {
	Authenticate(ctx context.Context, token string) (offres.APIKey, error)
	SaveProfile(ctx context.Context, owner string, p offres.Profile) (offres.Profile, error)
	Profile(ctx context.Context, owner, id string) (offres.Profile, error)
	Profiles(ctx context.Context, owner string) ([]offres.Profile, error)
	DeleteProfile(ctx context.Context, owner, id string) error
}

// Candidates ranks profiles for an offer (match.Service).
type Candidates interface {
	Candidates(ctx context.Context, offerID string, profiles []offres.Profile) ([]match.Candidate, error)
}

const localsKey = "apikey"

// requireRole lets through the requests bearing a valid key of role: 401
// without a valid key, 403 with a key of another role.
func (s *server) requireRole(role string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if s.Recruiters == nil {
			return &offres.UserError{Kind: offres.ErrUnavailable, Message: "les profils ne sont pas disponibles"}
		}
		token, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
		if !ok {
			return &offres.UserError{Kind: offres.ErrUnauthorized, Message: "clé d'API manquante : Authorization: Bearer ofr_…"}
		}
		ctx, cancel := s.ctx(c, s.opts.RequestTimeout)
		defer cancel()
		k, err := s.Recruiters.Authenticate(ctx, strings.TrimSpace(token))
		if errors.Is(err, offres.ErrUnavailable) {
			return err // the keys cannot be read now: 503, not a bad key
		}
		if err != nil {
			return &offres.UserError{Kind: offres.ErrUnauthorized, Message: "clé d'API invalide"}
		}
		if k.Role != role {
			return &offres.UserError{Kind: offres.ErrForbidden, Message: "cette clé n'a pas le rôle « " + role + " »"}
		}
		c.Locals(localsKey, k)
		return c.Next()
	}
}

func keyOf(c *fiber.Ctx) offres.APIKey {
	k, _ := c.Locals(localsKey).(offres.APIKey)
	return k
}

// profileID reads the :pid parameter.
func profileID(c *fiber.Ctx) (string, error) {
	id := c.Params("pid")
	if id == "" || len(id) > 64 || !utf8.ValidString(id) {
		return "", offres.Invalidf("identifiant de profil invalide")
	}
	return strings.Clone(id), nil
}

// profileView is a profile as its owner reads it.
type profileView struct {
	ID string `json:"id"`
	offres.Profile
}

func (s *server) createProfile(c *fiber.Ctx) error {
	ctx, cancel := s.ctx(c, s.opts.RequestTimeout)
	defer cancel()
	p, _, err := profileBody(ctx, c)
	if err != nil {
		return err
	}
	if err := match.ValidateProfile(p); err != nil {
		return err
	}
	saved, err := s.Recruiters.SaveProfile(ctx, keyOf(c).ID, *p)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(profileView{ID: saved.ID, Profile: saved})
}

func (s *server) getProfile(c *fiber.Ctx) error {
	id, err := profileID(c)
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c, s.opts.RequestTimeout)
	defer cancel()
	p, err := s.Recruiters.Profile(ctx, keyOf(c).ID, id)
	if err != nil {
		return notFoundProfile(err)
	}
	return c.JSON(profileView{ID: p.ID, Profile: p})
}

// notFoundProfile says « profil introuvable » (another key's profile is
// as absent as a deleted one).
func notFoundProfile(err error) error {
	if errors.Is(err, offres.ErrNotFound) {
		return &offres.UserError{Kind: offres.ErrNotFound, Message: "profil introuvable"}
	}
	return err
}

func (s *server) listProfiles(c *fiber.Ctx) error {
	ctx, cancel := s.ctx(c, s.opts.RequestTimeout)
	defer cancel()
	ps, err := s.Recruiters.Profiles(ctx, keyOf(c).ID)
	if err != nil {
		return err
	}
	type item struct {
		ID        string `json:"id"`
		Name      string `json:"name,omitempty"`
		CreatedAt string `json:"created_at"`
	}
	out := make([]item, len(ps))
	for i, p := range ps {
		out[i] = item{ID: p.ID, Name: p.Name, CreatedAt: p.CreatedAt.Format("2006-01-02T15:04:05Z")}
	}
	return c.JSON(fiber.Map{"profiles": out})
}

func (s *server) deleteProfile(c *fiber.Ctx) error {
	id, err := profileID(c)
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c, s.opts.RequestTimeout)
	defer cancel()
	if err := s.Recruiters.DeleteProfile(ctx, keyOf(c).ID, id); err != nil {
		return notFoundProfile(err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// candidates ranks the caller's profiles for an offer.
func (s *server) candidates(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if s.Candidates == nil {
		return &offres.UserError{Kind: offres.ErrUnavailable, Message: "le classement des candidats n'est pas disponible"}
	}
	ctx, cancel := s.ctx(c, s.opts.RequestTimeout)
	defer cancel()
	ps, err := s.Recruiters.Profiles(ctx, keyOf(c).ID)
	if err != nil {
		return err
	}
	release, err := s.admit(ctx, c)
	if err != nil {
		return err
	}
	defer release()
	ranked, err := s.Candidates.Candidates(ctx, id, ps)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"candidates": ranked})
}
