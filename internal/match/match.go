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
	"cmp"
	"fmt"
	"math"
	"regexp"
	"slices"
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
	// strength ranks job matches: 3 the same job, 2 a related one.
	strength int
	// confidence is how sure the profile's job is (job items).
	confidence float64
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
	NormalizeTitle(title string) []rome.Match   // a job title's appellations, scored
	InferCodes(text string, k int) []rome.Match // the codes whose texts a CV's tasks are closest to
	Code(code string) (rome.CodeInfo, bool)     // a code's parent and mobility links
}

// Matcher compares profiles and offers.
type Matcher struct {
	rome     Taxonomy     // nil: lexicon and text only
	synonyms [][][]string // groups of phrases, each a list of stems
	byStem   map[string][]int
	// undated is how long an offer without a deadline is open after its
	// publication (offres.DefaultUndatedOpenDays when not positive).
	undated int
	// titleJobs caches what offers' titles say of their jobs (shared by
	// the copies WithUndatedOpenDays makes).
	titleJobs *titleJobs
}

// WithUndatedOpenDays returns a copy of m that judges an offer without a
// deadline open for days after its publication, as the search does
// (search.undated_open_days).
func (m *Matcher) WithUndatedOpenDays(days int) *Matcher {
	c := *m
	c.undated = days
	return &c
}

// status is the deadline status of o on today, with m's window for the
// offers without a deadline.
func (m *Matcher) status(o *offres.Offer, today offres.Date) offres.DeadlineStatus {
	st, _ := o.StatusAt(today, m.undated)
	return st
}

// New returns a matcher; tax may be nil.
func New(tax Taxonomy) *Matcher {
	m := &Matcher{rome: tax, byStem: map[string][]int{}, titleJobs: &titleJobs{m: map[string]titleJob{}}}
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
	p           *offres.Profile
	pd          *doc
	romeSkills  map[string]rome.SkillMatch // the profile's ROME competences and knowledge, by id; nil without ROME
	jobs        []jobCandidate             // its job titles and short lines, with their ROME codes
	occupations []Occupation               // its jobs as ROME codes, with a confidence
	titles      [][]string                 // the stems of the job titles it states (titleStems)
	// The ROME grand domains (a code's letter) of every reading of the job
	// titles it states, and the first of those titles.
	titleDomains map[byte]bool
	firstTitle   string
	size         int // significant words plus structured items
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
		var titles []string
		a.occupations, titles = m.identify(p)
		a.titles = titleStems(titles)
		a.titleDomains = map[byte]bool{}
		for _, t := range titles {
			for _, c := range append(m.rome.Codes(t), m.rome.ParentCodes(t)...) {
				a.titleDomains[c[0]] = true
			}
			if a.firstTitle == "" && len(a.titleDomains) > 0 {
				a.firstTitle = t
			}
		}
	}
	return a
}

// Occupations returns the jobs identified in an analysed profile, most
// confident first; none when its job could not be identified.
func (a *Analyzed) Occupations() []Occupation { return a.occupations }

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
	if it, ok := m.diplomaItem(a, o); ok {
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
	score, counts, ok := calibrated(items)
	if !ok {
		ex.Insufficient = true
		ex.Summary = "données insuffisantes : l'offre ne précise pas d'exigence comparable"
		return ex
	}
	ex.Score = &score
	ex.Summary = fmt.Sprintf("%d exigence(s) remplie(s), %d partiellement, %d manquante(s)", counts[Matched], counts[Partial], counts[Missing])
	switch m.status(o, today) {
	case offres.StatusClosed:
		ex.Summary += " ; offre clôturée"
	case offres.StatusExpired:
		ex.Summary += " ; offre expirée (publiée sans date limite il y a plus de " + fmt.Sprint(cmp.Or(max(m.undated, 0), offres.DefaultUndatedOpenDays)) + " jours)"
	}
	return ex
}

// Weights of the score: the job agreement and the share of the other
// requirements met; requirementPrior is the weight of the requirements an
// offer does not state, so that one requirement met is not 100 %.
const (
	jobShare         = 0.6
	requirementPrior = 2.0
	// noJobCeiling is the most an offer of another job (or any offer, for a
	// profile whose job is not identified) may score.
	noJobCeiling = 40
)

