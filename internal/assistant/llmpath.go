package assistant

import (
	"context"
	"errors"
	"strings"

	"offres/internal/offres"
	"offres/prompts"
)

// generated is a model's answer, checked.
type generated struct {
	text      string
	citations []Citation
	offers    []string
	// streamed: tokens reached the stream; failedCheck: the answer came
	// back but its citations did not hold.
	streamed, failedCheck bool
	// rejected names the claim that failed the check (« montant « 1 000
	// 000 xpf » »), when one did.
	rejected string
}

// askLLM has the model answer from the passages of the offers found. ok is
// false when the model failed (unavailable, out of budget, cancelled) or
// its answer failed the citation check: the caller then gives the
// extractive answer.
func (a *Assistant) askLLM(ctx context.Context, client string, q Question, offers []found, today offres.Date, stream Stream) (generated, bool) {
	sources, texts := buildSources(offers, today, a.undated)
	data := prompts.Data{Today: today.French(), Question: q.Text, English: q.Lang == langEnglish, UndatedOpenDays: a.undated}
	for _, s := range sources {
		data.Passages = append(data.Passages, prompts.Passage{N: s.N, OfferID: s.OfferID, Title: s.Title, Status: s.Status, Section: s.Section, Text: s.Text})
	}
	if q.Intent == IntentResidence {
		data.Rules, data.RulesDate = a.rules.Text, a.rules.Date
	}
	system, user, err := prompts.Render(data)
	if err != nil {
		a.log.Error("prompt", "err", err)
		return generated{}, false
	}
	var out generated
	onToken := func(delta string) error {
		if stream.Token == nil || delta == "" {
			return nil
		}
		out.streamed = true
		return stream.Token(delta)
	}
	comp, err := a.chat(ctx, client, []offres.ChatMessage{
		{Role: offres.RoleSystem, Content: system},
		{Role: offres.RoleUser, Content: user},
	}, onToken)
	if err != nil {
		switch {
		case errors.Is(err, errBudget):
			a.log.Info("token budget spent: extractive answer")
		case !errors.Is(err, context.Canceled):
			a.log.Warn("language model unavailable: extractive answer", "err", err)
		}
		return out, false
	}
	text := strings.TrimSpace(comp.Text)
	citations, err := checkCitations(text, sources, texts)
	if err == nil {
		byID := make(map[string]*offres.Offer, len(offers))
		for i := range offers {
			byID[offers[i].offer.ID] = &offers[i].offer
		}
		err = checkClaims(text, sources, byID, today, a.undated)
	}
	if err != nil {
		a.log.Warn("model answer failed the citation check: extractive answer", "err", err)
		out.failedCheck = true
		var ce *claimError
		if errors.As(err, &ce) {
			out.rejected = ce.kind + " « " + ce.claim + " »"
		}
		return out, false
	}
	out.text, out.citations = text, citations
	out.offers = []string{}
	for _, c := range citations {
		if !containsString(out.offers, c.OfferID) {
			out.offers = append(out.offers, c.OfferID)
		}
	}
	return out, true
}

// buildSources numbers the passages given to the model: for each of the
// first offers, its summary and the passage closest to the question; and
// the full text of each offer, for the citation check.
func buildSources(offers []found, today offres.Date, undated int) ([]Source, map[string]string) {
	var sources []Source
	texts := map[string]string{}
	for i := range offers {
		if i == maxLLMOffers {
			break
		}
		o := &offers[i].offer
		texts[o.ID] = offerText(o)
		status := (&writer{undated: undated}).statusShort(o, today)
		if st, _ := o.StatusAt(today, undated); st.Closed() {
			status = "CLÔTURÉE (" + status + ")"
		} else if st != offres.StatusUnknown {
			status = "ouverte, " + status
		}
		ps := passagesOf(o)
		if len(ps) == 0 {
			continue
		}
		add := func(p offres.Passage) {
			section := p.Heading
			if p.Kind == offres.SummaryKind {
				section = summarySection
			}
			sources = append(sources, Source{N: len(sources) + 1, OfferID: o.ID, Title: o.Title, Section: section, Text: p.Text, Status: status})
		}
		add(ps[0])
		if best := offers[i].passage; best != nil && best.ID != ps[0].ID {
			for _, p := range ps {
				if p.ID == best.ID {
					add(p)
				}
			}
		} else {
			for _, p := range ps[1:] { // no closest passage known: the sections
				if len(sources) >= (i+1)*3 {
					break
				}
				add(p)
			}
		}
	}
	return sources, texts
}
