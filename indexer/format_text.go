package indexer

import (
	"io"
	"regexp"
	"strconv"
	"strings"

	"offres/internal/offres"
)

// parseText reads a French plain-text or Markdown posting.
func parseText(e *emitter, r io.Reader) error {
	doc, ok, err := e.readDocument(r)
	if !ok {
		return err
	}
	return e.offer(e.name, parseTextPosting(doc))
}

// parseTextPosting reads a posting laid out as the Province Sud publishes
// them: a title, header lines « Clé : valeur » (reference, employer, corps,
// direction, place, residence, dates), then sections under "# Heading" or
// « Heading : » lines. A truncated posting gives what it holds.
func parseTextPosting(doc string) offres.Offer {
	p := &textPosting{o: offres.Offer{Source: string(FormatText)}}
	for line := range strings.SplitSeq(cleanText(doc), "\n") {
		p.line(stripMarkdown(line))
	}
	return p.finish()
}

// textPosting is the state of parseTextPosting.
type textPosting struct {
	o            offres.Offer
	titled       bool             // the title line has been read
	inBody       bool             // a section heading has been read
	inDetails    bool             // inside « Détails de l'offre »
	header       []string         // header lines, the description of last resort
	prose        []string         // header lines that are running text
	intro        []string         // body text outside any section
	details      []string         // « Détails de l'offre » text
	sections     []*sectionLines  // sections of the body
	extras       []*sectionLines  // sections made of header lines (« Contact : … »)
	employerHint string           // an upper-case header line (« PROVINCE SUD »)
	dated        [fieldCount]bool // date fields already read
	residence    bool             // the residence field has been read
	// more continues the value of the last header field with a wrapped line;
	// nil when the last header line is not a field. moreAny: the value was
	// empty, so any next line continues it, not only one in lower case.
	// wrapped counts the lines that continued it.
	more    func(string)
	moreAny bool
	wrapped int
}

// maxWrapped bounds the lines a header value may wrap onto.
const maxWrapped = 3

// line reads the next line of the posting.
func (p *textPosting) line(line string) {
	if line == "" {
		p.appendText("")
		return
	}
	heading, isHeading := strings.CutPrefix(line, "#")
	heading = strings.TrimSpace(strings.TrimLeft(heading, "#"))
	switch {
	case !p.titled:
		p.titleLine(line, heading, isHeading)
	case isHeading && p.inBody:
		// In the body a heading starts its section, even one named like a
		// header field (« # Rémunération : »), which would otherwise fold
		// into the section before it.
		p.bodyField(heading)
		p.startSection(heading)
	case isHeading && !p.headerField(heading):
		p.startSection(heading)
	case !isHeading && (p.isColonHeading(line) || p.isBareHeading(line)):
		p.startSection(line)
	case !p.inBody:
		p.headerLine(line)
	default:
		p.bodyField(line)
		p.appendText(line)
	}
}

// titleLine reads the first line: the title, unless it is already a header
// field (« Intitulé du poste : … », « Référence : … »).
func (p *textPosting) titleLine(line, heading string, isHeading bool) {
	if !isHeading && p.headerField(line) {
		p.titled = p.o.Title != ""
		return
	}
	if isHeading {
		line = heading
	}
	p.o.Title = strings.TrimRight(line, " :")
	p.titled = true
}

// isBareHeading recognises a short line that names a section without a
// colon (« MISSIONS », « Profil recherché »), but not a « Direction … » or
// « Service … » line of the header.
func (p *textPosting) isBareHeading(line string) bool {
	if !bareHeading(line) {
		return false
	}
	key := offres.FoldKey(line)
	return !strings.HasPrefix(key, "direction ") && !strings.HasPrefix(key, "service ")
}

// isColonHeading recognises « Missions : » and other short lines ending
// with a colon, when they do not name a header field.
func (p *textPosting) isColonHeading(line string) bool {
	h, ok := strings.CutSuffix(line, ":")
	if !ok || strings.HasPrefix(line, "- ") || strings.Contains(h, ":") || !isHeadingText(h, maxHeadingWords) {
		return false
	}
	return keyField(h) == fieldNone || p.inBody
}

// headerField reads a « Clé : valeur » line of a known field. It reports
// false for other lines.
func (p *textPosting) headerField(line string) bool {
	key, value, ok := keyValue(trimBullet(line))
	if !ok {
		return false
	}
	f := keyField(key)
	if f == fieldNone {
		return false
	}
	p.header = append(p.header, line)
	p.more, p.moreAny, p.wrapped = nil, value == "", 0
	p.setField(f, key, value, false)
	return true
}

// bodyField fills, from a « Clé : valeur » line of the body, a field the
// header left empty (a deadline given at the end).
func (p *textPosting) bodyField(line string) {
	key, value, ok := keyValue(trimBullet(line))
	if !ok {
		return
	}
	switch f := keyField(key); f {
	case fieldTitle, fieldDirection, fieldRemuneration, fieldContact, fieldNone:
	default:
		p.setField(f, key, value, true)
	}
}

