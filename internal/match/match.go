// Package match compares a candidate's profile with an offer, requirement
// by requirement: each requirement of the offer (its skills, the job, the
// diploma level and the experience its profile section asks for, the
// commune, the contract) is matched, partial or missing, with the evidence
// from the offer and from the profile; synonyms of the lexicon and, when
// the ROME taxonomy is loaded, ROME-equivalent job titles count as matches.
// The score (0–100) weighs required items more than preferred ones; a
// profile that says too little gets « données insuffisantes » instead of a
// number. Matching is rules over the texts: nothing in a CV is read as an
// instruction.
package match

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"offres/internal/lexicon"
	"offres/internal/offres"
	"offres/internal/rome"
)

// Statuses of a requirement.
const (
	Matched = "matched"
	Partial = "partial"
	Missing = "missing"
	// Unknown: the profile says nothing about it; it does not count in the
	// score (the commune, the contract, the residence condition).
	Unknown = "unknown"
)

// Kinds of requirements.
const (
	KindSkill      = "skill"
	KindJob        = "job"
	KindDiploma    = "diploma"
	KindExperience = "experience"
	KindCommune    = "commune"
	KindContract   = "contract"
	KindResidence  = "residence"
)

// Item is one requirement of the offer and how the profile meets it.
type Item struct {
	Kind        string `json:"kind"`
	Requirement string `json:"requirement"`
	Required    bool   `json:"required"`
	Status      string `json:"status"`
	// OfferEvidence quotes the offer; ProfileEvidence quotes the profile
	// (empty when missing).
	OfferEvidence   string `json:"offer_evidence,omitempty"`
	ProfileEvidence string `json:"profile_evidence,omitempty"`
	Note            string `json:"note,omitempty"`
	weight          float64
	// strength ranks job matches: 3 the same job, 2 the same family of
	// jobs, 1 partial.
	strength int
}

// Explanation is the comparison of a profile with an offer.
type Explanation struct {
	// Score is 0–100, nil when the profile says too little (Insufficient).
	Score        *int   `json:"score"`
	Insufficient bool   `json:"insufficient,omitempty"`
	Summary      string `json:"summary"`
	Items        []Item `json:"items"`
}

// Taxonomy is the ROME taxonomy (rome.Taxonomy), when it is loaded: job
// titles to ROME codes, and ROME competences and knowledge found in texts.
type Taxonomy interface {
	Codes(title string) []string       // detailed codes: the same job
	ParentCodes(title string) []string // historic codes: the same family of jobs
	FindSkills(text string) []rome.SkillMatch
}

// Matcher compares profiles and offers.
type Matcher struct {
	rome     Taxonomy     // nil: lexicon and text only
	synonyms [][][]string // groups of phrases, each a list of stems
	byStem   map[string][]int
}

// New returns a matcher; tax may be nil.
func New(tax Taxonomy) *Matcher {
	m := &Matcher{rome: tax, byStem: map[string][]int{}}
	for _, g := range lexicon.Synonyms() {
		var group [][]string
		for _, term := range g.All() {
			if st := significant(term); len(st) > 0 {
				group = append(group, st)
			}
		}
		if len(group) < 2 {
			continue
		}
		i := len(m.synonyms)
		m.synonyms = append(m.synonyms, group)
		for _, st := range group {
			m.byStem[strings.Join(st, " ")] = append(m.byStem[strings.Join(st, " ")], i)
		}
	}
	return m
}

// Weights of the requirements in the score.
const (
	weightRequiredSkill  = 3
	weightPreferredSkill = 1
	weightJob            = 3
	weightDiploma        = 2
	weightExperience     = 1.5
	weightPlace          = 1
)

// minProfileWords is the least a profile must say, in significant words
// of text plus structured items, for a score to mean something.
const minProfileWords = 15

