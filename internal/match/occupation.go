package match

import (
	"cmp"
	"regexp"
	"slices"
	"strings"

	"offres/internal/offres"
)

// Occupation is a job of a profile in the ROME referential: a historic
// code, the detailed code of the appellation that named it, how sure the
// identification is (0–1) and what it was read from.
type Occupation struct {
	Code       string  `json:"code"`
	Specific   string  `json:"specific,omitempty"`
	Label      string  `json:"label"`
	Confidence float64 `json:"confidence"`
	// From quotes the profile: a job title, or « tâches décrites » when the
	// code was inferred from the tasks the profile describes.
	From string `json:"from"`
}

// inferredFrom is the From of a job inferred from the profile's tasks.
const inferredFrom = "tâches décrites"

// Thresholds of the identification of a profile's job.
const (
	// titleMinScore is the least score of an appellation a job title of
	// the profile must match for the appellation's code to be its job.
	titleMinScore = 0.85
	// lineTitleMinScore is the least score of the segment of a line that
	// makes it the line's job title: « Dessinateur-projeteur VRD » (0.77),
	// not « Ville de Nouméa » (0.39) nor « Sandra Lefèvre » (no match).
	lineTitleMinScore = 0.6
	// agreeMinScore is the least score of the appellation of a stated
	// title below titleMinScore that names the profile's job when the
	// tasks infer its family too: « Dessinateur-projeteur VRD » (F1104,
	// 0.77) beside plans of roads and networks, « Administrateur systèmes »
	// (M1801, 0.76) beside firewalls and servers. Either alone says too
	// little: the title taken whatever the tasks took the heldout set from
	// 0.782 to 0.717; below 0.7, a phrase of a « je cherche » message, « en
	// cybersécurité » (0.68, a developer's appellation), would agree by
	// chance. With it, nDCG@10 rose on the CVs from 0.836 to 0.839 (the
	// network engineer 0.688 → 0.760) and on the heldout CVs from 0.782 to
	// 0.800 (the VRD draughtsman 0.683 → 0.864), the codes set unchanged at
	// 0.800 (its cybersecurity message « analyste SOC », filed by ROME under
	// the developers, M1805, 0.864 → 0.801; its IT methods CV 0.202 →
	// 0.258; offres eval --match, 2026-12-07).
	agreeMinScore = 0.7
	// inferMinConfidence is the least share of the best inferred code among
	// the inferred ones for it to be taken for the profile's job.
	inferMinConfidence = 0.25
	// inferConfidenceFactor lowers the confidence of inferred codes: tasks
	// say less than a title.
	inferConfidenceFactor = 0.8
	maxProfileJobs        = 4
)

// segmentSep cuts a CV line into the parts that may be a job title:
// « Ripeur — Calédonienne de Services Publics (2019 – 2024) ».
var segmentSep = regexp.MustCompile(`\s[—–-]\s|[,:;(|]|\s+ou\s+|\bà\b`)

// seekingRE finds the job a « je cherche » message names.
var seekingRE = regexp.MustCompile(`(?i)(?:cherche|recherche|souhaite|candidate?)\s+(?:un|une)?\s*(?:poste|emploi|travail|job|contrat)?\s*(?:d[e'’]\s*|en\s+tant\s+que\s+|comme\s+)?([^.!\n]{3,80})`)

// identify returns the jobs of a profile: the appellations its job titles,
// short lines and sought job name, each scored by NormalizeTitle; when none
// does, the codes its text is closest to (InferCodes). It returns the job
// titles the profile states too: of each line (each job title, the sought
// job), the first segment that reads as a job title (lineTitleMinScore),
// whether or not the referential is sure enough of its job
// (titleMinScore). The segments after it name the employer or the place
// (« Chargée de formation, Direction des ressources humaines » is no DRH).
func (m *Matcher) identify(p *offres.Profile) ([]Occupation, []string) {
	var out []Occupation
	var titles []string
	var unsure []Occupation // the stated titles' jobs the referential is fairly sure of (agreeMinScore)
	add := func(o Occupation) {
		if i := slices.IndexFunc(out, func(x Occupation) bool { return x.Code == o.Code }); i >= 0 {
			out[i].Confidence = max(out[i].Confidence, o.Confidence)
			return
		}
		out = append(out, o)
	}
	for _, group := range titleSegments(p) {
		for _, seg := range group {
			ms := m.rome.NormalizeTitle(seg)
			if len(ms) == 0 || ms[0].Score < lineTitleMinScore {
				continue
			}
			titles = append(titles, seg)
			o := Occupation{Code: ms[0].Code, Specific: ms[0].Specific, Label: ms[0].Label, Confidence: min(1, ms[0].Score), From: seg}
			switch {
			case ms[0].Score >= titleMinScore:
				add(o)
			case ms[0].Score >= agreeMinScore:
				unsure = append(unsure, o)
			}
			break
		}
	}
	if len(out) == 0 {
		ms := m.rome.InferCodes(profileText(p), 5)
		for i, im := range ms {
			if i == 2 || im.Score < inferMinConfidence {
				break
			}
			// A stated title of that family: two readings agree.
			if i := slices.IndexFunc(unsure, func(u Occupation) bool { return u.Code == im.Code }); i >= 0 {
				add(unsure[i])
				continue
			}
			add(Occupation{Code: im.Code, Specific: im.Specific, Label: im.Label, Confidence: im.Score * inferConfidenceFactor, From: inferredFrom})
		}
	}
	slices.SortStableFunc(out, func(a, b Occupation) int { return cmp.Compare(b.Confidence, a.Confidence) })
	return out[:min(len(out), maxProfileJobs)], titles
}

