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
	// rejected names the claim that failed the check, in the question's
	// language (« montant « 1 000 000 xpf » »), when one did.
	rejected string
}

// askLLM has the model answer from the passages of the offers found. ok is
// false when the model failed (unavailable, out of budget, cancelled) or
// its answer failed the citation check: the caller then gives the
// extractive answer.
func (a *Assistant) askLLM(ctx context.Context, client string, q Question, offers []found, ex extracted, today offres.Date, stream Stream) (generated, bool) {
	sources, texts := buildSources(offers, ex.citations, q.Intent == IntentList, q.ListsCondition(), q.Lang, today, a.undated)
	data := prompts.Data{Today: dateIn(q.Lang, today), Question: q.Text, Asked: askedOf(q), English: q.Lang == langEnglish, UndatedOpenDays: a.undated}
	for _, s := range sources {
		data.Passages = append(data.Passages, prompts.Passage{N: s.N, OfferID: s.OfferID, Title: s.Title, Status: s.Status, Section: s.Section, Text: s.Text})
	}
	if q.Intent == IntentResidence {
		data.Rules, data.RulesDate = inLang(q.Lang, a.rules.Text, a.rules.English), a.rules.Date
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
	if text == "" {
		a.log.Warn("language model answered nothing: extractive answer")
		return out, false
	}
	citations, err := checkCitations(text, sources, texts)
	if err == nil {
		byID := make(map[string]*offres.Offer, len(offers))
		for i := range offers {
			byID[offers[i].offer.ID] = &offers[i].offer
		}
		err = checkClaims(text, sources, byID, today, a.undated)
	}
	if err == nil {
		err = checkInstructions(text, q.Dropped, sources)
	}
	if err != nil {
		a.log.Warn("model answer failed the citation check: extractive answer", "err", err)
		out.failedCheck = true
		var ce *claimError
		if errors.As(err, &ce) {
			out.rejected = ce.describe(q.Lang)
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

// asked says in French what a question asks, for the prompt's
// « Information demandée » line; "" for a plain search.
func askedOf(q Question) string {
	if q.ListsCondition() {
		return "la liste des offres qui précisent " + askedPhrases[q.Condition] + " (« " + q.ConditionText + " »), avec la phrase de chacune qui le dit"
	}
	s := askedPhrases[q.Intent]
	if s != "" && q.Compare {
		s += " — comparaison entre les offres"
	}
	return s
}

var askedPhrases = map[Intent]string{
	IntentDeadline: "la date limite de candidature (et si l'offre est encore ouverte)", IntentStartDate: "la date de prise de poste",
	IntentPlace: "le lieu de travail", IntentEmployer: "l'employeur", IntentDirection: "la direction ou le service",
	IntentCategory: "la catégorie ou le cadre d'emploi", IntentResidence: "la durée de résidence exigée",
	IntentSalary: "la rémunération", IntentContact: "la candidature et le contact", IntentMissions: "les missions",
	IntentProfile: "les compétences et le profil", IntentContract: "le type et la durée du contrat",
	IntentExperience: "l'expérience demandée", IntentDiploma: "le diplôme demandé", IntentLicence: "le permis",
	IntentLanguages: "les langues", IntentHours: "les horaires", IntentRemote: "le télétravail",
	IntentPosts: "le nombre de postes", IntentConditions: "les conditions de travail (logement, astreintes, primes…)",
	IntentList: "la liste des offres qui correspondent",
}

// buildSources numbers the passages given to the model: for each of the
// first offers (maxLLMOffers; maxListed for a list), its summary, then
// (but for a list) the passages that hold the clauses the extractive
// answer quotes (cited), so that the model sees the clause that states the
// value asked (for a list of the offers that state a condition too:
// clauses), and the passage closest to the question, each with its
// offer's status in the question's language (lang), for the model to
// repeat; and the full text of each offer, for the citation check.
func buildSources(offers []found, cited []Citation, list, clauses bool, lang string, today offres.Date, undated int) ([]Source, map[string]string) {
	var sources []Source
	texts := map[string]string{}
	limit := maxLLMOffers
	if list {
		limit = maxListed
	}
	for i := range offers {
		if i == limit {
			break
		}
		o := &offers[i].offer
		texts[o.ID] = offerText(o)
		status := modelStatus(lang, o, today, undated)
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
		if list && !clauses {
			continue // the summary says what a list needs
		}
		given := map[string]bool{ps[0].ID: true}
		for _, p := range ps[1:] {
			for _, c := range cited {
				if c.OfferID == o.ID && !given[p.ID] && c.Section != summarySection && containsFolded(p.Text, c.Quote) {
					given[p.ID] = true
					add(p)
				}
			}
		}
		if list {
			continue
		}
		if best := offers[i].passage; best != nil && given[best.ID] {
			continue
		} else if best != nil && best.ID != ps[0].ID {
			for _, p := range ps {
				if p.ID == best.ID {
					add(p)
				}
			}
		} else {
			n := 0
			for _, p := range ps[1:] { // no closest passage known: the sections
				if n == 2 {
					break
				}
				if !given[p.ID] {
					add(p)
					n++
				}
			}
		}
	}
	return sources, texts
}
