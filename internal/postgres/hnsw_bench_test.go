package postgres

// Recall and latency of pgvector's HNSW index, measured through the store's
// own methods: PutPassages loads the vectors, EnsureVectorIndex builds the
// index, SearchPassages queries it. The exact neighbours come from a brute
// force scan in Go over the same vectors.
//
// TestHNSWRecall runs whenever the test database is there, on 5,000
// vectors, so that CI checks that the index and SearchPassages return the
// right neighbours. The figures of the README come from the runs on
// 100,000 vectors and on real passages, which take minutes and run only on
// request (and then fail, rather than skip, without a database):
//
//	eval "$(scripts/pg-setup.sh start)"
//	OFFRES_PG_RECALL=1 go test -run 'HNSWRecall' -v -count=1 -timeout 60m ./postgres/
//	scripts/pg-setup.sh stop "$OFFRES_PG_DIR"
//
// The index is built with the session's maintenance_work_mem: PostgreSQL's
// default, 64 MB, holds the graph of about 50,000 vectors of 256
// dimensions; past that, pgvector finishes the build on disk, slower. Any
// setting may ride on the URL (pgx passes unknown parameters to the
// server), e.g. OFFRES_TEST_DATABASE_URL="$OFFRES_TEST_DATABASE_URL&maintenance_work_mem=1GB".

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgvector/pgvector-go"

	"offres/internal/lsa"
	"offres/internal/offres"
)

// envRecall set to 1 runs the long measures.
const envRecall = "OFFRES_PG_RECALL"

// recallK is the k of recall@k.
const recallK = 10

// recallEfSearch are the ef_search values measured.
var recallEfSearch = []int{40, 100, 200}

// recallRun describes one measure.
type recallRun struct {
	name    string // of the vectors, for the report
	model   string
	corpus  [][]float32
	texts   []string // of the corpus, or nil for generated ones
	queries [][]float32
	index   IndexOptions
	rounds  int // of the queries, for the latency (recall is the same each time)
	exactN  int // queries timed against an exact scan in PostgreSQL
}

// efFigures are the measures at one ef_search.
type efFigures struct {
	efSearch int
	recall   float64
	p50, p99 time.Duration
}

// recallFigures are the measures of one run.
type recallFigures struct {
	load, build          time.Duration
	buildMem             string // maintenance_work_mem
	buildWorkers         string // max_parallel_maintenance_workers
	indexSize            string
	exactP50, exactP99   time.Duration
	exactRecall          float64 // of PostgreSQL's exact scan against the Go one
	byEf                 []efFigures
	planUsesIndex        bool
	corpusSize, querySet int
}

func (f recallFigures) at(ef int) efFigures {
	for _, e := range f.byEf {
		if e.efSearch == ef {
			return e
		}
	}
	return efFigures{}
}

// TestHNSWRecall checks, on 5,000 clustered vectors, that the HNSW index
// serves SearchPassages and finds the true neighbours.
func TestHNSWRecall(t *testing.T) {
	s, _ := openStore(t)
	vs := newVectorSpace(1, 256, 50)
	f := measureRecall(t, s, recallRun{
		name: "synthetic, 50 clusters", model: "recall-synthetic-v1",
		corpus: vs.samples(2, 5_000), queries: vs.samples(3, 100),
		rounds: 1, exactN: 10,
	})
	if !f.planUsesIndex {
		t.Error("the planner does not use the HNSW index: the recall measured is not the index's")
	}
	if f.exactRecall < 0.99 {
		t.Errorf("PostgreSQL's exact scan agrees with the Go one at %.3f, want 1", f.exactRecall)
	}
	if r := f.at(100).recall; r < 0.9 {
		t.Errorf("recall@%d at ef_search 100: %.3f, want ≥ 0.9", recallK, r)
	}
}

