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
	// titleMinScore is the least score of an appellation a segment of the
	// profile must match to be taken for a job title.
	titleMinScore = 0.85
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
// does, the codes its text is closest to (InferCodes).
func (m *Matcher) identify(p *offres.Profile) []Occupation {
	var out []Occupation
	add := func(o Occupation) {
		if i := slices.IndexFunc(out, func(x Occupation) bool { return x.Code == o.Code }); i >= 0 {
			out[i].Confidence = max(out[i].Confidence, o.Confidence)
			return
		}
		out = append(out, o)
	}
	for _, seg := range titleSegments(p) {
		ms := m.rome.NormalizeTitle(seg)
		if len(ms) == 0 || ms[0].Score < titleMinScore {
			continue
		}
		add(Occupation{Code: ms[0].Code, Specific: ms[0].Specific, Label: ms[0].Label, Confidence: min(1, ms[0].Score), From: seg})
	}
	if len(out) == 0 {
		ms := m.rome.InferCodes(profileText(p), 5)
		for i, im := range ms {
			if i == 2 || im.Score < inferMinConfidence {
				break
			}
			add(Occupation{Code: im.Code, Specific: im.Specific, Label: im.Label, Confidence: im.Score * inferConfidenceFactor, From: inferredFrom})
		}
	}
	slices.SortStableFunc(out, func(a, b Occupation) int { return cmp.Compare(b.Confidence, a.Confidence) })
	return out[:min(len(out), maxProfileJobs)]
}

// titleSegments are the parts of a profile that may name its job: its job
// titles, the job a « je cherche » sentence names, and the segments of its
// short lines.
func titleSegments(p *offres.Profile) []string {
	segs := append([]string(nil), p.JobTitles...)
	for _, m := range seekingRE.FindAllStringSubmatch(p.Text, 3) {
		segs = append(segs, splitSegments(m[1])...)
	}
	for _, line := range strings.Split(p.Text, "\n") {
		if line = strings.TrimSpace(line); line != "" && len([]rune(line)) <= 100 {
			segs = append(segs, splitSegments(line)...)
		}
	}
	return segs
}

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
	agreeRelated = 2 // a code the ROME's mobility links to one of the profile's
	agreeNone    = 0
)

// offerCodes are the codes of an offer: its source's, the historic code of
// that, and its occupations.
func (m *Matcher) offerCodes(o *offres.Offer) []string {
	var codes []string
	if o.RomeCode != "" {
		codes = append(codes, o.RomeCode)
		if info, ok := m.rome.Code(o.RomeCode); ok && info.Parent != o.RomeCode {
			codes = append(codes, info.Parent)
		}
	}
	for _, oc := range o.Occupations {
		codes = append(codes, oc.Code)
	}
	if len(codes) == 0 { // an offer not imported: its title's best appellations
		for _, mt := range m.rome.NormalizeTitle(cleanTitle(o.Title)) {
			if mt.Score >= offerTitleMinScore {
				codes = append(codes, mt.Code, mt.Specific)
			}
		}
	}
	return codes
}

// offerTitleMinScore is the least score of an appellation that gives an
// offer without occupations its code (as rome.OfferOccupations does).
const offerTitleMinScore = 0.8

// agreement compares the profile's jobs with the offer's codes: the level,
// the profile's job and the offer's code that agree.
func (m *Matcher) agreement(jobs []Occupation, codes []string) (int, Occupation, string) {
	for _, j := range jobs {
		for _, c := range codes {
			if c == j.Code || c == j.Specific {
				return agreeSame, j, c
			}
		}
	}
	for _, j := range jobs {
		for _, c := range codes {
			if m.linked(j.Code, c) || m.linked(j.Specific, c) {
				return agreeRelated, j, c
			}
		}
	}
	return agreeNone, Occupation{}, ""
}

// linked reports whether the ROME's mobility links a and b, either way.
func (m *Matcher) linked(a, b string) bool {
	ia, okA := m.rome.Code(a)
	ib, okB := m.rome.Code(b)
	return (okA && slices.Contains(ia.Mobility, b)) || (okB && slices.Contains(ib.Mobility, a))
}
