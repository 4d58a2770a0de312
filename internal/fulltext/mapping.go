package fulltext

import (
	"cmp"
	"fmt"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"offres/internal/offres"
)

// schemaVersion identifies the mapping and the analysis chain. An index
// written with another version is reported as ErrCorrupt so that the caller
// rebuilds it. Bump it with any change to the mapping, the analyzer or the
// document layout.
const schemaVersion = "offres-fulltext-3" // 2: no term vectors on the body; 3: occupations

// Field names. The stored keyword fields of the facets (commune, category,
// contract_type, employer, direction) carry the names of offres.FacetNames.
const (
	// Analyzed text, searched with query-time boosts.
	fieldTitle  = "title"  // stored, term vectors: highlighted
	fieldSkills = "skills" // stored, term vectors: highlighted
	fieldText   = "text"   // description and sections; stored, term vectors: highlighted
	fieldMeta   = "meta"   // employer, direction, cadre d'emploi, commune, contract, id

	// Keywords.
	fieldIDKey = "id_key" // offres.FoldKey of the id, for the exact reference search
	// fieldRome holds, stored, each occupation of the offer as its code, a
	// space and its label; fieldRomeKey the folded codes, for the rome
	// filter and the clause of the occupations a query names.
	fieldRome       = offres.FacetRome
	fieldRomeKey    = offres.FacetRome + keySuffix
	fieldRomeFamily = "rome_family" // the historic codes, the detailed ones' families
	fieldKind       = "kind"        // kindOffer on every offer, to tell them from synonym definitions
	keySuffix       = "_key"        // facet field + keySuffix: offres.FoldKey of the value, for filters

	// fieldDeadlineNum is the effective deadline as a number of days (see
	// keyNumber), indexed for the deadline filters: numeric range queries
	// read a few dozen terms where a range of day keys reads one term per
	// distinct day.
	fieldDeadlineNum = "deadline_n"
	// fieldPublishedNum is the publication day as a number (keyNumber),
	// noDeadline when unknown, for the window of the offers without a
	// deadline: they expire that many days after their publication.
	fieldPublishedNum = "published_n"

	// fieldDocValues holds, with doc values, all that sorting and facet
	// counting read from each matching offer, as terms of one field: one
	// doc-values visit per offer instead of one per facet and date (about
	// a third faster on a search that matches most offers):
	//
	//	deadlinePrefix + deadline day + inverted publication day
	//	publishedPrefix + publication day + inverted deadline day
	//	facetPrefix + facet name + facetSep + value, for each facet of the
	//	offer, the deadline day standing for the deadline_status facet
	//
	// Days are dayKeys, the deadline is the effective one (noDeadline when
	// unknown), an unknown publication day is noDay, and inverted(d) =
	// 99999999 - d. deadlinePrefix sorts before and publishedPrefix after
	// any other term, so that the smallest term of an offer orders it by
	// deadline then by publication, newest first, and the largest by
	// publication (newest first, when descending) then by deadline. bleve
	// visits a field once per sort key: two keys on fieldDocValues would
	// count the facets twice, hence the composite terms. The facet request
	// only counts the terms with facetPrefix.
	fieldDocValues  = "dv"
	deadlinePrefix  = "\x01"
	facetPrefix     = "\x10"
	publishedPrefix = "\x7f"
	facetSep        = "\x1f"

	// Stored only, for hits.
	fieldDeadline  = "deadline"     // offres.Date.String()
	fieldPublished = "published_at" // offres.Date.String()
)

const kindOffer = "offer"

// noDeadline is the deadline day of an offer without a deadline: after any
// real date, so that deadline order puts such offers last and "not closed"
// is one range query.
const noDeadline = "99999999"

// noDay is the publication day of an offer without one: before any real
// date.
const noDay = "00000000"

// textField is an analyzed field with its query-time boost.
type textField struct {
	name  string
	boost float64
}

// Field boosts: a match in the title weighs most, then skills, then the
// employer and direction, then the body.
var textFields = []textField{
	{fieldTitle, 4},
	{fieldSkills, 2},
	{fieldMeta, 1.5},
	{fieldText, 1},
}