// Explain compares a profile with an offer. To compare one profile with
// many offers, Analyze it once and call ExplainAnalyzed.
func (m *Matcher) Explain(p *offres.Profile, o *offres.Offer, today offres.Date) Explanation {
	return m.ExplainAnalyzed(m.Analyze(p), o, today)
}

// Analyzed is a profile prepared for comparisons: what depends on the
// profile alone is computed once, whatever the number of offers it is
// compared with (its text's words, its ROME skills and job codes, its
// diploma level and years of experience).
type Analyzed struct {
	p          *offres.Profile
	pd         *doc
	romeSkills map[string]rome.SkillMatch // the profile's ROME competences and knowledge, by id; nil without ROME
	jobs       []jobCandidate             // its job titles and short lines, with their ROME codes
	size       int                        // significant words plus structured items
	// The highest diploma level its text states, and where.
	diploma        int
	diplomaS       int
	diplomaE       int
	diplomaFound   bool
	experience     float64 // years of experience its text states
	experienceFrom string  // the evidence of experience
}

// jobCandidate is a job title of a profile, or a short line of its text,
// with the ROME codes it reads as (detailed and historic).
type jobCandidate struct {
	text           string
	codes, parents []string
}

// Analyze prepares a profile for ExplainAnalyzed.
func (m *Matcher) Analyze(p *offres.Profile) *Analyzed {
	a := &Analyzed{p: p, pd: newDoc(profileText(p))}
	a.size = profileSize(p, a.pd)
	a.diploma, a.diplomaS, a.diplomaE, a.diplomaFound = level(a.pd.text, false)
	a.experience, a.experienceFrom = profileExperience(p, a.pd)
	if m.rome != nil {
		a.romeSkills = map[string]rome.SkillMatch{}
		for _, sm := range m.rome.FindSkills(a.pd.text) {
			a.romeSkills[sm.ID] = sm
		}
		for _, c := range jobCandidates(p) {
			a.jobs = append(a.jobs, jobCandidate{text: c, codes: m.rome.Codes(c), parents: m.rome.ParentCodes(c)})
		}
	}
	return a
}

// ExplainAnalyzed compares an analysed profile with an offer.
func (m *Matcher) ExplainAnalyzed(a *Analyzed, o *offres.Offer, today offres.Date) Explanation {
	p, pd, romeSkills := a.p, a.pd, a.romeSkills
	od := newDoc(o.FullText())
	var items []Item

	// The job itself.
	items = append(items, m.job(a, o))
	// The skills the offer lists.
	for _, s := range o.Skills {
		it := m.phrase(pd, s.Label)
		if it.Status != Matched && romeSkills != nil {
			for _, sm := range m.rome.FindSkills(s.Label) {
				if got, ok := romeSkills[sm.ID]; ok {
					it = Item{Status: Matched, ProfileEvidence: pd.sentence(got.Start, got.End), Note: "compétence ROME « " + sm.Label + " »"}
					break
				}
			}
		}
		it.Kind, it.Requirement, it.Required = KindSkill, s.Label, s.Required
		it.OfferEvidence = s.Label
		it.weight = weightPreferredSkill
		if s.Required {
			it.weight = weightRequiredSkill
		}
		items = append(items, it)
	}
	// Diploma and experience, from the profile section (or the text).
	if it, ok := diplomaItem(a, o); ok {
		items = append(items, it)
	}
	if it, ok := experienceItem(a, od); ok {
		items = append(items, it)
	}
	items = append(items, communeItem(p, pd, o), contractItem(p, o))
	if o.ResidenceYears > 0 {
		items = append(items, Item{Kind: KindResidence, Requirement: fmt.Sprintf("durée de résidence exigée : %d ans", o.ResidenceYears),
			Required: true, Status: Unknown, OfferEvidence: fmt.Sprintf("Durée de résidence exigée : %d ans", o.ResidenceYears),
			Note: "condition d'emploi local appréciée par l'employeur : elle n'est ni demandée ni évaluée ici"})
	}

	ex := Explanation{Items: items}
	if a.size < minProfileWords {
		ex.Insufficient = true
		ex.Summary = "données insuffisantes : le profil est trop court pour être comparé à l'offre"
		return ex
	}
	var got, total float64
	counts := map[string]int{}
	for _, it := range items {
		counts[it.Status]++
		if it.Status == Unknown || it.weight == 0 {
			continue
		}
		total += it.weight
		switch it.Status {
		case Matched:
			got += it.weight
		case Partial:
			got += it.weight / 2
		}
	}
	if total == 0 {
		ex.Insufficient = true
		ex.Summary = "données insuffisantes : l'offre ne précise pas d'exigence comparable"
		return ex
	}
	score := int(math.Round(100 * got / total))
	ex.Score = &score
	ex.Summary = fmt.Sprintf("%d exigence(s) remplie(s), %d partiellement, %d manquante(s)", counts[Matched], counts[Partial], counts[Missing])
	switch st, _ := o.Status(today); st {
	case offres.StatusClosed:
		ex.Summary += " ; offre clôturée"
	case offres.StatusExpired:
		ex.Summary += " ; offre expirée (publiée sans date limite il y a plus de " + fmt.Sprint(offres.DefaultUndatedOpenDays) + " jours)"
	}
	return ex
}