// calibrated is the score of the items (see docs/matching.md): J, the job
// agreement (the same code: 0.5 + confidence/2; a related code: half of
// that; otherwise 0), and R, the weighted share of the other requirements
// met (partial counts half) over their weight plus requirementPrior. The
// score is 100 × (0.6 J + 0.4 R) when the job agrees, 40 × R otherwise.
func calibrated(items []Item) (int, map[string]int, bool) {
	var got, total, job float64
	counts := map[string]int{}
	stated := false
	for _, it := range items {
		counts[it.Status]++
		if it.Kind == KindJob {
			job = jobAgreement(it)
			stated = stated || it.Status != Unknown
			continue
		}
		if it.Status == Unknown || it.weight == 0 {
			continue
		}
		stated = true
		total += it.weight
		switch it.Status {
		case Matched:
			got += it.weight
		case Partial:
			got += it.weight / 2
		}
	}
	if !stated {
		return 0, counts, false
	}
	r := got / (total + requirementPrior)
	if job == 0 {
		return int(math.Round(noJobCeiling * r)), counts, true
	}
	return int(math.Round(100 * (jobShare*job + (1-jobShare)*r))), counts, true
}

// jobAgreement is J of a job item.
func jobAgreement(it Item) float64 {
	j := 0.5 + it.confidence/2
	switch it.Status {
	case Matched:
		return j
	case Partial:
		return j / 2
	}
	return 0
}

// profileText is the text a profile is matched on: its CV and its
// structured items.
func profileText(p *offres.Profile) string {
	return strings.Join(append([]string{p.Text}, profileItems(p)...), "\n")
}

// profileItems are a profile's structured items: its job titles, skills
// and diplomas.
func profileItems(p *offres.Profile) []string {
	items := append(append([]string{}, p.JobTitles...), p.Skills...)
	for _, d := range p.Diplomas {
		items = append(items, d.Label)
	}
	return items
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
// phrase itself (without its parenthesised examples), a synonym of it or of
// a part of it, a technology named inside a longer word (« SQL » in
// « PostgreSQL »), all its words in one passage; partially, at least two of
// its meaningful words and half of them in one passage. One shared word is
// never evidence: « contrôle » does not meet « contrôle de gestion ».
func (m *Matcher) phrase(pd *doc, label string) Item {
	stems := requirementStems(parenRE.ReplaceAllString(label, ""))
	if len(stems) == 0 {
		stems = requirementStems(label)
	}
	if len(stems) == 0 {
		return Item{Status: Unknown}
	}
	if s, e, ok := pd.phrase(stems); ok {
		return Item{Status: Matched, ProfileEvidence: pd.sentence(s, e), Note: "mêmes mots"}
	}
	if len(stems) == 1 && len(stems[0]) >= 3 {
		for _, w := range pd.words {
			if len(w.stem) > len(stems[0]) && strings.HasSuffix(w.stem, stems[0]) {
				return Item{Status: Matched, ProfileEvidence: pd.sentence(w.start, w.end), Note: "technologie : " + pd.text[w.start:w.end]}
			}
		}
	}
	if it, ok := m.synonym(pd, stems); ok {
		return it
	}
	found, first, last := pd.window(stems, passageWords)
	switch {
	case len(stems) >= 2 && found == len(stems):
		return Item{Status: Matched, ProfileEvidence: pd.sentence(first, last), Note: "tous les mots dans un même passage"}
	case strong(stems, pd, first, last) >= 2 && 2*found >= len(stems):
		return Item{Status: Partial, ProfileEvidence: pd.sentence(first, last), Note: fmt.Sprintf("%d mot(s) sur %d dans un même passage", found, len(stems))}
	}
	return Item{Status: Missing}
}

// passageWords is the width of the passage a requirement's words must
// share.
const passageWords = 12

// synonym matches a synonym of the phrase or of a run of its words of the
// lexicon (« drehu » for « pratique d'une langue kanak »).
func (m *Matcher) synonym(pd *doc, stems []string) (Item, bool) {
	for n := len(stems); n >= 1; n-- {
		for i := 0; i+n <= len(stems); i++ {
			if n == 1 && len(stems) > 1 {
				return Item{}, false // one word of a longer requirement is not its synonym
			}
			for _, gi := range m.byStem[strings.Join(stems[i:i+n], " ")] {
				for _, alt := range m.synonyms[gi] {
					if s, e, ok := pd.phrase(alt); ok {
						return Item{Status: Matched, ProfileEvidence: pd.sentence(s, e), Note: "synonyme (lexique) : " + pd.text[s:e]}, true
					}
				}
			}
		}
	}
	return Item{}, false
}

// weakStems are words of requirements too common to count as evidence by
// themselves.
var weakStems = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`diplome etat service technique general professionnel public adulte
		controle conseil suivi demarche qualite outil gestion activite mise oeuvre projet`) {
		weakStems[stem(w)] = true
	}
}