// setField stores a field value; onlyEmpty keeps values already read.
func (p *textPosting) setField(f field, key, value string, onlyEmpty bool) {
	o := &p.o
	switch f {
	case fieldTitle:
		setText(&o.Title, value, true)
	case fieldRef:
		p.setReference(value, onlyEmpty)
	case fieldEmployer:
		p.more = setText(&o.Employer, value, onlyEmpty)
	case fieldDirection:
		p.more = setText(&o.Direction, value, onlyEmpty || strings.HasPrefix(offres.FoldKey(key), "service"))
	case fieldCadre:
		p.more = setText(&o.CadreEmploi, value, onlyEmpty)
	case fieldCategory:
		setText(&o.Category, value, onlyEmpty)
	case fieldCommune:
		commune, detail := communeDetail(value)
		p.more = setText(&o.Location.Commune, commune, onlyEmpty)
		if detail != "" && o.Direction == "" {
			o.Direction = detail // « Le Mont-Dore (centre technique municipal) »
		}
	case fieldResidence:
		if n, ok := ResidenceYears(key + " : " + value); ok && !(onlyEmpty && p.residence) {
			o.ResidenceYears, p.residence = n, true
		}
	case fieldPublished, fieldDeadline, fieldStart:
		p.setDate(f, value, onlyEmpty)
	case fieldContract:
		if c := ContractTypeOf(value); c != "" && (!onlyEmpty || o.ContractType == "") {
			o.ContractType = c
		}
		if len(strings.Fields(value)) > 1 && !onlyEmpty {
			p.setExtraKind(offres.SectionConditions, key, value) // its duration: « CDD de 6 mois »
		}
	case fieldPosts:
		if n, err := strconv.Atoi(strings.Fields(value + " x")[0]); err == nil && n > 0 && n <= offres.MaxPosts {
			o.Posts = n
		}
	case fieldRemuneration, fieldContact:
		p.setExtra(f, key, value)
	}
}

// setText stores value in *dst unless onlyEmpty and *dst is set. When it
// stored, it returns the function that continues the value with a wrapped
// line.
func setText(dst *string, value string, onlyEmpty bool) func(string) {
	if onlyEmpty && *dst != "" {
		return nil
	}
	*dst = value
	return func(more string) { *dst = joinNonEmpty(" ", *dst, more) }
}

// referenceDateRE splits « 3134-25-0308/SR du 14 février 2025 ».
var referenceDateRE = regexp.MustCompile(`^(.*?)\s+(?:en date )?du\s+(.*)$`)

// setReference reads « 3134-25-0308/SR du 14 février 2025 »: the id, and
// the publication date when none was read.
func (p *textPosting) setReference(value string, onlyEmpty bool) {
	if onlyEmpty && p.o.ID != "" {
		return
	}
	id := value
	if m := referenceDateRE.FindStringSubmatch(value); m != nil {
		id = m[1]
		if d, ok := ParseFrenchDate(m[2]); ok && p.o.PublishedAt.IsZero() {
			p.o.PublishedAt = d
		}
	}
	p.o.ID = id
}

// maxDateValue bounds the text searched for a date in a date field.
const maxDateValue = 200

var asapRE = regexp.MustCompile(`\b(des que possible|immediatement|asap|au plus tot|immediat)\b`)

// setDate reads a date field. The publication date of the reference line
// yields to an explicit « Date de dépôt ».
func (p *textPosting) setDate(f field, value string, onlyEmpty bool) {
	if onlyEmpty && p.dated[f] {
		return
	}
	if len(value) > maxDateValue {
		value = value[:maxDateValue]
	}
	if f == fieldStart && asapRE.MatchString(offres.Fold(value)) {
		p.dated[f] = true
		return
	}
	d, ok := ParseFrenchDate(value)
	if !ok {
		return
	}
	p.dated[f] = true
	switch f {
	case fieldPublished:
		p.o.PublishedAt = d
	case fieldDeadline:
		p.o.Deadline = d
	case fieldStart:
		p.o.StartDate = d
	}
}

// setExtra keeps « Rémunération : … » and « Contact : … » header lines as
// sections.
func (p *textPosting) setExtra(f field, key, value string) {
	kind := offres.SectionRemuneration
	if f == fieldContact {
		kind = offres.SectionContact
	}
	p.setExtraKind(kind, key, value)
}

// communeDetailRE splits « Le Mont-Dore (centre technique municipal) ».
var communeDetailRE = regexp.MustCompile(`^([^(]+?)\s*\(([^)]*)\)\s*$`)

// communeDetail splits a place into its commune and the detail in
// brackets after it, which is not part of the commune's name.
func communeDetail(place string) (commune, detail string) {
	if m := communeDetailRE.FindStringSubmatch(strings.TrimSpace(place)); m != nil {
		return m[1], strings.TrimSpace(m[2])
	}
	return place, ""
}

// setExtraKind keeps a header line as a section of the kind.
func (p *textPosting) setExtraKind(kind offres.SectionKind, key, value string) {
	s := newSectionLines(kind, key, value)
	p.extras = append(p.extras, s)
	p.more = s.add
}