// profileText is the text a profile is matched on: its CV and its
// structured items.
func profileText(p *offres.Profile) string {
	var b strings.Builder
	b.WriteString(p.Text)
	for _, list := range [][]string{p.JobTitles, p.Skills} {
		for _, s := range list {
			b.WriteString("\n" + s)
		}
	}
	for _, d := range p.Diplomas {
		b.WriteString("\n" + d.Label)
	}
	return b.String()
}

func profileSize(p *offres.Profile, d *doc) int {
	n := 0
	for _, w := range d.words {
		if len(w.stem) > 2 && !stopWords[w.stem] {
			n++
		}
	}
	n += 5 * (len(p.Skills) + len(p.JobTitles) + len(p.Diplomas))
	if p.ExperienceYears > 0 {
		n += 5
	}
	return n
}

var parenRE = regexp.MustCompile(`\s*\([^)]*\)`)

// phrase matches a phrase of the offer (a skill) in the profile: the
// phrase itself (without its parenthesised examples), a synonym of it, a
// technology named inside a longer word (« SQL » in « PostgreSQL »), or,
// partially, half its words.
func (m *Matcher) phrase(pd *doc, label string) Item {
	stems := significant(parenRE.ReplaceAllString(label, ""))
	if len(stems) == 0 {
		stems = significant(label)
	}
	if len(stems) == 0 {
		return Item{Status: Unknown}
	}
	if s, e, ok := pd.phrase(stems); ok {
		return Item{Status: Matched, ProfileEvidence: pd.sentence(s, e)}
	}
	if len(stems) == 1 && len(stems[0]) >= 3 {
		for _, w := range pd.words {
			if len(w.stem) > len(stems[0]) && strings.HasSuffix(w.stem, stems[0]) {
				return Item{Status: Matched, ProfileEvidence: pd.sentence(w.start, w.end), Note: pd.text[w.start:w.end]}
			}
		}
	}
	for _, gi := range m.byStem[strings.Join(stems, " ")] {
		for _, alt := range m.synonyms[gi] {
			if s, e, ok := pd.phrase(alt); ok {
				return Item{Status: Matched, ProfileEvidence: pd.sentence(s, e), Note: "synonyme"}
			}
		}
	}
	found, first := 0, -1
	for _, st := range stems {
		if s, _, ok := pd.has(st); ok {
			found++
			if first < 0 || s < first {
				first = s
			}
		}
	}
	if len(stems) >= 2 && 2*found >= len(stems) {
		return Item{Status: Partial, ProfileEvidence: pd.sentence(first, first+1), Note: fmt.Sprintf("%d mot(s) sur %d", found, len(stems))}
	}
	return Item{Status: Missing}
}