// strong counts the stems found in [first, last) that are not weak.
func strong(stems []string, pd *doc, first, last int) int {
	n := 0
	for _, st := range stems {
		if weakStems[st] {
			continue
		}
		for _, i := range pd.index[st] {
			if pd.words[i].start >= first && pd.words[i].end <= last {
				n++
				break
			}
		}
	}
	return n
}

// requirementStems are the words of a requirement that carry meaning:
// those of significant, « gestion », « niveau » and the like kept (they
// make « contrôle de gestion » what it is).
func requirementStems(phrase string) []string {
	var out []string
	for _, w := range words(phrase) {
		if len(w.stem) >= 2 && (!stopWords[w.stem] || keptStems[w.stem]) {
			out = append(out, w.stem)
		}
	}
	return out
}

var keptStems = map[string]bool{stem("gestion"): true, stem("travail"): true, stem("equipe"): true, stem("poste"): true}

// job compares the profile's jobs with the offer's: the same ROME code,
// then a code the ROME's mobility links to, then the offer's title in the
// profile's words. A profile whose job is not identified leaves it unknown.
func (m *Matcher) job(a *Analyzed, o *offres.Offer) Item {
	tj := m.offerTitle(o.Title)
	title := tj.job
	it := Item{Kind: KindJob, Requirement: title, Required: true, OfferEvidence: o.Title, weight: weightJob, Status: Missing}
	if m.rome != nil && len(a.occupations) > 0 {
		codes, families := m.offerCodes(o, tj)
		level, j, code := m.agreement(a.occupations, codes, families)
		switch level {
		case agreeSame:
			it.Status, it.strength, it.confidence = Matched, agreeSame, j.Confidence
			it.ProfileEvidence, it.Note = j.From, "même métier (code ROME "+code+")"
			return it
		case agreeFamily:
			it.Status, it.strength, it.confidence = Matched, agreeFamily, j.Confidence
			it.ProfileEvidence, it.Note = j.From, "même famille de métiers (code ROME "+code+")"
			return it
		case agreeRelated:
			it.Status, it.strength, it.confidence = Partial, agreeRelated, j.Confidence
			it.ProfileEvidence, it.Note = j.From, "métier proche (mobilité ROME "+j.Code+" → "+code+")"
			return it
		}
	}
	// The loose codes of the profile's lines, when no job of it was
	// identified: once one is, a code another line shares with the offer's
	// title by chance (« Chef de projet informatique » and « Responsable de
	// communication », E1109 both) is no evidence.
	if m.rome != nil && len(a.occupations) == 0 {
		if c, code, strength, ok := m.sameTitleCode(a, title); ok {
			it.Status, it.strength, it.confidence = Matched, strength, 0.9
			it.ProfileEvidence, it.Note = c, "même métier (code ROME "+code+")"
			return it
		}
	}
	// A title of one word is a job only when the referential knows it as
	// one (« Ripeur »): « logistique » of « Référent domaine sap achats /
	// logistique » is a domain a CV mentions.
	if s, e, ok := titleInProfile(a.pd, title); ok && (m.rome == nil || len(significant(title)) > 1 || (len(tj.matches) > 0 && tj.matches[0].Score >= titleMinScore)) {
		it.Status, it.strength, it.confidence = Matched, agreeSame, 1
		it.ProfileEvidence, it.Note = a.pd.sentence(s, e), noteOfferTitle
		return it
	}
	if m.rome != nil && len(a.occupations) == 0 {
		it.Status, it.Note = Unknown, "métier du profil non identifié"
		if codes, families := m.offerCodes(o, tj); otherDomains(a.titleDomains, codes, families) {
			// The job the profile states is not sure enough to name, but
			// none of its readings is of the offer's domain.
			it.Status, it.ProfileEvidence, it.Note = Missing, a.firstTitle, "autre métier"
		}
	}
	return it
}

// noteOfferTitle is the note of a job requirement met by the offer's job
// title written in the profile.
const noteOfferTitle = "intitulé de l'offre"

// otherDomains reports whether an offer's codes are known and none is of
// the grand domains of the profile's stated titles (known too).
func otherDomains(domains map[byte]bool, codes, families []string) bool {
	if len(domains) == 0 || len(codes)+len(families) == 0 {
		return false
	}
	for _, c := range append(slices.Clone(codes), families...) {
		if c != "" && domains[c[0]] {
			return false
		}
	}
	return true
}