// shortFields are the text fields but the body.
var shortFields = textFields[:3]

// highlightFields are the fields whose matches are shown in Hit.Highlights.
var highlightFields = []string{fieldTitle, fieldSkills, fieldText}

// termFacets are the facets counted on keyword values, in the order of
// the values in document.
var termFacets = []string{offres.FacetCommune, offres.FacetCategory, offres.FacetContract, offres.FacetEmployer, offres.FacetDirection}

// newMapping returns the index mapping: a static mapping (no dynamic
// fields, no _all field), BM25 scoring, the French analyzer and the synonym
// source on the text fields.
func newMapping() (*mapping.IndexMappingImpl, error) {
	im := mapping.NewIndexMapping()
	im.ScoringModel = index.BM25Scoring
	im.DefaultAnalyzer = analyzerName
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	err := im.AddSynonymSource(synonymSource, map[string]any{
		"collection": synonymCollection,
		"analyzer":   analyzerName,
	})
	if err != nil {
		return nil, fmt.Errorf("synonym source: %w", err)
	}

	doc := mapping.NewDocumentStaticMapping()
	doc.AddSubDocumentMapping("_all", mapping.NewDocumentDisabledMapping())

	for _, f := range textFields {
		fm := &mapping.FieldMapping{
			Type:     "text",
			Analyzer: analyzerName,
			Index:    true,
			Store:    f.name != fieldMeta, // meta is not highlighted
			// Term vectors serve phrase queries (multi-word synonyms, on the
			// short fields) and highlights. The body has none: they were a
			// quarter of the indexing time (cmd/offres-bench), and its
			// highlights are found by analyzing the page's hits (bodyLocations).
			IncludeTermVectors: f.name != fieldText,
			SynonymSource:      synonymSource,
		}
		doc.AddFieldMappingsAt(f.name, fm)
	}
	for _, name := range termFacets {
		doc.AddFieldMappingsAt(name, &mapping.FieldMapping{Type: "text", Analyzer: keyword.Name, Store: true})
		doc.AddFieldMappingsAt(name+keySuffix, keywordField(false, false))
	}
	doc.AddFieldMappingsAt(fieldDocValues, keywordField(false, true))
	doc.AddFieldMappingsAt(fieldDeadlineNum, &mapping.FieldMapping{Type: "number", Index: true})
	doc.AddFieldMappingsAt(fieldPublishedNum, &mapping.FieldMapping{Type: "number", Index: true})
	doc.AddFieldMappingsAt(fieldIDKey, keywordField(false, false))
	doc.AddFieldMappingsAt(fieldRome, &mapping.FieldMapping{Type: "text", Analyzer: keyword.Name, Store: true})
	doc.AddFieldMappingsAt(fieldRomeKey, keywordField(false, false))
	doc.AddFieldMappingsAt(fieldRomeFamily, keywordField(false, false))
	doc.AddFieldMappingsAt(fieldKind, keywordField(false, false))
	for _, name := range []string{fieldDeadline, fieldPublished} {
		doc.AddFieldMappingsAt(name, &mapping.FieldMapping{Type: "text", Analyzer: keyword.Name, Store: true})
	}
	im.DefaultMapping = doc
	return im, nil
}

func keywordField(store, docValues bool) *mapping.FieldMapping {
	return &mapping.FieldMapping{
		Type:      "text",
		Analyzer:  keyword.Name,
		Index:     true,
		Store:     store,
		DocValues: docValues,
	}
}