// job matches the offer's job title: the title or a synonym in the
// profile, or the same ROME code.
func (m *Matcher) job(a *Analyzed, o *offres.Offer) Item {
	title := cleanTitle(o.Title)
	it := m.phrase(a.pd, title)
	it.Kind, it.Requirement, it.Required, it.OfferEvidence, it.weight = KindJob, title, true, o.Title, weightJob
	if it.Status == Matched {
		it.strength = 3
	}
	if it.Status == Matched || m.rome == nil {
		return it
	}
	// The same ROME code: the detailed one is the same job, the historic
	// one a job of the same family (« développeur », « ingénieur d'études
	// informatique »); both are matches, the first ranks higher.
	same, family := map[string]bool{}, map[string]bool{}
	if o.RomeCode != "" {
		same[o.RomeCode], family[o.RomeCode] = true, true
	}
	for _, c := range m.rome.Codes(title) {
		same[c] = true
	}
	for _, c := range m.rome.ParentCodes(title) {
		family[c] = true
	}
	matched := func(c, note string, strength int) Item {
		return Item{Kind: KindJob, Requirement: title, Required: true, Status: Matched, OfferEvidence: o.Title,
			ProfileEvidence: c, Note: note, weight: weightJob, strength: strength}
	}
	for _, c := range a.jobs {
		for _, code := range c.codes {
			if same[code] {
				return matched(c.text, "même métier (code ROME "+code+")", 3)
			}
		}
	}
	for _, c := range a.jobs {
		for _, code := range c.parents {
			if family[code] {
				return matched(c.text, "même famille de métiers (code ROME "+code+")", 2)
			}
		}
	}
	return it
}

// jobCandidates are what of a profile may name a job: its job titles and
// the short lines of its text.
func jobCandidates(p *offres.Profile) []string {
	candidates := append([]string(nil), p.JobTitles...)
	for _, line := range strings.Split(p.Text, "\n") {
		if line = strings.TrimSpace(line); line != "" && len([]rune(line)) <= 80 {
			candidates = append(candidates, line)
		}
	}
	return candidates
}

var titleNoise = regexp.MustCompile(`(?i)\s*(\([^)]*\)|h/f|f/h|[–—-]\s.*$)`)

// cleanTitle drops the markers, parentheses and the complement of a title:
// « Infirmier diplômé d'État (IDE) – médecine polyvalente » → « Infirmier
// diplômé d'État ».
func cleanTitle(t string) string {
	t = titleNoise.ReplaceAllString(t, "")
	if i := strings.Index(t, " / "); i > 0 {
		t = t[:i]
	}
	return strings.TrimSpace(t)
}

var (
	bacPlusRE  = regexp.MustCompile(`(?i)\bbac\s*\+\s*(\d)`)
	diplomaREs = []struct {
		re    *regexp.Regexp
		level int
	}{
		{regexp.MustCompile(`(?i)\bdoctorat\b`), 8},
		{regexp.MustCompile(`(?i)\b(master|mast[eè]re|dipl[oô]me d'ing[ée]nieur|ing[ée]nieur dipl[oô]m[ée])\b`), 5},
		{regexp.MustCompile(`(?i)\blicence\b`), 3},
		{regexp.MustCompile(`(?i)\bdipl[oô]m[ée]e? d'[ée]tat\b`), 3},
		{regexp.MustCompile(`\bDE\b`), 3}, // « DE » in capitals only: « de » is a word
		{regexp.MustCompile(`(?i)\b(BTS|DUT|BUT|DEUG)\b`), 2},
		{regexp.MustCompile(`(?i)\b(baccalaur[ée]at|bac)\b`), 0},
		{regexp.MustCompile(`(?i)\b(CAP|BEP)\b`), -1},
	}
)