// sameTitleCode compares the ROME codes of the offer's title with those of
// the profile's job titles and short lines: the same detailed code (the
// same job, strength 3), then the same historic code (strength 2).
func (m *Matcher) sameTitleCode(a *Analyzed, title string) (string, string, int, bool) {
	same, family := m.rome.Codes(title), m.rome.ParentCodes(title)
	for _, c := range a.jobs {
		for _, code := range c.codes {
			if slices.Contains(same, code) {
				return c.text, code, agreeSame, true
			}
		}
	}
	for _, c := range a.jobs {
		for _, code := range c.parents {
			if slices.Contains(family, code) {
				return c.text, code, agreeFamily, true
			}
		}
	}
	return "", "", 0, false
}

// genericTitleWords are the words that alone do not name a job.
var genericTitleWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`agent technicien conseiller contractuel chef responsable adjoint charge gestionnaire
		assistant directeur employe operateur ouvrier expert ingenieur cadre attache vacataire stagiaire
		apprenti titulaire collaborateur coordinateur coordonnateur referent superviseur polyvalent
		etudes mission`) {
		genericTitleWords[stem(w)] = true
	}
}

// titleInProfile finds the offer's title in the profile, its words in a
// row; a title of one generic word (« Agent ») names no job.
func titleInProfile(pd *doc, title string) (int, int, bool) {
	stems := significant(title)
	if len(stems) == 0 || (len(stems) == 1 && genericTitleWords[stems[0]]) {
		return 0, 0, false
	}
	return pd.phrase(stems)
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

var (
	titleNoise = regexp.MustCompile(`(?i)\s*(\([^)]*\)|\bh\s*/\s*f\b|\bf\s*/\s*h\b)`)
	// genderPairRE is a word and its other gender: « Conseiller /
	// Conseillère », « Développeur/Développeuse ».
	genderPairRE = regexp.MustCompile(`(\p{L}+)\s*/\s*(\p{L}+)`)
	// titleSepRE separates the parts of a title: « SGAMI OUEST - Mécanicien
	// auto polyvalent », « Infirmier – médecine polyvalente ».
	titleSepRE = regexp.MustCompile(`\s+[–—-]\s+|\s*[/|]\s*|\s*:\s+`)
)

// jobTitle is the part of an offer's title that names its job: without
// its markers and parentheses, one form of each gendered pair, and, of the
// parts separated by dashes or slashes, the one closest to a job of the
// ROME (« SGAMI OUEST - Mécanicien auto polyvalent H/F » → « Mécanicien
// auto polyvalent »), or the first without the referential: never a
// fragment like « Conseiller » cut from « Conseiller / Conseillère en
// insertion professionnelle ».
func (m *Matcher) jobTitle(t string) string {
	t = titleNoise.ReplaceAllString(t, "")
	t = genderPairRE.ReplaceAllStringFunc(t, func(pair string) string {
		g := genderPairRE.FindStringSubmatch(pair)
		if samePrefix(g[1], g[2], 4) {
			return g[1]
		}
		return pair
	})
	parts := titleSepRE.Split(t, -1)
	if len(parts) == 1 { // one part: nothing to choose (Explain runs this for every candidate)
		return strings.Trim(t, " .,;-–—")
	}
	best, bestScore := "", -1.0
	for _, p := range parts {
		p = strings.Trim(p, " .,;-–—")
		if p == "" {
			continue
		}
		// The ROME's score; without a match, a part in capitals names an
		// organisation (« SGAMI OUEST »), and the longest part otherwise.
		score := -0.5 + 0.01*float64(min(len(significant(p)), 9))
		if p == strings.ToUpper(p) {
			score = -0.9
		}
		if m.rome != nil {
			if ms := m.rome.NormalizeTitle(p); len(ms) > 0 {
				score = ms[0].Score
			}
		}
		if score > bestScore {
			best, bestScore = p, score
		}
	}
	return strings.TrimSpace(best)
}

// samePrefix reports whether a and b start alike for n letters, accents
// and case aside.
func samePrefix(a, b string, n int) bool {
	fa, fb := []rune(stem(a)), []rune(stem(b))
	return len(fa) >= n && len(fb) >= n && string(fa[:n]) == string(fb[:n])
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
		{regexp.MustCompile(`(?i)\bbaccalaur[ée]at\b|\b(?:[Bb]ac|BAC)\b(?:\s+(?:pro|professionnel|g[ée]n[ée]ral|technologique|S|ES|L|STMG|STI2D|ST2S)\b)?`), 0},
		{regexp.MustCompile(`\b(CAP|BEP)\b`), -1}, // in capitals: « le cap défini » is no diploma
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
		for _, m := range d.re.FindAllStringIndex(text, -1) {
			if !noiseDiploma(text, m[0], m[1]) && better(d.level) {
				best, bs, be, found = d.level, m[0], m[1], true
				break
			}
		}
	}
	return best, bs, be, found
}