// headerLine reads a header line that is not a known « Clé : valeur »: a
// « Direction … » or « Service … » line, the wrapped end of the previous
// value (it starts in lower case), an upper-case line naming the employer.
func (p *textPosting) headerLine(line string) {
	if p.headerField(line) {
		return
	}
	p.header = append(p.header, line)
	key := offres.FoldKey(line)
	switch {
	case strings.HasPrefix(key, "direction "), strings.HasPrefix(key, "service "):
		if p.o.Direction == "" || strings.HasPrefix(key, "direction ") && strings.HasPrefix(offres.FoldKey(p.o.Direction), "service ") {
			p.o.Direction = line
		}
		return // a wrapped value may go on after the direction line
	case p.more != nil && (p.moreAny || firstLower(line)) && p.wrapped < maxWrapped:
		p.more(line)
		p.moreAny = false
		p.wrapped++
		return
	case strings.ToUpper(line) == line && firstUpper(line) && p.employerHint == "":
		p.employerHint = line
	default:
		p.prose = append(p.prose, line)
	}
	p.more = nil
}

// trimBullet removes the list marker of a line: « - Référence : … ».
func trimBullet(line string) string {
	for _, b := range []string{"- ", "* ", "• "} {
		if rest, ok := strings.CutPrefix(line, b); ok {
			return strings.TrimSpace(rest)
		}
	}
	return line
}

// detailsRE names the sections that describe the offer as a whole: their
// text is the description.
var detailsRE = regexp.MustCompile(`^(details? de l offre|description de l offre|descriptif de l offre|` +
	`presentation|contexte|l offre)\b`)

// numberedRE matches numbered sub-headings: « 1/ Pilotage … », « 2) … »,
// « II - … », « a. … ».
var numberedRE = regexp.MustCompile(`^(\d{1,2}|[ivxIVX]{1,4}|[a-zA-Z])\s*[/.)°-]\s*\S`)

// startSection opens the section a heading names. Numbered sub-headings, and
// headings of the kind of the current section, go on in that section as
// lines of its text.
func (p *textPosting) startSection(heading string) {
	p.inBody, p.more = true, nil
	title := strings.TrimSpace(strings.TrimSuffix(heading, ":"))
	if title == "" {
		return
	}
	if detailsRE.MatchString(offres.FoldKey(title)) {
		p.inDetails = true
		return
	}
	kind, text := SectionKindOf(title), ""
	if key, value, ok := keyValue(title); ok && value != "" {
		title, text, kind = key, value, SectionKindOf(key)
	}
	cur := p.current()
	p.inDetails = false
	if cur != nil && (numberedRE.MatchString(title) || kind == cur.kind && kind != offres.SectionOther) {
		cur.add(heading)
		return
	}
	p.sections = append(p.sections, newSectionLines(kind, title, text))
}

// current returns the section the body text goes to, or nil.
func (p *textPosting) current() *sectionLines {
	if p.inDetails || !p.inBody || len(p.sections) == 0 {
		return nil
	}
	return p.sections[len(p.sections)-1]
}

// appendText adds a line of running text where the body is at: the
// description, the current section, or the text before the first section.
func (p *textPosting) appendText(line string) {
	switch cur := p.current(); {
	case !p.inBody:
		return
	case p.inDetails:
		p.details = append(p.details, line)
	case cur != nil:
		cur.add(line)
	default:
		p.intro = append(p.intro, line)
	}
}

// finish assembles the offer. The description is « Détails de l'offre », or
// the text before the first section, or for lack of anything else (a
// posting cut in its header) the header lines themselves.
func (p *textPosting) finish() offres.Offer {
	o := p.o
	o.Sections = buildSections(append(p.sections, p.extras...))
	if o.Employer == "" {
		o.Employer = titleCase(p.employerHint)
	}
	o.Description = firstNonEmpty(strings.Join(p.details, "\n"), strings.Join(p.intro, "\n"),
		strings.Join(p.prose, "\n"))
	if o.Description == "" && len(o.Sections) == 0 {
		o.Description = strings.Join(p.header, "\n")
	}
	if o.Deadline.IsZero() {
		o.Deadline = deadlineInText(o.FullText())
	}
	if !p.residence {
		if n, ok := ResidenceYears(strings.Join(p.header, "\n") + "\n" + o.FullText()); ok {
			o.ResidenceYears = n
		}
	}
	return o
}

// deadlineInTextRE finds a deadline written in running text: « les
// candidatures sont à adresser avant le vendredi 11 décembre 2026 ».
var deadlineInTextRE = regexp.MustCompile(`(?i)candidat[^.\n]{0,80}?\b(avant le|au plus tard le|jusqu'au|d'ici le)\s+([^.\n]{6,40})`)

// deadlineInText returns the deadline a posting gives only in its text,
// or the zero date.
func deadlineInText(text string) offres.Date {
	for _, m := range deadlineInTextRE.FindAllStringSubmatch(text, 3) {
		if d, ok := ParseFrenchDate(m[2]); ok && !d.MonthOnly() {
			return d
		}
	}
	return offres.Date{}
}