// level returns the diploma level a text states, and where: the highest
// (what a candidate has), or with lowest the lowest (what an offer asks
// at least: « bac+2 à bac+5 » asks bac+2).
func level(text string, lowest bool) (int, int, int, bool) {
	best, bs, be, found := 0, 0, 0, false
	better := func(n int) bool { return !found || (lowest && n < best) || (!lowest && n > best) }
	for _, m := range bacPlusRE.FindAllStringSubmatchIndex(text, -1) {
		if n, _ := strconv.Atoi(text[m[2]:m[3]]); better(n) {
			best, bs, be, found = n, m[0], m[1], true
		}
	}
	if found && lowest {
		return best, bs, be, true // « bac+N » says what is asked; the diploma names around it are examples
	}
	for _, d := range diplomaREs {
		if m := d.re.FindStringIndex(text); m != nil && better(d.level) {
			best, bs, be, found = d.level, m[0], m[1], true
		}
	}
	return best, bs, be, found
}

// minimumByCategory is the diploma level a category of the public service
// asks of external candidates, when the offer says no more.
var minimumByCategory = map[string]int{"A": 3, "B": 0, "C": -1}

func diplomaItem(a *Analyzed, o *offres.Offer) (Item, bool) {
	p, pd := a.p, a.pd
	pt := newDoc(profilText(o))
	want, ws, we, ok := level(pt.text, true)
	evidence := ""
	if ok {
		evidence = pt.sentence(ws, we)
	} else if min, known := minimumByCategory[o.Category]; known && min >= 0 {
		want, ok, evidence = min, true, "catégorie "+o.Category
	}
	if !ok {
		return Item{}, false
	}
	it := Item{Kind: KindDiploma, Requirement: levelName(want), Required: true, OfferEvidence: evidence, weight: weightDiploma}
	have, hs, he, found := a.diploma, a.diplomaS, a.diplomaE, a.diplomaFound
	for _, d := range p.Diplomas {
		if !found || d.Level > have {
			have, found, hs, he = d.Level, true, -1, -1
			it.ProfileEvidence = d.Label
		}
	}
	switch {
	case !found:
		it.Status, it.Note = Missing, "aucun diplôme indiqué"
	case have >= want:
		it.Status = Matched
	case have == want-1:
		it.Status, it.Note = Partial, "un niveau en dessous"
	default:
		it.Status, it.Note = Missing, "niveau inférieur"
	}
	if found && hs >= 0 {
		it.ProfileEvidence = pd.sentence(hs, he)
	}
	return it, true
}

func levelName(n int) string {
	switch {
	case n < 0:
		return "CAP / BEP"
	case n == 0:
		return "baccalauréat"
	}
	return fmt.Sprintf("bac+%d", n)
}

// profilText is the offer's profile section, or its whole text.
func profilText(o *offres.Offer) string {
	var b strings.Builder
	for _, s := range o.Sections {
		if s.Kind == offres.SectionProfil || s.Kind == offres.SectionConditions {
			b.WriteString(s.Text + "\n")
		}
	}
	if b.Len() == 0 {
		return o.Description
	}
	return b.String()
}

var (
	expOfferRE   = regexp.MustCompile(`(?i)exp[ée]rience\s+(?:d'au moins |de |minimum de |d'|significative de |confirm[ée]e de )?(\d{1,2})\s*ans?|(\d{1,2})\s*ans?\s+(?:d'|minimum d'|au moins d')exp[ée]rience|exp[ée]rience\s+(confirm[ée]e|significative|solide|r[ée]ussie)`)
	expProfileRE = regexp.MustCompile(`(?i)(\d{1,2})\s*ans?\s+d'exp[ée]rience|exp[ée]rience\s+(?:de\s+)?(\d{1,2})\s*ans?`)
	yearRangeRE  = regexp.MustCompile(`\b((?:19|20)\d\d)\s*[-–—àa]+\s*((?:19|20)\d\d|aujourd'hui|ce jour|pr[ée]sent)`)
)