// nameAfterRE is a capitalised word right after a diploma's name: « BAC
// Réunion » is an agency, not a baccalauréat.
var nameAfterRE = regexp.MustCompile(`^\s+\p{Lu}\p{Ll}+`)

// noiseDiploma reports whether the diploma name at [s, e) of text is a
// proper name's (« BAC Réunion »); « le cap » in lower case is not read
// as a CAP at all (diplomaREs).
func noiseDiploma(text string, s, e int) bool {
	name := text[s:e]
	if strings.EqualFold(name, "bac") && nameAfterRE.MatchString(text[e:]) {
		return true
	}
	return false
}

// minimumByCategory is the diploma level a category of the public service
// asks of external candidates, when the offer says no more.
var minimumByCategory = map[string]int{"A": 3, "B": 0, "C": -1}

func (m *Matcher) diplomaItem(a *Analyzed, o *offres.Offer) (Item, bool) {
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
	fieldText, field := diplomaField(pt.text, we)
	switch {
	case !found:
		it.Status, it.Note = Missing, "aucun diplôme indiqué"
	case want <= 0 && len(field) > 0 && !m.sameTrade(a, fieldText, field):
		// « CAP espaces verts »: a trade's diploma, met by a diploma of
		// that trade, not by any diploma of that level (a BTS SIO does
		// not meet it).
		it.Status, it.Note = Missing, "diplôme d'une autre spécialité"
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

// fieldEndRE ends the specialty of a diploma: punctuation, « ou », « et »,
// « minimum », « exigé »…
var fieldEndRE = regexp.MustCompile(`(?i)[.,;:()\n]|\s(ou|et|minimum|exig|souhait|requis|obligatoire|apprécié|serait|avec|dans|d'un|d'une|de niveau)\b`)

// genericFieldStems are the words after a diploma's name that name no
// trade: « CAP ou équivalent », « BTS minimum », « bac professionnel ».
var genericFieldStems = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`equivalent niveau domaine filiere specialite option type mention diplome titre
		professionnel pro general technologique superieur etat minimum exige souhaite requis obligatoire
		apprecie serait plus`) {
		genericFieldStems[stem(w)] = true
	}
}

// sameTrade reports whether a trade (« espaces verts ») is the profile's:
// the specialty of one of its diplomas shares a word with it or names a
// job of the same ROME family (« CAP Jardinier paysagiste »), or one of its
// jobs is of that family. The rest of the profile's text does not count.
func (m *Matcher) sameTrade(a *Analyzed, field string, stems []string) bool {
	var want []string
	if m.rome != nil {
		want = m.rome.ParentCodes(field)
		want = want[:min(len(want), 3)]
	}
	for _, o := range a.occupations {
		if slices.Contains(want, o.Code) {
			return true
		}
	}
	for _, d := range diplomaREs {
		for _, loc := range d.re.FindAllStringIndex(a.pd.text, 8) {
			raw, have := diplomaField(a.pd.text, loc[1])
			if len(have) == 0 {
				continue
			}
			if slices.ContainsFunc(have, func(s string) bool { return slices.Contains(stems, s) }) {
				return true
			}
			if m.rome != nil && slices.ContainsFunc(m.rome.ParentCodes(raw), func(c string) bool { return slices.Contains(want, c) }) {
				return true
			}
		}
	}
	return false
}

// diplomaField returns the specialty a text names right after a diploma
// ending at end: its words and their stems (« CAP espaces verts » →
// « espaces verts », espac, vert); no stem when it names none.
func diplomaField(text string, end int) (string, []string) {
	if end <= 0 || end > len(text) {
		return "", nil
	}
	rest := text[end:]
	if loc := fieldEndRE.FindStringIndex(rest); loc != nil {
		rest = rest[:loc[0]]
	}
	var out []string
	for _, st := range significant(rest) {
		if !genericFieldStems[st] && len(out) < 4 {
			out = append(out, st)
		}
	}
	return strings.TrimSpace(rest), out
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

// optionalRE marks a sentence that wishes rather than requires.
var optionalRE = regexp.MustCompile(`(?i)serait un (plus|atout)|est un (plus|atout)|appréci[ée]e?|souhait[ée]e?|non obligatoire|idéalement|de préférence`)

func experienceItem(a *Analyzed, od *doc) (Item, bool) {
	m := expOfferRE.FindStringSubmatchIndex(od.text)
	if m == nil {
		return Item{}, false
	}
	if optionalRE.MatchString(od.sentence(m[0], m[1])) {
		return Item{}, false // « une expérience … serait un plus »: not a requirement
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
