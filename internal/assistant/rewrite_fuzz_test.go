package assistant

import (
	"maps"
	"reflect"
	"slices"
	"testing"
	"unicode/utf8"
)

// FuzzRewrite feeds a previous question and a follow-up to the rewriting
// of follow-ups (the question parser of a conversation's later turns):
//   - the previous question is left as it was;
//   - a follow-up that is not rewritten is read as Understand reads it;
//   - a rewritten one holds the invariants of any question, refers to the
//     previous offers or reference only, and its text is a standalone
//     question that Understand reads back to the same intent, filters,
//     deadline window, reference and subject.
//
// Alone, for longer:
//
//	go test ./assistant -run '^$' -fuzz '^FuzzRewrite$' -fuzztime 60s
func FuzzRewrite(f *testing.F) {
	prevs := []string{
		"quels postes en informatique à Nouméa ?",
		"Qui recrute le chef de projet digital ?",
		"Quels postes de catégorie A et contractuels au Mont-Dore ou à l'Île-des-Pins ?",
		"Quelles offres ferment ce mois-ci en CDD ?",
		"Combien d'années de résidence faut-il pour l'offre PS-2026-0640/DSIN ?",
	}
	followUps := []string{
		"et pour le Mont-Dore ?", "et en catégorie B ?", "et les contractuels ?", "quelle est sa date limite ?",
		"et le salaire ?", "qui contacter ?", "et celles qui ferment cette semaine ?", "et pour les infirmiers ?",
		"et l'offre PS-2026-0612/DPASS ?", "et ?", "",
	}
	for i, p := range prevs {
		for j, fu := range followUps {
			if (i+j)%3 == 0 {
				f.Add(p, fu, uint8(i+j))
			}
		}
	}
	offerSets := [][]string{nil, {"3134-25-0308/SR"}, {"PS-2026-0640/DSIN", "CHS-AB 2026/14"}}
	f.Fuzz(func(t *testing.T, prevText, followUp string, ids uint8) {
		// Only questions Ask accepts reach the rewriting: a previous
		// question of more than MaxQuestionLen runes, or not UTF-8, was
		// refused (its rewritten form could not hold it whole).
		for _, text := range []string{prevText, followUp} {
			if !utf8.ValidString(text) || utf8.RuneCountInString(text) > MaxQuestionLen {
				return
			}
		}
		prev := Understand(prevText, qToday)
		kept := prev
		kept.Filters = cloneFilters(prev.Filters)
		if prev.Filters == nil {
			kept.Filters = nil
		}
		prevOffers := offerSets[int(ids)%len(offerSets)]

		q, ok := Rewrite(followUp, prev, prevOffers, qToday)
		if !reflect.DeepEqual(prev, kept) {
			t.Fatalf("Rewrite changed the previous question:\n%s\nwas %s", showQuestion(prev), showQuestion(kept))
		}
		if !ok {
			if want := Understand(followUp, qToday); !reflect.DeepEqual(q, want) {
				t.Fatalf("not rewritten: %s\nwant Understand's %s", showQuestion(q), showQuestion(want))
			}
			return
		}
		checkQuestionInvariants(t, q.Text, q)
		if q.Reference != "" && q.Reference != prev.Reference && !slices.Contains(prevOffers, q.Reference) {
			t.Fatalf("reference %q from neither %q nor %q", q.Reference, prev.Reference, prevOffers)
		}
		back := Understand(q.Text, qToday)
		// A subject that reads as an offer reference once written out
		// (« A000-0 0 ») is an ambiguity of the words typed, not of the
		// rewriting: the subject is then compared only when neither
		// question has a reference.
		refKept := back.Reference == q.Reference || q.Reference == ""
		if back.Intent != q.Intent || !refKept || back.ClosingWithinDays != q.ClosingWithinDays ||
			!maps.EqualFunc(back.Filters, q.Filters, slices.Equal) ||
			(q.Reference == "" && back.Reference == "" && back.Subject != q.Subject) {
			t.Fatalf("%q after %q → %q\n rewritten %s\n read back %s", followUp, prevText, q.Text, showQuestion(q), showQuestion(back))
		}
	})
}