func experienceItem(a *Analyzed, od *doc) (Item, bool) {
	m := expOfferRE.FindStringSubmatchIndex(od.text)
	if m == nil {
		return Item{}, false
	}
	want := 3 // « confirmée », « significative »
	for _, g := range []int{2, 4} {
		if m[g] >= 0 {
			want, _ = strconv.Atoi(od.text[m[g]:m[g+1]])
		}
	}
	it := Item{Kind: KindExperience, Requirement: fmt.Sprintf("%d ans d'expérience", want), Required: true,
		OfferEvidence: od.sentence(m[0], m[1]), weight: weightExperience}
	have, evidence := a.experience, a.experienceFrom
	it.ProfileEvidence = evidence
	switch {
	case have == 0:
		it.Status, it.Note = Missing, "expérience non indiquée"
	case have >= float64(want):
		it.Status = Matched
	case have >= float64(want)/2:
		it.Status, it.Note = Partial, fmt.Sprintf("%.0f an(s)", have)
	default:
		it.Status, it.Note = Missing, fmt.Sprintf("%.0f an(s)", have)
	}
	return it, true
}

// profileExperience returns the years of experience a profile states (its
// field, « 5 ans d'expérience » in its text, or the years of its CV's
// periods) and the evidence.
func profileExperience(p *offres.Profile, pd *doc) (float64, string) {
	have, evidence := p.ExperienceYears, ""
	if pm := expProfileRE.FindStringSubmatchIndex(pd.text); pm != nil {
		for _, g := range []int{2, 4} {
			if pm[g] >= 0 {
				if n, _ := strconv.Atoi(pd.text[pm[g]:pm[g+1]]); float64(n) > have {
					have, evidence = float64(n), pd.sentence(pm[0], pm[1])
				}
			}
		}
	}
	if have == 0 { // years of the CV's periods, « 2018 – 2022 »
		years := 0
		for _, r := range yearRangeRE.FindAllStringSubmatch(pd.text, -1) {
			from, _ := strconv.Atoi(r[1])
			to, err := strconv.Atoi(r[2])
			if err != nil {
				to = 2026
			}
			if to >= from {
				years += to - from
			}
		}
		if years > 0 {
			have, evidence = float64(years), "périodes d'emploi du CV"
		}
	}
	return have, evidence
}

func communeItem(p *offres.Profile, pd *doc, o *offres.Offer) Item {
	c := o.Location.Commune
	it := Item{Kind: KindCommune, Requirement: "lieu de travail : " + c, OfferEvidence: c, Status: Unknown, weight: weightPlace}
	if c == "" {
		return it
	}
	wanted := p.Communes
	if len(wanted) == 0 {
		return it // the profile does not say where: not held against it
	}
	for _, w := range wanted {
		if wc, ok := offres.LookupCommune(w); ok && wc.Name == c {
			it.Status, it.ProfileEvidence = Matched, w
			return it
		}
	}
	it.Status, it.ProfileEvidence = Missing, strings.Join(wanted, ", ")
	return it
}

func contractItem(p *offres.Profile, o *offres.Offer) Item {
	label := offres.ContractLabels[o.ContractType]
	it := Item{Kind: KindContract, Requirement: "contrat : " + strings.ToLower(label), OfferEvidence: label, Status: Unknown, weight: weightPlace}
	if o.ContractType == "" || len(p.Contracts) == 0 {
		return it
	}
	for _, c := range p.Contracts {
		if c == o.ContractType {
			it.Status, it.ProfileEvidence = Matched, offres.ContractLabels[c]
			return it
		}
	}
	it.Status = Missing
	var labels []string
	for _, c := range p.Contracts {
		labels = append(labels, offres.ContractLabels[c])
	}
	it.ProfileEvidence = strings.Join(labels, ", ")
	return it
}