// document returns the fields of o as bleve indexes them.
func document(o *offres.Offer) map[string]any {
	commune := o.Location.Commune
	if c, ok := offres.LookupCommune(commune); ok {
		commune = c.Name
	}
	doc := map[string]any{
		fieldKind:  kindOffer,
		fieldIDKey: offres.FoldKey(o.ID),
		fieldTitle: o.Title,
		fieldText:  o.FullText(),
	}
	if len(o.Skills) > 0 {
		skills := make([]string, len(o.Skills))
		for i, s := range o.Skills {
			skills[i] = s.Label
		}
		doc[fieldSkills] = skills
	}
	meta := make([]string, 0, 7)
	for _, s := range []string{o.Employer, o.Direction, o.CadreEmploi, commune, o.Location.Province, offres.ContractLabels[o.ContractType], o.ID} {
		if s != "" {
			meta = append(meta, s)
		}
	}
	doc[fieldMeta] = meta
	deadline, published := deadlineDay(o.Deadline), noDay
	if !o.PublishedAt.IsZero() {
		published = dayKey(o.PublishedAt)
	}
	doc[fieldDeadlineNum] = keyNumber(deadline)
	if published == noDay {
		doc[fieldPublishedNum] = keyNumber(noDeadline)
	} else {
		doc[fieldPublishedNum] = keyNumber(published)
	}
	// The deadline facet's term: the deadline day, and for an offer
	// without one its publication day too, which tells open from expired.
	status := deadline
	if deadline == noDeadline {
		status += published
	}
	dv := make([]string, 0, len(termFacets)+2)
	dv = append(dv,
		deadlinePrefix+deadline+inverted(published),
		publishedPrefix+published+inverted(deadline),
		facetPrefix+offres.FacetDeadline+facetSep+status)
	if len(o.Occupations) > 0 {
		stored := make([]string, len(o.Occupations))
		keys := make([]string, len(o.Occupations))
		families := make([]string, len(o.Occupations))
		for i, oc := range o.Occupations {
			stored[i] = oc.Code + " " + oc.Family + " " + oc.Label
			keys[i] = offres.FoldKey(oc.Code)
			families[i] = offres.FoldKey(cmp.Or(oc.Family, oc.Code))
			dv = append(dv, facetPrefix+offres.FacetRome+facetSep+oc.Code+" "+oc.Label)
		}
		doc[fieldRome], doc[fieldRomeKey], doc[fieldRomeFamily] = stored, keys, families
	}
	for i, v := range []string{commune, o.Category, o.ContractType, o.Employer, o.Direction} {
		if v != "" {
			name := termFacets[i]
			doc[name] = v
			doc[name+keySuffix] = offres.FoldKey(v)
			dv = append(dv, facetPrefix+name+facetSep+v)
		}
	}
	if !o.PublishedAt.IsZero() {
		doc[fieldPublished] = o.PublishedAt.String()
	}
	if !o.Deadline.IsZero() {
		doc[fieldDeadline] = o.Deadline.String()
	}
	doc[fieldDocValues] = dv
	return doc
}

// filterKey returns the value of a "_key" field for a filter value of the
// given facet.
func filterKey(facet, value string) string {
	if facet == offres.FacetCommune {
		if c, ok := offres.LookupCommune(value); ok {
			value = c.Name
		}
	}
	return offres.FoldKey(value)
}

// dayKey returns d as "YYYYMMDD", the first of the month for a month-only
// date: keys sort as the dates.
func dayKey(d offres.Date) string {
	return fmt.Sprintf("%04d%02d%02d", d.Year, int(d.Month), max(d.Day, 1))
}

// keyNumber returns the number of days from 1970-01-01 to the day of a day
// key, and 1<<30 for noDeadline.
func keyNumber(key string) float64 {
	t, err := time.Parse("20060102", key)
	if err != nil { // noDeadline
		return 1 << 30
	}
	return float64(t.Unix() / 86400)
}

// inverted returns the day key that sorts in the reverse order of day.
func inverted(day string) string {
	n, _ := strconv.Atoi(day)
	return fmt.Sprintf("%08d", 99_999_999-n)
}

// addDays returns the key of the day n days after d.
func addDays(d offres.Date, n int) string {
	return dayKey(offres.DateOf(d.Time().AddDate(0, 0, n)))
}

// deadlineDay returns the key of the last day on which an offer with this
// deadline is open: the deadline itself, or the last day of its month when
// only the month is known (as offres.DeadlineStatusOf); noDeadline when
// unknown.
func deadlineDay(deadline offres.Date) string {
	if deadline.IsZero() {
		return noDeadline
	}
	if deadline.MonthOnly() {
		deadline = offres.DateOf(deadline.Time().AddDate(0, 1, -1))
	}
	return dayKey(deadline)
}