// titleSegments are the parts of a profile that may name its job, by line:
// its job titles, the job a « je cherche » sentence names, and the segments
// of its lines that may hold a job title — a short line, or the head of a
// longer one before its colon (« 2014 – 2024 Gestionnaire paie, Mairie de
// Païta : paie de 350 agents… »), its dates left out. Lines of skills, tools,
// languages or diplomas name none: « Docker » there is a tool, not a
// docker; « BTS Assistant de gestion » a diploma, not a job held.
func titleSegments(p *offres.Profile) [][]string {
	var segs [][]string
	for _, t := range p.JobTitles {
		segs = append(segs, []string{t})
	}
	for _, m := range seekingRE.FindAllStringSubmatch(p.Text, 3) {
		segs = append(segs, splitSegments(m[1]))
	}
	for _, line := range strings.Split(p.Text, "\n") {
		line = strings.TrimSpace(line)
		if notTitlesRE.MatchString(line) || isTaskItem(line) {
			continue
		}
		line = datesRE.ReplaceAllString(bulletRE.ReplaceAllString(line, ""), "")
		if len([]rune(line)) > 100 {
			head, _, ok := strings.Cut(line, ":")
			if !ok || len([]rune(head)) > 100 {
				continue
			}
			line = head
		}
		if line != "" {
			segs = append(segs, splitSegments(line))
		}
	}
	return segs
}

// bulletRE finds the bullet a list item of a CV starts with.
var bulletRE = regexp.MustCompile(`^[-•*–—]\s*`)

// isTaskItem reports whether a CV line is an item of a list of tasks: a
// bulleted line that does not start with dates (« - Encadrement des caristes
// et des magasiniers » is a task of a logistics manager, no job held; « -
// 2019 – 2024 Magasinier, Sodical » is a job held). With it, nDCG@10 on the
// codes set rose from 0.796 to 0.800 (the tasks of an administrative
// manager, M1223, 0 → 0.411), the CVs unchanged (offres eval --match,
// 2026-12-07).
func isTaskItem(line string) bool {
	b := bulletRE.FindString(line)
	return b != "" && !datesRE.MatchString(line[len(b):])
}

// notTitlesRE finds the lines of a CV that list skills, tools, languages,
// diplomas or interests rather than jobs.
var notTitlesRE = regexp.MustCompile(`(?i)^[\s•*-]*(comp[ée]tences?|savoir[- ]faire|outils?|logiciels?|langues?|langages?|technologies|permis|formations?|dipl[oô]mes?|certifications?|centres? d'int[ée]r[eê]t|loisirs|qualit[ée]s|atouts|CAP|BEP|BTS|DUT|BUT|DEUG|licence|master|mast[eè]re|doctorat|bac(calaur[ée]at)?)\b`)

// datesRE finds the dates a CV line starts with: « 2014 – 2024 », « depuis
// 2019 : », « 03/2018 - aujourd'hui », « 2010 ».
var datesRE = regexp.MustCompile(`(?i)^(?:(?:depuis|de|du|en)\s+)?(?:(?:\d{1,2}/)?\d{4})(?:\s*(?:[–—-]|à|au)\s*(?:(?:\d{1,2}/)?\d{4}|aujourd'hui|aujourd’hui|pr[ée]sent|ce jour|auj\.?))?\s*[:,–—-]?\s*`)

func splitSegments(line string) []string {
	var out []string
	for _, s := range segmentSep.Split(line, -1) {
		if s = strings.Trim(s, " \t.-•*"); len([]rune(s)) >= 3 && len(strings.Fields(s)) <= 8 {
			out = append(out, s)
		}
	}
	return out
}

// Job agreement levels, best first.
const (
	agreeSame    = 3 // the offer's code is one of the profile's
	agreeFamily  = 2 // the same historic code: a job of the same family
	agreeRelated = 1 // a code the ROME's mobility links to one of the profile's
	agreeNone    = 0
)

