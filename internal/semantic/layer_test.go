package semantic_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"offres/internal/boltstore"
	"offres/internal/demo"
	"offres/internal/lsa"
	"offres/internal/offres"
	"offres/internal/semantic"
)

// counting wraps a real embedder and counts the texts it embeds.
type counting struct {
	semantic.Embedder
	texts atomic.Int64
	fail  atomic.Bool
}

func (c *counting) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if c.fail.Load() {
		return nil, errors.New("embedder down")
	}
	c.texts.Add(int64(len(texts)))
	return c.Embedder.Embed(ctx, texts)
}

func setup(t *testing.T) (*semantic.Layer, *boltstore.Store, *counting, []offres.Offer) {
	t.Helper()
	offers, err := demo.Load()
	if err != nil {
		t.Fatal(err)
	}
	texts := make([]string, len(offers))
	for i := range offers {
		texts[i] = offers[i].FullText()
	}
	m, err := lsa.Train(context.Background(), texts, lsa.Options{})
	if err != nil {
		t.Fatal(err)
	}
	store, err := boltstore.Open(filepath.Join(t.TempDir(), "offers.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	emb := &counting{Embedder: m}
	return semantic.New(emb, store, semantic.Options{}), store, emb, offers
}

func TestUpsertUsesTheCache(t *testing.T) {
	ctx := context.Background()
	l, store, emb, offers := setup(t)
	if err := l.Upsert(ctx, offers); err != nil {
		t.Fatal(err)
	}
	first := emb.texts.Load()
	if first == 0 {
		t.Fatal("nothing embedded")
	}
	// Unchanged offers: no text embedded again.
	if err := l.Upsert(ctx, offers); err != nil {
		t.Fatal(err)
	}
	if n := emb.texts.Load() - first; n != 0 {
		t.Errorf("re-upserting unchanged offers embedded %d texts", n)
	}
	// One changed section: only its passage (and the summary, if it moves).
	changed := offers[0]
	changed.Description += " Poste ouvert aux candidats de Poum à Yaté."
	if err := l.Upsert(ctx, []offres.Offer{changed}); err != nil {
		t.Fatal(err)
	}
	if n := emb.texts.Load() - first; n < 1 || n > 3 {
		t.Errorf("one changed description embedded %d texts", n)
	}
	got, err := store.PassagesOf(ctx, l.Model(), []string{changed.ID})
	if err != nil || len(got[changed.ID]) == 0 {
		t.Fatalf("passages of %s: %v %v", changed.ID, got, err)
	}
	var found bool
	for _, p := range got[changed.ID] {
		found = found || strings.Contains(p.Text, "Poum à Yaté")
	}
	if !found {
		t.Errorf("the stored passages do not have the new text")
	}
}

func TestSearchAndDelete(t *testing.T) {
	ctx := context.Background()
	l, store, _, offers := setup(t)
	if err := l.Upsert(ctx, offers); err != nil {
		t.Fatal(err)
	}
	q, err := l.EmbedQuery(ctx, "garde-pêche surveillance du lagon")
	if err != nil || q == nil {
		t.Fatalf("EmbedQuery: %v %v", q, err)
	}
	hits, err := l.Passages(ctx, q, 20, 0, nil)
	if err != nil || len(hits) == 0 {
		t.Fatalf("Passages: %v %v", hits, err)
	}
	top := hits[0].OfferID
	for i := 1; i < len(hits); i++ {
		if hits[i].Score > hits[i-1].Score {
			t.Fatalf("hits not best first: %v", hits)
		}
	}
	// allowed restricts; minScore cuts.
	only := map[string]bool{offers[5].ID: true}
	restricted, _ := l.Passages(ctx, q, 20, -1, only)
	for _, h := range restricted {
		if h.OfferID != offers[5].ID {
			t.Errorf("allowed let %s through", h.OfferID)
		}
	}
	if len(restricted) == 0 {
		t.Errorf("allowed with minScore -1 gave nothing")
	}
	if cut, _ := l.Passages(ctx, q, 20, 1.01, nil); len(cut) != 0 {
		t.Errorf("minScore above 1 let %d hits through", len(cut))
	}
	best, err := l.Best(ctx, q, []string{top})
	if err != nil || best[top].ID != hits[0].PassageID {
		t.Errorf("Best(%s) = %+v, %v; want passage %s", top, best[top], err, hits[0].PassageID)
	}
	if _, err := l.OfferVector(ctx, top); err != nil {
		t.Errorf("OfferVector: %v", err)
	}
	// Delete removes from the store and the index.
	if err := l.Delete(ctx, []string{top}); err != nil {
		t.Fatal(err)
	}
	after, _ := l.Passages(ctx, q, 100, -1, nil)
	for _, h := range after {
		if h.OfferID == top {
			t.Fatalf("deleted offer %s still found", top)
		}
	}
	if _, err := l.OfferVector(ctx, top); !errors.Is(err, offres.ErrNotFound) {
		t.Errorf("OfferVector of a deleted offer: %v", err)
	}
	left, _ := store.EmbeddedOffers(ctx, l.Model())
	if left[top] || len(left) != len(offers)-1 {
		t.Errorf("embedded offers after delete: %d (has deleted: %v)", len(left), left[top])
	}
}

func TestSyncEmbedsWhatIsMissing(t *testing.T) {
	ctx := context.Background()
	l, store, emb, offers := setup(t)
	emb.fail.Store(true)
	if err := l.Upsert(ctx, offers[:10]); err == nil {
		t.Fatal("Upsert succeeded with the embedder down")
	}
	emb.fail.Store(false)
	if err := l.Upsert(ctx, offers[10:]); err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(offers))
	byID := map[string]offres.Offer{}
	for i, o := range offers {
		ids[i] = o.ID
		byID[o.ID] = o
	}
	get := func(_ context.Context, id string) (offres.Offer, error) { return byID[id], nil }
	n, err := l.Sync(ctx, ids, get)
	if err != nil || n != 10 {
		t.Fatalf("Sync embedded %d offers (%v), want the 10 missed", n, err)
	}
	have, _ := store.EmbeddedOffers(ctx, l.Model())
	if len(have) != len(offers) {
		t.Errorf("%d offers embedded after Sync, want %d", len(have), len(offers))
	}
	if n, _ := l.Sync(ctx, ids, get); n != 0 {
		t.Errorf("a second Sync embedded %d offers", n)
	}
}

func TestNoModelYet(t *testing.T) {
	ctx := context.Background()
	store, err := boltstore.Open(filepath.Join(t.TempDir(), "offers.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	l := semantic.New(nil, store, semantic.Options{})
	if l.Model() != "" {
		t.Errorf("model %q without an embedder", l.Model())
	}
	if q, err := l.EmbedQuery(ctx, "infirmier"); q != nil || err != nil {
		t.Errorf("EmbedQuery without a model: %v %v", q, err)
	}
	if err := l.Upsert(ctx, []offres.Offer{{ID: "A", Title: "x"}}); err != nil {
		t.Errorf("Upsert without a model: %v", err)
	}
	if _, err := l.OfferVector(ctx, "A"); !errors.Is(err, offres.ErrNotFound) {
		t.Errorf("OfferVector without a model: %v", err)
	}
}
