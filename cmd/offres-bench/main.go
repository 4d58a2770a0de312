// Command offres-bench measures offres on a generated corpus: import
// throughput through the real importer (parse, catalogue, full-text index),
// the training and embedding of the built-in model, search latency
// percentiles in each mode, with and without filters, suggestion latency, and the peak resident
// memory of the process. It prints a Markdown table for docs/benchmarks.md.
//
//	go run ./cmd/offres-bench --testdata ../shared/data --offers 10000
//	go run ./cmd/offres-bench --database-url postgres://… (the PostgreSQL mode)
//	go run ./cmd/offres-bench --write-corpus /tmp/corpus.ndjson (the corpus only, for scripts/load.sh)
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"offres/indexer"
	"offres/internal/assistant"
	"offres/internal/demo"
	"offres/internal/engine"
	"offres/internal/offres"
	"offres/internal/postgres"
	"offres/search"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "offres-bench:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("offres-bench", flag.ContinueOnError)
	testdata := fs.String("testdata", envOr("OFFRES_TESTDATA", "../shared/data"), "shared test data (OFFRES_TESTDATA)")
	n := fs.Int("offers", 10_000, "size of the generated corpus")
	rounds := fs.Int("rounds", 20, "passes over the query lists")
	dir := fs.String("data", "", "data directory (a temporary one when empty)")
	settle := fs.Duration("settle", 0, "pause between the import and the queries")
	batch := fs.Int("batch", indexer.DefaultBatchSize, "offers per import batch")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	searchProfile := fs.String("search-cpuprofile", "", "write a CPU profile of the searches only (every mode, with and without filters) to this file")
	databaseURL := fs.String("database-url", "", "run in the PostgreSQL mode on this (empty) database")
	createDB := fs.String("create-database", "", "create this database on the server of OFFRES_TEST_DATABASE_URL, print its URL and exit")
	writeCorpus := fs.String("write-corpus", "", "write the generated corpus to this file as NDJSON and exit")
	reference := fs.String("reference", "", "also run a BM25 reference on the same corpus and queries and print the ratios: xapian (Debian's python3-xapian)")
	python := fs.String("python", "/usr/bin/python3", "the Python with python3-xapian, for --reference xapian")
	modeList := fs.String("modes", strings.Join(allModes, ","), "the search modes to time, comma-separated")
	heapProfile := fs.String("heap-profile", "", "write a heap profile to this file when the live heap is at its largest (checked every 50 ms)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *searchProfile != "" && *cpuprofile != "" {
		return fmt.Errorf("--search-cpuprofile and --cpuprofile exclude each other")
	}
	for _, m := range strings.Split(*modeList, ",") {
		if !slices.Contains(allModes, m) {
			return fmt.Errorf("--modes: %q is not one of %v", m, allModes)
		}
	}
	if *reference != "" && *reference != "xapian" {
		return fmt.Errorf("--reference %q: want xapian", *reference)
	}
	ctx := context.Background()
	if *createDB != "" {
		u, err := postgres.CreateDatabase(ctx, os.Getenv("OFFRES_TEST_DATABASE_URL"), *createDB)
		if err != nil {
			return err
		}
		fmt.Fprintln(out, u)
		return nil
	}
	mem := watchPhases("corpus generated, engine opened")
	base, err := baseOffers(*testdata)
	if err != nil {
		return err
	}
	if *writeCorpus != "" {
		if err := generate(*writeCorpus, base, *n); err != nil {
			return err
		}
		fmt.Fprintf(out, "corpus: %d offers generated from %d shared and demo offers, written to %s\n", *n, len(base), *writeCorpus)
		return nil
	}
	// The corpus is read from a file, as `offres index` reads it: held in
	// memory, it counted in the peak RSS measured (twice its size, with
	// the garbage collector's headroom).
	tmp, err := os.MkdirTemp("", "offres-bench-corpus-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	corpus := filepath.Join(tmp, "corpus.ndjson")
	if err := generate(corpus, base, *n); err != nil {
		return err
	}
	nbase := len(base)
	base = nil
	if *dir == "" {
		d, err := os.MkdirTemp("", "offres-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		*dir = d
	}
	eng, err := engine.Open(ctx, engine.Options{Dir: *dir, BatchSize: *batch, DatabaseURL: *databaseURL})
	if err != nil {
		return err
	}
	defer eng.Close()

	if *heapProfile != "" {
		stop := watchHeap(*heapProfile)
		defer func() {
			if peak, err := stop(); err != nil {
				fmt.Fprintf(os.Stderr, "offres-bench: heap profile: %v\n", err)
			} else {
				fmt.Fprintf(os.Stderr, "offres-bench: heap profile of the largest live heap (%d MB) in %s\n", peak>>20, *heapProfile)
			}
		}()
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	mem.next("import (parse, catalogue, full-text; the model's training and embedding beside it)")
	start := time.Now()
	im := eng.Importer()
	var rejected []indexer.Record
	im.Reject = func(r indexer.Record) { rejected = append(rejected, r) }
	cf, err := os.Open(corpus)
	if err != nil {
		return err
	}
	sum, err := im.Import(ctx, "bench.ndjson", bufio.NewReader(cf))
	cf.Close()
	if err != nil {
		return err
	}
	importTime := time.Since(start)
	if len(rejected) > 0 {
		return fmt.Errorf("%d generated offers rejected, first: %s: %v", len(rejected), rejected[0].Pos, rejected[0].Err)
	}
	mem.next("after the import: the embedding catching up (Refresh)")
	start = time.Now()
	if err := eng.Refresh(ctx); err != nil {
		return err
	}
	modelTime := time.Since(start)
	mem.next("vector index")
	start = time.Now()
	passages, approximate, err := eng.WaitVectorIndex(ctx)
	if err != nil {
		return err
	}
	ivfTime := time.Since(start)

	time.Sleep(*settle)
	svc := eng.Search()
	mem.next("searches (every mode, with and without filters)")
	stopSearchProfile, err := startProfile(*searchProfile)
	if err != nil {
		return err
	}
	modes := strings.Split(*modeList, ",")
	typical := make([]latencies, len(modes))
	filtered := make([]latencies, len(modes))
	for i, mode := range modes {
		for _, f := range []struct {
			l       *latencies
			filters map[string][]string
		}{{&typical[i], nil}, {&filtered[i], benchFilters}} {
			*f.l = lat(*rounds, typicalQueries, func(q string) error {
				res, err := svc.Search(ctx, search.Request{Text: q, Mode: mode, Filters: f.filters})
				if err == nil && res.Mode != mode {
					err = fmt.Errorf("%q ran in mode %s, not %s", q, res.Mode, mode)
				}
				return err
			})
		}
	}
	stopSearchProfile()
	mem.next("suggestions and the assistant")
	suggest := lat(*rounds*5, prefixes, func(p string) error {
		_, err := svc.Suggest(ctx, p, 8)
		return err
	})
	ask, err := assistant.New(svc, eng, assistant.Options{})
	if err != nil {
		return err
	}
	answers := lat(*rounds, questions, func(q string) error {
		_, err := ask.Ask(ctx, assistant.Request{Question: q}, assistant.Stream{})
		return err
	})
	pprof.StopCPUProfile()
	mem.stop()
	for _, l := range append(append(typical, filtered...), suggest, answers) {
		if l.err != nil {
			return fmt.Errorf("query: %w", l.err)
		}
	}
	storage := "embedded"
	if *databaseURL != "" {
		storage = "PostgreSQL"
	}

	fmt.Fprintf(out, "corpus: %d offers generated from %d shared and demo offers; %s storage; model %s; %s; GOMAXPROCS=%d\n\n",
		*n, nbase, storage, eng.Model(), runtime.Version(), runtime.GOMAXPROCS(0))
	fmt.Fprintln(out, "| measure | result |")
	fmt.Fprintln(out, "|---|---|")
	fmt.Fprintf(out, "| import (parse + catalogue + full-text, batches of %d; on a first import of the built-in model, its training and embedding run beside it) | %d offers in %s = **%.0f offers/s** (%s) |\n",
		*batch, *n, importTime.Round(time.Millisecond), float64(*n)/importTime.Seconds(), sum)
	fmt.Fprintf(out, "| built-in model: training + embedding every passage, what is left of it after the import | **%s** |\n", modelTime.Round(time.Millisecond))
	fmt.Fprintf(out, "| import end to end (the two rows above) | **%.0f offers/s** (%s) |\n",
		float64(*n)/(importTime+modelTime).Seconds(), (importTime + modelTime).Round(time.Millisecond))
	index := "exact scan"
	if approximate {
		index = "IVF"
	}
	fmt.Fprintf(out, "| vector index: %d passages, %s; training left after the embedding | **%s** |\n", passages, index, ivfTime.Round(time.Millisecond))
	for i, mode := range modes {
		typical[i].row(out, "search "+mode+", typical queries")
	}
	for i, mode := range modes {
		filtered[i].row(out, "search "+mode+", 2 filters (category A or B, 3 communes)")
	}
	suggest.row(out, "suggest")
	answers.row(out, "assistant, extractive answers")
	fmt.Fprintf(out, "| peak RSS (VmHWM) | **%s** |\n", mem.peak())
	mem.rows(out)
	if *reference != "" {
		// After offres' figures, in the same run: the reference's process
		// does not count in offres' peak RSS.
		data, err := os.ReadFile(corpus)
		if err != nil {
			return err
		}
		ref, err := runReference(ctx, *python, data, typicalQueries, *rounds)
		if err != nil {
			fmt.Fprintf(out, "\n**BM25 reference unavailable**: %v\n", err)
			fmt.Fprintf(os.Stderr, "offres-bench: BM25 reference unavailable: %v\n", err)
			return nil
		}
		compare(out, ref, modes, typical, *n, importTime, importTime+modelTime+ivfTime)
	}
	return nil
}

var allModes = []string{offres.ModeKeyword, offres.ModeSemantic, offres.ModeHybrid}

// benchFilters are the filters of the filtered searches: two facets, about
// a third of the offers through.
var benchFilters = map[string][]string{
	offres.FacetCategory: {"A", "B"}, offres.FacetCommune: {"Nouméa", "Le Mont-Dore", "Dumbéa"},
}

// startProfile starts a CPU profile into path, when path is not empty,
// and returns what stops it.
func startProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

var typicalQueries = []string{
	"infirmier", "développeur", "chef de projet", "comptable", "aide soignant", "technicien informatique",
	"assistant administratif", "juriste marchés publics", "éducateur spécialisé", "agent d'entretien",
	"ingénieur", "médecin", "conducteur de travaux", "secrétaire", "Nouméa", "infirmeir", "developpeur web",
	"ressources humaines", "maintenance", "commercial", "enseignant", "gestionnaire", "DSIN", "ATSEM",
}

// questions are what candidates ask the assistant, of every kind.
var questions = []string{
	"Quelle est la date limite pour le poste d'infirmier ?", "Quels postes en informatique à Nouméa ?",
	"Quel est le salaire du poste de comptable ?", "Qui contacter pour le poste de secrétaire ?",
	"Faut-il le permis B pour le poste de technicien ?", "Le télétravail est-il possible pour le développeur ?",
	"Quel type de contrat pour le poste de chef de projet ?", "What is the deadline for the web developer job?",
	"Y a-t-il des offres d'aide-soignant ouvertes ?", "Combien de postes pour agent d'entretien ?",
}

var prefixes = []string{"in", "inf", "infir", "dev", "déve", "comp", "chef d", "tech", "agent", "ass", "méd", "ing"}

type latencies struct {
	d   []time.Duration
	cpu []time.Duration // CPU time of the calling thread, when known
	err error
}

func lat(rounds int, inputs []string, fn func(string) error) latencies {
	// The calls run on one thread, whose CPU time each call is also
	// measured by: on a shared machine, the wall time includes the waits
	// for a core.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var l latencies
	for _, in := range inputs { // warm-up
		if l.err = fn(in); l.err != nil {
			return l
		}
	}
	for r := 0; r < rounds; r++ {
		for _, in := range inputs {
			t, c := time.Now(), threadCPU()
			if l.err = fn(in); l.err != nil {
				return l
			}
			l.d = append(l.d, time.Since(t))
			if c >= 0 {
				l.cpu = append(l.cpu, threadCPU()-c)
			}
		}
	}
	slices.Sort(l.d)
	slices.Sort(l.cpu)
	return l
}

func (l latencies) pct(p float64) time.Duration { return pct(l.d, p) }

func pct(d []time.Duration, p float64) time.Duration {
	return d[int(p*float64(len(d)-1))]
}

func (l latencies) row(w io.Writer, name string) {
	cpu := ""
	if len(l.cpu) == len(l.d) {
		cpu = fmt.Sprintf("; CPU of its thread p50 %s, p99 %s", round(pct(l.cpu, 0.5)), round(pct(l.cpu, 0.99)))
	}
	fmt.Fprintf(w, "| %s (%d requests, sequential) | p50 %s, **p99 %s**, max %s%s |\n", name, len(l.d),
		round(l.pct(0.5)), round(l.pct(0.99)), round(l.d[len(l.d)-1]), cpu)
}

func round(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000)
}

// baseOffers reads the shared offer files, the seed and the demo corpus.
func baseOffers(testdata string) ([]offres.Offer, error) {
	var out []offres.Offer
	files := []string{
		filepath.Join(testdata, "offers", "france-travail-2024.json"),
		filepath.Join(testdata, "offers", "place-emploi-public-2021.csv"),
		filepath.Join(testdata, "..", "seeds", "000_37dfd39003512f88.txt"),
	}
	for _, f := range files {
		r, err := os.Open(f)
		if err != nil {
			return nil, fmt.Errorf("%w (set --testdata or OFFRES_TESTDATA)", err)
		}
		err = indexer.Parse(f, bufio.NewReader(r), func(rec indexer.Record) error {
			if rec.Err == nil {
				out = append(out, rec.Offer)
			}
			return nil
		})
		r.Close()
		if err != nil {
			return nil, err
		}
	}
	d, err := demo.Load()
	if err != nil {
		return nil, err
	}
	return append(out, d...), nil
}

// generate writes n offers as NDJSON to path, cycling through base with new
// ids, communes of the Province Sud and deadlines spread over two years.
func generate(path string, base []offres.Offer, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	buf := bufio.NewWriter(f)
	enc := json.NewEncoder(buf)
	sud := []offres.Commune{}
	for _, c := range offres.Communes {
		if c.Province == offres.ProvinceSud {
			sud = append(sud, c)
		}
	}
	day0 := time.Date(2026, 1, 1, 0, 0, 0, 0, offres.Noumea)
	for i := 0; i < n; i++ {
		o := base[i%len(base)]
		o.ID = fmt.Sprintf("%s#%d", o.ID, i)
		c := sud[i%len(sud)]
		o.Location = offres.Location{Commune: c.Name, Province: c.Province}
		o.Deadline = offres.DateOf(day0.AddDate(0, 0, (i*37)%730))
		o.Category = string("ABC"[i%3])
		if err := enc.Encode(o); err != nil {
			f.Close()
			return err
		}
	}
	if err := buf.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// watchHeap writes a heap profile to path each time the live heap (as of
// the last garbage collection) passes its largest size so far by 5 %, until
// stop, which returns that size.
func watchHeap(path string) (stop func() (uint64, error)) {
	done := make(chan struct{})
	var (
		peak uint64
		werr error
	)
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			metrics.Read(sample)
			live := sample[0].Value.Uint64()
			if live <= peak+peak/20 {
				continue
			}
			peak = live
			var buf bytes.Buffer
			if werr = pprof.Lookup("heap").WriteTo(&buf, 0); werr == nil {
				werr = os.WriteFile(path, buf.Bytes(), 0o644)
			}
		}
	}()
	return func() (uint64, error) {
		close(done)
		<-finished
		return peak, werr
	}
}