// TestHNSWRecall100k measures the index on 100,000 clustered vectors of 256
// dimensions, with pgvector's default build parameters (those of
// IndexOptions{}).
func TestHNSWRecall100k(t *testing.T) {
	requireRecallRun(t)
	s, _ := openStore(t)
	vs := newVectorSpace(1, 256, 300)
	f := measureRecall(t, s, recallRun{
		name: "synthetic, 300 clusters", model: "recall-synthetic-v1",
		corpus: vs.samples(2, 100_000), queries: vs.samples(3, 200),
		rounds: 3, exactN: 20,
	})
	if !f.planUsesIndex {
		t.Error("the planner does not use the HNSW index")
	}
	if r := f.at(100).recall; r < 0.95 {
		t.Errorf("recall@%d at ef_search 100: %.3f, want ≥ 0.95", recallK, r)
	}
}

// TestHNSWRecallLSA measures the index on real passages embedded by the
// built-in model (lsa): the France Travail offers cut into passages and the
// ROME referential's texts, competences and knowledge; the queries are
// job titles of the ROME held out of the corpus.
func TestHNSWRecallLSA(t *testing.T) {
	requireRecallRun(t)
	s, _ := openStore(t)
	ctx := t.Context()
	corpusTexts, queryTexts := realTexts(t, 200)
	start := time.Now()
	m, err := lsa.Train(ctx, corpusTexts, lsa.Options{})
	if err != nil {
		t.Fatal(err)
	}
	corpus, err := m.Embed(ctx, corpusTexts)
	if err != nil {
		t.Fatal(err)
	}
	queries, err := m.Embed(ctx, queryTexts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("lsa: %d texts, %d dimensions, trained and embedded in %v", len(corpusTexts), m.Dimensions(), time.Since(start).Round(time.Second))
	// A text the model knows nothing of has the zero vector, which has no
	// cosine: keep it out, as the indexer does.
	corpus, corpusTexts = nonZero(corpus, corpusTexts)
	queries, _ = nonZero(queries, queryTexts)
	f := measureRecall(t, s, recallRun{
		name: "lsa, real passages", model: m.Model(),
		corpus: corpus, texts: corpusTexts, queries: queries,
		rounds: 3, exactN: 20,
	})
	if !f.planUsesIndex {
		t.Error("the planner does not use the HNSW index")
	}
}

// requireRecallRun skips the test unless envRecall is 1, and then fails it
// when there is no database.
func requireRecallRun(t *testing.T) {
	t.Helper()
	if os.Getenv(envRecall) != "1" {
		t.Skipf("a long measure: set %s=1 to run it", envRecall)
	}
	if os.Getenv(envDatabaseURL) == "" {
		t.Fatalf("%s=1 but %s is not set: no PostgreSQL with pgvector to measure (eval \"$(scripts/pg-setup.sh start)\")", envRecall, envDatabaseURL)
	}
}

// measureRecall loads the corpus, builds the index, runs the queries at each
// ef_search and logs the figures.
func measureRecall(t *testing.T, s *Store, r recallRun) recallFigures {
	t.Helper()
	ctx := t.Context()
	dims := len(r.corpus[0])
	f := recallFigures{corpusSize: len(r.corpus), querySet: len(r.queries)}

	ids, load := loadVectors(t, s, r.model, r.corpus, r.texts)
	f.load = load
	byID := make(map[string]int, len(ids))
	for i, id := range ids {
		byID[id] = i
	}
	// Statistics as autovacuum would gather them, so that the planner sees
	// the table as it is.
	if _, err := s.pool.Exec(ctx, "ANALYZE chunks"); err != nil {
		t.Fatal(err)
	}
	if err := s.pool.QueryRow(ctx, "SELECT current_setting('maintenance_work_mem'), current_setting('max_parallel_maintenance_workers')").
		Scan(&f.buildMem, &f.buildWorkers); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := s.EnsureVectorIndex(ctx, r.model, dims, r.index); err != nil {
		t.Fatal(err)
	}
	f.build = time.Since(start)
	if err := s.pool.QueryRow(ctx, "SELECT pg_size_pretty(pg_relation_size($1::regclass))", vectorIndexName(r.model, dims)).
		Scan(&f.indexSize); err != nil {
		t.Fatal(err)
	}
	f.planUsesIndex = planUsesIndex(t, s, r.model, r.queries[0])

	norms := make([]float64, len(r.corpus))
	for i, v := range r.corpus {
		norms[i] = math.Sqrt(dot(v, v))
	}
	exact := exactTopK(r.corpus, norms, r.queries, recallK)
	cosine := func(q []float32, id string) float64 {
		i, ok := byID[id]
		if !ok {
			t.Fatalf("search returned %q, not a passage of the corpus", id)
		}
		return dot(q, r.corpus[i]) / (math.Sqrt(dot(q, q)) * norms[i])
	}

	// PostgreSQL's exact scan: its latency, and its agreement with the Go
	// scan, which checks the ground truth and the vectors' round trip.
	var exactTimes []time.Duration
	var found int
	for qi, q := range r.queries[:min(r.exactN, len(r.queries))] {
		start := time.Now()
		hitIDs := searchExact(t, s, r.model, q, recallK)
		exactTimes = append(exactTimes, time.Since(start))
		found += matches(exact[qi], hitIDs, func(id string) float64 { return cosine(q, id) })
	}
	if len(exactTimes) > 0 {
		f.exactRecall = float64(found) / float64(recallK*len(exactTimes))
		f.exactP50, f.exactP99 = percentile(exactTimes, 50), percentile(exactTimes, 99)
	}

	// A first pass reads the index into the caches; it is not timed.
	for _, q := range r.queries {
		if _, err := s.SearchPassages(ctx, r.model, q, recallK, SearchOptions{EfSearch: slices.Max(recallEfSearch)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, ef := range recallEfSearch {
		var times []time.Duration
		found := 0
		for round := range max(r.rounds, 1) {
			for qi, q := range r.queries {
				start := time.Now()
				hits, err := s.SearchPassages(ctx, r.model, q, recallK, SearchOptions{EfSearch: ef})
				times = append(times, time.Since(start))
				if err != nil {
					t.Fatal(err)
				}
				if round > 0 {
					continue
				}
				hitIDs := make([]string, len(hits))
				for i, h := range hits {
					hitIDs[i] = h.ID
				}
				found += matches(exact[qi], hitIDs, func(id string) float64 { return cosine(q, id) })
			}
		}
		f.byEf = append(f.byEf, efFigures{
			efSearch: ef,
			recall:   float64(found) / float64(recallK*len(r.queries)),
			p50:      percentile(times, 50), p99: percentile(times, 99),
		})
	}

	m, efc := r.index.M, r.index.EfConstruction
	if m <= 0 {
		m = 16
	}
	if efc <= 0 {
		efc = 64
	}
	t.Logf("%d vectors × %d dimensions (%s), %d queries", f.corpusSize, dims, r.name, f.querySet)
	t.Logf("load (PutPassages, %d passages a transaction): %v", loadBatch, f.load.Round(10*time.Millisecond))
	t.Logf("index build (EnsureVectorIndex, m %d, ef_construction %d, maintenance_work_mem %s, max_parallel_maintenance_workers %s): %v, %s",
		m, efc, f.buildMem, f.buildWorkers, f.build.Round(10*time.Millisecond), f.indexSize)
	t.Logf("exact scan in PostgreSQL (index scans off), %d queries: p50 %v, p99 %v; agrees with the Go scan at %.3f",
		len(exactTimes), round(f.exactP50), round(f.exactP99), f.exactRecall)
	t.Logf("ef_search  recall@%d  p50       p99       (SearchPassages, %d queries × %d)", recallK, f.querySet, max(r.rounds, 1))
	for _, e := range f.byEf {
		t.Logf("%-9d  %.4f     %-8v  %v", e.efSearch, e.recall, round(e.p50), round(e.p99))
	}
	return f
}

// loadBatch is the number of passages stored per PutPassages call (one
// transaction), and recallPerOffer the number of passages per offer.
const (
	loadBatch      = 1000
	recallPerOffer = 10
)

// loadVectors stores the vectors as passages of generated offers, and
// returns the passage ids, in the order of vecs, and the time spent in
// PutPassages.
func loadVectors(t *testing.T, s *Store, model string, vecs [][]float32, texts []string) ([]string, time.Duration) {
	t.Helper()
	ctx := t.Context()
	dims := len(vecs[0])
	nOffers := (len(vecs) + recallPerOffer - 1) / recallPerOffer
	var offers []offres.Offer
	for o := range nOffers {
		offers = append(offers, offres.Offer{ID: fmt.Sprintf("offer-%06d", o), Title: "offre"})
		if len(offers) == 1000 || o == nOffers-1 {
			if err := s.Put(ctx, offers); err != nil {
				t.Fatal(err)
			}
			offers = offers[:0]
		}
	}

	ids := make([]string, len(vecs))
	var took time.Duration
	byOffer := make(map[string][]offres.Passage)
	batch := make(map[string][]float32)
	for i, v := range vecs {
		offerID := fmt.Sprintf("offer-%06d", i/recallPerOffer)
		p := offres.Passage{
			ID: fmt.Sprintf("%s#missions-%d", offerID, i%recallPerOffer+1), OfferID: offerID,
			Kind: offres.SectionMissions, Text: fmt.Sprintf("passage %d", i),
		}
		if texts != nil {
			p.Text = texts[i]
		}
		ids[i] = p.ID
		byOffer[offerID] = append(byOffer[offerID], p)
		batch[p.ID] = v
		// Whole offers only: PutPassages replaces an offer's passages.
		if (len(batch) >= loadBatch && (i+1)%recallPerOffer == 0) || i == len(vecs)-1 {
			start := time.Now()
			if err := s.PutPassages(ctx, model, dims, byOffer, batch); err != nil {
				t.Fatal(err)
			}
			took += time.Since(start)
			clear(byOffer)
			clear(batch)
		}
	}
	return ids, took
}

// planUsesIndex reports whether the planner, with its default settings,
// serves SearchPassages's query with the model's HNSW index.
func planUsesIndex(t *testing.T, s *Store, model string, q []float32) bool {
	t.Helper()
	dims := len(q)
	rows, err := s.pool.Query(t.Context(), fmt.Sprintf(`EXPLAIN SELECT id FROM chunks
		WHERE model = %[3]s AND embedding IS NOT NULL
		ORDER BY embedding::vector(%[2]d) <=> %[1]s::vector(%[2]d) LIMIT %[4]d`,
		quoteLiteral(pgvector.NewVector(q).String()), dims, quoteLiteral(model), recallK))
	if err != nil {
		t.Fatal(err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return strings.Contains(strings.Join(lines, "\n"), vectorIndexName(model, dims))
}

// searchExact returns the ids of the k passages closest to q, by a scan of
// the table with index scans off: the exact answer of SearchPassages's query.
func searchExact(t *testing.T, s *Store, model string, q []float32, k int) []string {
	t.Helper()
	ctx := t.Context()
	dims := len(q)
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "SET LOCAL enable_indexscan = off"); err != nil {
		t.Fatal(err)
	}
	rows, err := tx.Query(ctx, fmt.Sprintf(`SELECT id FROM chunks
		WHERE model = %[2]s AND embedding IS NOT NULL
		ORDER BY embedding::vector(%[1]d) <=> $1::vector(%[1]d) LIMIT $2`, dims, quoteLiteral(model)),
		pgvector.NewVector(q), k)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// matches counts the hits that belong to the exact top k, whose
// similarities are exact, best first. A hit belongs when it is at least as
// similar as the k-th exact neighbour (within float32 rounding), so that a
// tie at the k-th place does not count against the index.
func matches(exact []float64, hitIDs []string, cosine func(id string) float64) int {
	if len(exact) == 0 {
		return 0
	}
	kth := exact[len(exact)-1]
	n := 0
	for _, id := range hitIDs[:min(len(hitIDs), len(exact))] {
		if cosine(id) >= kth-1e-6 {
			n++
		}
	}
	return n
}

// exactTopK returns, for each query, the cosine similarities of its k
// nearest vectors, best first, by brute force on all cores.
func exactTopK(vecs [][]float32, norms []float64, queries [][]float32, k int) [][]float64 {
	out := make([][]float64, len(queries))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for qi := range next {
				q := queries[qi]
				qn := math.Sqrt(dot(q, q))
				top := make([]float64, 0, k+1) // ascending
				for i, v := range vecs {
					c := dot(q, v) / (qn * norms[i])
					if len(top) == k && c <= top[0] {
						continue
					}
					at, _ := slices.BinarySearch(top, c)
					top = slices.Insert(top, at, c)
					if len(top) > k {
						top = top[1:]
					}
				}
				slices.Reverse(top)
				out[qi] = top
			}
		})
	}
	for qi := range queries {
		next <- qi
	}
	close(next)
	wg.Wait()
	return out
}

func dot(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

// percentile returns the p-th percentile of d (nearest rank).
func percentile(d []time.Duration, p int) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	i := (p*len(s)+99)/100 - 1
	return s[max(i, 0)]
}

func round(d time.Duration) time.Duration {
	if d < time.Millisecond {
		return d.Round(time.Microsecond)
	}
	return d.Round(10 * time.Microsecond)
}

// vectorSpace draws clustered unit vectors, a stand-in for text
// embeddings: topics (centres) of unequal sizes, and around each a spread
// whose variance decays across dimensions, as the spectrum of real
// embeddings does, rather than uniform noise, whose neighbours are all
// nearly equidistant and which no index finds well.
type vectorSpace struct {
	dims    int
	centres [][]float64
	cumW    []float64 // cumulative weights of the centres
	sigma   []float64 // per dimension
	seed    uint64
}

// newVectorSpace draws the centres of a space, deterministically from
// seed. Centre i weighs 1/(i+10): the largest topics are a few times the
// size of the smallest.
func newVectorSpace(seed uint64, dims, centres int) *vectorSpace {
	rng := rand.New(rand.NewPCG(seed, 0x6873776e))
	vs := &vectorSpace{dims: dims, seed: seed}
	total := 0.0
	for i := range centres {
		c := make([]float64, dims)
		for j := range c {
			c[j] = rng.NormFloat64()
		}
		normalise(c)
		vs.centres = append(vs.centres, c)
		total += 1 / float64(i+10)
		vs.cumW = append(vs.cumW, total)
	}
	// The spread's squared norm is about 1, that of a centre: a vector's
	// cosine with its centre is about 0.7, with another topic's about 0.
	var sum float64
	for j := range dims {
		sum += 1 / float64(j+1)
	}
	for j := range dims {
		vs.sigma = append(vs.sigma, math.Sqrt(1/float64(j+1)/sum))
	}
	return vs
}

// samples draws n vectors from the stream of the space's seed numbered
// stream: the same stream gives the same vectors.
func (vs *vectorSpace) samples(stream uint64, n int) [][]float32 {
	rng := rand.New(rand.NewPCG(vs.seed, stream))
	out := make([][]float32, n)
	v := make([]float64, vs.dims)
	for i := range out {
		at, _ := slices.BinarySearch(vs.cumW, rng.Float64()*vs.cumW[len(vs.cumW)-1])
		c := vs.centres[min(at, len(vs.centres)-1)]
		for j := range v {
			v[j] = c[j] + vs.sigma[j]*rng.NormFloat64()
		}
		normalise(v)
		out[i] = make([]float32, vs.dims)
		for j := range v {
			out[i][j] = float32(v[j])
		}
	}
	return out
}

func normalise(v []float64) {
	var n float64
	for _, x := range v {
		n += x * x
	}
	n = math.Sqrt(n)
	for i := range v {
		v[i] /= n
	}
}

// nonZero drops the zero vectors and their texts.
func nonZero(vecs [][]float32, texts []string) ([][]float32, []string) {
	var vs [][]float32
	var ts []string
	for i, v := range vecs {
		if slices.ContainsFunc(v, func(x float32) bool { return x != 0 }) {
			vs = append(vs, v)
			ts = append(ts, texts[i])
		}
	}
	return vs, ts
}

// realTexts returns the passages of the shared test data (France Travail
// offers cut at line breaks into pieces of about 900 bytes; the ROME
// referential's texts, one paragraph per job and kind of text; its
// competences, knowledge and job titles), without duplicates, and nq job
// titles held out of them as queries. A missing data set fails the test:
// the measure was asked for.
func realTexts(t *testing.T, nq int) (corpus, queries []string) {
	t.Helper()
	dir := os.Getenv("OFFRES_TESTDATA")
	if dir == "" {
		dir = "../../../shared/data"
	}
	b, err := os.ReadFile(filepath.Join(dir, "offers", "france-travail-2024.json"))
	if err != nil {
		t.Fatalf("test data (OFFRES_TESTDATA): %v", err)
	}
	var offers []struct{ Intitule, Description string }
	if err := json.Unmarshal(b, &offers); err != nil {
		t.Fatal(err)
	}
	seen := make(map[string]bool)
	add := func(text string) {
		text = strings.TrimSpace(text)
		if text != "" && !seen[text] {
			seen[text] = true
			corpus = append(corpus, text)
		}
	}
	for _, o := range offers {
		cur := o.Intitule
		for line := range strings.SplitSeq(o.Description, "\n") {
			if len(cur)+len(line) > 900 {
				add(cur)
				cur = ""
			}
			cur += "\n" + line
		}
		add(cur)
	}

	rome := filepath.Join(dir, "rome")
	// unix_texte: code_rome, code_compo_bloc, libelle_type_texte,
	// position_phrase, libelle_texte; one sentence a row.
	paragraphs := make(map[string]*strings.Builder)
	var keys []string
	for _, rec := range readRecords(t, filepath.Join(rome, "unix_texte_v460_utf8.csv")) {
		key := rec[0] + "/" + rec[2]
		p, ok := paragraphs[key]
		if !ok {
			p = &strings.Builder{}
			paragraphs[key] = p
			keys = append(keys, key)
		}
		p.WriteString(rec[4] + " ")
	}
	for _, k := range keys {
		add(paragraphs[k].String())
	}
	for _, rec := range readRecords(t, filepath.Join(rome, "unix_referentiel_competence_v460_utf8.csv")) {
		add(rec[2] + ". " + rec[3])
	}
	for _, rec := range readRecords(t, filepath.Join(rome, "unix_referentiel_savoir_v460_utf8.csv")) {
		add(rec[1])
	}
	// Job titles: one in every len/nq is a query, the rest are passages.
	titles := readRecords(t, filepath.Join(rome, "unix_referentiel_appellation_v460_utf8.csv"))
	step := max(len(titles)/nq, 1)
	for i, rec := range titles {
		if i%step == step/2 && len(queries) < nq {
			queries = append(queries, rec[1])
			continue
		}
		add(rec[1])
	}
	return corpus, queries
}

// readRecords reads a CSV file of the ROME, without its header.
func readRecords(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("test data: %v", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var out [][]string
	for i := 0; ; i++ {
		rec, err := r.Read()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if i > 0 {
			out = append(out, rec)
		}
	}
}
