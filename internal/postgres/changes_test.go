package postgres

// The change cursor and the transactions that commit out of order.
//
// offers_seq hands out values when a write draws them, not when it
// commits: without more, a writer could draw n, a second one n+1 and commit
// first, and a follower reading "after n-1" would see n+1, move its cursor
// there, and never see n once it commits. Put and Delete prevent it by
// drawing under writeLockKey (an advisory lock held to the end of the
// transaction, released after the commit is visible): the writer that drew
// n commits before the next one can draw. These tests hold a writer in the
// middle of its transaction and check that the follower waits for it
// rather than skips it.
//
// Passages are not in the cursor, on purpose: every process reads them
// from PostgreSQL (SearchPassagesFiltered, PassagesOf), none keeps a copy
// to update.

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"offres/internal/offres"
)

// waitFor polls cond until it holds, failing the test after 10 s.
func waitFor(t *testing.T, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ok, err := cond()
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: timed out", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waiting counts the sessions of the store's database waiting for a lock of
// this kind ("advisory", "transactionid").
func waiting(ctx context.Context, s *Store, kind string) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = $1`, kind).Scan(&n)
	return n, err
}

// TestChangesLateCommit holds a Put after it has drawn its seq and before it
// commits: the writes that come after it wait, so a follower sees nothing
// rather than a later seq, then sees the late write first.
func TestChangesLateCommit(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	ctx := t.Context()
	mk := func(id string) offres.Offer { return offres.Offer{ID: id, Title: "Poste " + id, Description: "Texte"} }
	if err := s.Put(ctx, []offres.Offer{mk("first")}); err != nil {
		t.Fatal(err)
	}
	changes, err := s.Changes(ctx, 0, 10)
	if err != nil || len(changes) != 1 {
		t.Fatalf("changes = %+v, %v", changes, err)
	}
	cursor := changes[0].Seq

	// A transaction that inserted the pending mark of "late" and has not
	// committed: Put("late") draws its seq, writes the offer, then waits
	// for it on its own pending mark.
	blocker, err := s.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer blocker.Rollback(context.WithoutCancel(ctx))
	if _, err := blocker.Exec(ctx, `INSERT INTO pending (id) VALUES ('late')`); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 3)
	go func() { done <- s.Put(ctx, []offres.Offer{mk("late")}) }()
	waitFor(t, "Put(late) to wait in its transaction", func() (bool, error) {
		n, err := waiting(ctx, s, "transactionid")
		return n == 1, err
	})
	var drawn int64
	if err := s.pool.QueryRow(ctx, `SELECT last_value FROM offers_seq`).Scan(&drawn); err != nil || drawn <= cursor {
		t.Fatalf("offers_seq at %d, %v: Put(late) has not drawn its seq", drawn, err)
	}

	// Later writes, a Put and a Delete, wait for it.
	go func() { done <- s.Put(ctx, []offres.Offer{mk("early")}) }()
	go func() { done <- s.Delete(ctx, "first") }()
	waitFor(t, "the later writes to wait for the lock", func() (bool, error) {
		n, err := waiting(ctx, s, "advisory")
		return n == 2, err
	})
	if c, err := s.Changes(ctx, cursor, 10); err != nil || len(c) != 0 {
		t.Fatalf("while a write is in progress, changes after %d = %+v, %v; want none", cursor, c, err)
	}

	if err := blocker.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	changes, err = s.Changes(ctx, cursor, 10)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for i, c := range changes {
		if c.Seq <= cursor || (i > 0 && c.Seq <= changes[i-1].Seq) {
			t.Fatalf("changes after %d = %+v: not in seq order after the cursor", cursor, changes)
		}
		got[c.ID] = c.Deleted
	}
	if len(changes) != 3 || changes[0].ID != "late" || changes[0].Seq != drawn ||
		!maps.Equal(got, map[string]bool{"late": false, "early": false, "first": true}) {
		t.Fatalf("changes after %d = %+v; want late (seq %d), then early stored and first deleted", cursor, changes, drawn)
	}
}

// TestChangesFollowerDuringWrites follows the cursor while writers store and
// delete offers concurrently: what the follower ends with is exactly the
// catalogue, so it skipped no change.
func TestChangesFollowerDuringWrites(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	ctx := t.Context()
	const writers, rounds = 4, 30

	var stop atomic.Bool
	followed := map[string]bool{} // id → deleted
	follower := make(chan error, 1)
	go func() {
		var after int64
		for {
			last := stop.Load() // a page read after the writers ended is the last
			for {
				page, err := s.Changes(ctx, after, 7)
				if err != nil {
					follower <- err
					return
				}
				for _, c := range page {
					if c.Seq <= after {
						follower <- fmt.Errorf("change %+v after cursor %d", c, after)
						return
					}
					after = c.Seq
					followed[c.ID] = c.Deleted
				}
				if len(page) < 7 {
					break
				}
			}
			if last {
				follower <- nil
				return
			}
		}
	}()

	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for r := range rounds {
				id := func(r int, x string) string { return fmt.Sprintf("w%d-%02d-%s", w, r, x) }
				o1 := offres.Offer{ID: id(r, "a"), Title: "Poste", Description: "Texte"}
				o2 := offres.Offer{ID: id(r, "b"), Title: "Poste", Description: "Texte"}
				if err := s.Put(ctx, []offres.Offer{o1, o2}); err != nil {
					errs <- err
					return
				}
				if r%3 == 2 {
					if err := s.Delete(ctx, id(r-1, "b")); err != nil {
						errs <- err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	stop.Store(true)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if err := <-follower; err != nil {
		t.Fatal(err)
	}

	want := map[string]bool{}
	if err := s.Scan(ctx, func(o offres.Offer) error { want[o.ID] = false; return nil }); err != nil {
		t.Fatal(err)
	}
	rows, err := s.pool.Query(ctx, `SELECT id FROM offer_tombstones`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		want[id] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(want) != writers*rounds*2 {
		t.Fatalf("%d ids written, want %d", len(want), writers*rounds*2)
	}
	if !maps.Equal(followed, want) {
		for id, deleted := range want {
			if got, ok := followed[id]; !ok || got != deleted {
				t.Errorf("%s: followed %v (seen %v), catalogue deleted=%v", id, got, ok, deleted)
			}
		}
		t.Fatal("the follower missed changes")
	}
}