// offerCodes are the codes of an offer — its source's and its
// occupations', and the code of the appellation its title names (tj) — and
// their historic codes (families). A source codes loosely: Place de l'emploi
// public gives « Gestionnaire budgétaire et comptable » the code of
// management control (M1204), the title says an accountant's job (M1203).
func (m *Matcher) offerCodes(o *offres.Offer, tj titleJob) (codes, families []string) {
	add := func(code, family string) {
		codes = append(codes, code)
		if family == "" {
			if info, ok := m.rome.Code(code); ok {
				family = info.Parent
			}
		}
		if family != "" {
			families = append(families, family)
		}
	}
	if o.RomeCode != "" {
		add(o.RomeCode, "")
	}
	for _, oc := range o.Occupations {
		add(oc.Code, oc.Family)
	}
	if len(codes) > 0 && len(tj.matches) > 0 && tj.matches[0].Score >= offerTitleJobMinScore {
		add(tj.matches[0].Specific, tj.matches[0].Code)
	}
	if len(codes) == 0 { // an offer not imported: its title's best appellations, as the import reads them
		for _, mt := range m.rome.NormalizeTitle(o.Title) {
			if mt.Score >= offerTitleMinScore {
				add(mt.Specific, mt.Code)
			}
		}
	}
	return codes, families
}

// offerTitleMinScore is the least score of an appellation that gives an
// offer without occupations its code (as rome.OfferOccupations does).
const offerTitleMinScore = 0.8

// offerTitleJobMinScore is the least score of the appellation of the job an
// offer's title names (jobTitle) for its code to be the offer's beside those
// of its source: « Gestionnaire budgétaire et comptable » is a « Gestionnaire
// comptable » at 0.73. With it, nDCG@10 rose on the CVs from 0.801 to 0.813
// and on the heldout CVs from 0.754 to 0.762, for 0.784 → 0.782 on the codes
// set (offres eval --match, 2026-12-07).
const offerTitleJobMinScore = 0.7

// agreement compares the profile's jobs with the offer's codes: the level,
// the profile's job and the offer's code that agree. The same code is the
// same job; so is the historic code of the profile's job (a source coding
// at that level, as France Travail does, or a title naming the family's
// own job, « Développeur informatique » for a « Développeur web »), unless
// the profile's detailed job sits in another ROME domain than its family
// (sameFamilyDomain): « Gestionnaire paie » (M1507, domain M15) is filed
// under the accountants (M1203, domain M12), and an accountant's offer is
// no payroll officer's. The same historic code otherwise is the same family
// of jobs (« développeur web » and « ingénieur d'études informatique »,
// M1805).
func (m *Matcher) agreement(jobs []Occupation, codes, families []string) (int, Occupation, string) {
	for _, j := range jobs {
		for _, c := range codes {
			if c == j.Specific || (c == j.Code && (j.Specific == "" || j.Specific == j.Code || (slices.Contains(families, c) && sameFamilyDomain(j)))) {
				return agreeSame, j, c
			}
		}
		// A job inferred from the tasks is known by its family only.
		if j.From == inferredFrom && slices.Contains(families, j.Code) {
			return agreeSame, j, j.Code
		}
	}
	for _, j := range jobs {
		if slices.Contains(families, j.Code) {
			return agreeFamily, j, j.Code
		}
	}
	for _, j := range jobs {
		for _, c := range append(slices.Clone(codes), families...) {
			if m.linked(j.Code, c) || m.linked(j.Specific, c) {
				return agreeRelated, j, c
			}
		}
	}
	return agreeNone, Occupation{}, ""
}

// sameFamilyDomain reports whether a job's detailed code is of the ROME
// domain (the code's first three characters) of its historic code: M1855
// « Développeur web » under M1805, not M1507 « Gestionnaire de paie » under
// M1203 « Comptable ».
func sameFamilyDomain(j Occupation) bool {
	return len(j.Specific) >= 3 && len(j.Code) >= 3 && j.Specific[:3] == j.Code[:3]
}

// sameDomain reports whether one of an offer's codes or families is of the
// ROME domain (« domaine professionnel », the code's first three
// characters: K21 « Formation initiale et continue ») of one of the
// profile's jobs or of their families: a teacher (K2106) and a
// pedagogical coordinator (K2102), an accountant (M1203) and a budget
// officer (M1204). A detailed code may sit in another domain than its
// family (« Gestionnaire de paie » M1507 in M1203), hence both.
func sameDomain(jobs []Occupation, codes, families []string) bool {
	for _, j := range jobs {
		for _, jc := range []string{j.Code, j.Specific} {
			for _, c := range append(slices.Clone(codes), families...) {
				if len(jc) >= 3 && len(c) >= 3 && jc[:3] == c[:3] {
					return true
				}
			}
		}
	}
	return false
}

// linked reports whether the ROME's mobility links a and b, either way.
func (m *Matcher) linked(a, b string) bool {
	ia, okA := m.rome.Code(a)
	ib, okB := m.rome.Code(b)
	return (okA && slices.Contains(ia.Mobility, b)) || (okB && slices.Contains(ib.Mobility, a))
}

// votedOccupation is the occupation of a family voted by the offers
// closest to a profile.
func (m *Matcher) votedOccupation(family string, share float64) Occupation {
	o := Occupation{Code: family, Specific: family, Confidence: share * inferConfidenceFactor, From: votedFrom}
	if m.rome != nil {
		if info, ok := m.rome.Code(family); ok {
			o.Label = info.Label
		}
	}
	return o
}
