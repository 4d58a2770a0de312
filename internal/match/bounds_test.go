package match

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"offres/internal/demo"
	"offres/internal/offres"
	"offres/search"
)

// demoCatalog proposes every demo offer to Rank and reads them; after
// cancelAfter reads it cancels the request's context (its deadline
// passing while Rank explains offers), without checking it itself.
type demoCatalog struct {
	offers      map[string]offres.Offer
	ids         []string
	cancel      context.CancelFunc
	cancelAfter int
	reads       int
}

func newDemoCatalog(t *testing.T) *demoCatalog {
	t.Helper()
	offers, err := demo.Load()
	if err != nil {
		t.Fatal(err)
	}
	c := &demoCatalog{offers: map[string]offres.Offer{}}
	for _, o := range offers {
		c.offers[o.ID] = o
		c.ids = append(c.ids, o.ID)
	}
	return c
}

func (c *demoCatalog) Resemble(_ context.Context, _ string, _ search.Jobs, _ bool, n int) (search.Likeness, error) {
	return search.Likeness{Keyword: c.ids[:min(len(c.ids), n)]}, nil
}

func (c *demoCatalog) Get(_ context.Context, id string) (offres.Offer, error) {
	if c.reads++; c.reads == c.cancelAfter {
		c.cancel()
	}
	return c.offers[id], nil
}

// TestRankHonoursDeadline is finding 2 of issue 13: Rank explained up to
// 100 offers without looking at the request's deadline.
func TestRankHonoursDeadline(t *testing.T) {
	c := newDemoCatalog(t)
	if len(c.ids) < 5 {
		t.Fatalf("%d demo offers", len(c.ids))
	}
	ctx, cancel := context.WithCancel(t.Context())
	c.cancel, c.cancelAfter = cancel, 2
	svc := NewService(c, c, New(nil), func() time.Time { return time.Date(2026, 11, 28, 9, 0, 0, 0, offres.Noumea) })
	res, err := svc.Match(ctx, &offres.Profile{Text: devCV}, 10)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %d results, error %v; want the context's error", len(res.Matches), err)
	}
	if c.reads > 3 {
		t.Errorf("%d offers read after the deadline", c.reads-2)
	}
}

// TestValidateProfileBounds: every structured item is bounded in length,
// and the whole profile in size (finding 2 of issue 13: 200 skills of
// 28 KB passed).
func TestValidateProfileBounds(t *testing.T) {
	long := strings.Repeat("é", offres.MaxProfileItem+1)
	ok := strings.Repeat("é", offres.MaxProfileItem)
	tests := []struct {
		name string
		p    offres.Profile
		want string // "" valid
	}{
		{"skills at the bound", offres.Profile{Skills: []string{ok, ok}}, ""},
		{"a long skill", offres.Profile{Skills: []string{"Go", long}}, "une compétence du profil dépasse 200 caractères"},
		{"a long job title", offres.Profile{JobTitles: []string{long}}, "un intitulé de poste du profil dépasse"},
		{"a long diploma", offres.Profile{Diplomas: []offres.Diploma{{Label: long}}}, "un diplôme du profil dépasse"},
		{"a long name", offres.Profile{Name: long, Skills: []string{"Go"}}, "le nom du profil dépasse"},
		{"a long commune", offres.Profile{Communes: []string{long}, Skills: []string{"Go"}}, "une commune du profil dépasse"},
		{"invalid UTF-8", offres.Profile{Skills: []string{"\xff"}}, "UTF-8"},
		{"too big a whole", offres.Profile{Text: strings.Repeat("日本", offres.MaxProfileText/2)}, "le profil est trop volumineux"},
	}
	for _, tt := range tests {
		err := ValidateProfile(&tt.p)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && (err == nil || !errors.Is(err, offres.ErrInvalid) || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}
