package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"offres/internal/boltstore"
	"offres/internal/engine"
	"offres/internal/fulltext"
	"offres/internal/offres"
	"offres/internal/shareddata"
	"offres/search"
)

var (
	crashSeed   = flag.Uint64("crash.seed", 0, "seed of the kill points of TestCrashSafety (0: from the clock; the seed used is logged)")
	crashRounds = flag.Int("crash.rounds", 20, "rounds of TestCrashSafety (4 with -short)")
)

// The offres binary, built once for the tests that run it as a process.
var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
	// binRevision is the commit checked out when it was built, "" outside
	// a git checkout.
	binRevision string
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// offresBinary builds the offres command of this package (once per test run).
func offresBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "offres-bin-")
		if binErr != nil {
			return
		}
		goCmd, err := exec.LookPath("go")
		if err != nil {
			goCmd = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		binPath = filepath.Join(binDir, "offres")
		if rev, err := exec.Command("git", "rev-parse", "HEAD").Output(); err == nil {
			binRevision = strings.TrimSpace(string(rev))
		}
		// -buildvcs=auto: stamped with the revision in a checkout, whatever
		// GOFLAGS says.
		out, err := exec.Command(goCmd, "build", "-buildvcs=auto", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// processEnv is the environment of the offres processes a test starts: the
// test's, less the OFFRES_ settings a developer may have exported, plus extra.
func processEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OFFRES_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// runBinary runs the offres binary to its end.
func runBinary(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, offresBinary(t), args...)
	cmd.Env = processEnv()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

// importRun is one `offres index --ack` process, its standard output read
// line by line as it comes.
type importRun struct {
	cmd    *exec.Cmd
	start  time.Time
	lines  chan string // complete lines of stdout; closed at EOF
	stderr bytes.Buffer

	mu   sync.Mutex
	acks []ackLine
	out  []string // every complete line
}

func startImport(t *testing.T, dir string, batch int, files ...string) *importRun {
	t.Helper()
	args := append([]string{"index", "--data", dir, "--ack", "--quiet", "--log-level", "warn", "--batch", fmt.Sprint(batch)}, files...)
	r := &importRun{cmd: exec.Command(offresBinary(t), args...), lines: make(chan string, 1024)}
	r.cmd.Env = processEnv()
	r.cmd.Stderr = &r.stderr
	stdout, err := r.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	r.start = time.Now()
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(r.lines)
		br := bufio.NewReader(stdout)
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				// A last line without its newline was cut by the kill: it
				// acknowledges nothing.
				return
			}
			line = strings.TrimSuffix(line, "\n")
			r.mu.Lock()
			r.out = append(r.out, line)
			if strings.HasPrefix(line, `{"ack":`) {
				var a ackLine
				if err := json.Unmarshal([]byte(line), &a); err != nil {
					r.mu.Unlock()
					panic(fmt.Sprintf("ack line %q: %v", line, err))
				}
				r.acks = append(r.acks, a)
			}
			r.mu.Unlock()
			r.lines <- line
		}
	}()
	return r
}

// waitLine waits for the next line satisfying match; false when the output
// ended first.
func (r *importRun) waitLine(match func(string) bool) bool {
	for line := range r.lines {
		if match(line) {
			return true
		}
	}
	return false
}

// kill sends SIGKILL (unless the process has ended) and waits for the end,
// reporting whether the process was still running when killed.
func (r *importRun) kill() (killed bool, err error) {
	killErr := r.cmd.Process.Kill()
	for range r.lines { // drain: the output ends with the process
	}
	err = r.cmd.Wait()
	if killErr != nil && !errors.Is(killErr, os.ErrProcessDone) {
		return false, killErr
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) && !exit.Exited() {
		return true, nil // ended by the signal
	}
	return false, err
}

// finish waits for the process to end by itself.
func (r *importRun) finish() error {
	for range r.lines {
	}
	return r.cmd.Wait()
}

func (r *importRun) snapshot() (acks []ackLine, out []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.acks), slices.Clone(r.out)
}

// crashCorpus is a subset of the shared offers, in their original formats
// (France Travail JSON, Place de l'emploi public CSV), that can be written
// as it is or with a marker word added to each description, so that every
// round of the crash test rewrites every offer and its version can be told.
type crashCorpus struct {
	ft      []json.RawMessage
	pepHead string
	pep     [][]string
	pepDesc int // index of the Description column
}

func loadCrashCorpus(t *testing.T, nFT, nPEP int) *crashCorpus {
	t.Helper()
	raw, err := os.ReadFile(shareddata.Path(t, "offers", "france-travail-2024.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c crashCorpus
	if err := json.Unmarshal(raw, &c.ft); err != nil {
		t.Fatal(err)
	}
	c.ft = c.ft[:min(nFT, len(c.ft))]
	raw, err = os.ReadFile(shareddata.Path(t, "offers", "place-emploi-public-2021.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	c.pepHead = lines[0]
	c.pepDesc = slices.Index(strings.Split(c.pepHead, "|"), "Description")
	if c.pepDesc < 0 {
		t.Fatal("place-emploi-public-2021.csv: no Description column")
	}
	for _, l := range lines[1:min(nPEP+1, len(lines))] {
		c.pep = append(c.pep, strings.Split(l, "|"))
	}
	return &c
}

// write writes the corpus into dir, each description followed by marker
// when there is one, and returns the files.
func (c *crashCorpus) write(t *testing.T, dir, marker string) []string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	records := make([]json.RawMessage, len(c.ft))
	for i, r := range c.ft {
		records[i] = r
		if marker == "" {
			continue
		}
		var m map[string]json.RawMessage
		var desc string
		if err := json.Unmarshal(r, &m); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(m["description"], &desc); err != nil {
			t.Fatal(err)
		}
		m["description"], _ = json.Marshal(desc + "\n" + marker)
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		records[i] = b
	}
	ft, err := json.Marshal(records)
	if err != nil {
		t.Fatal(err)
	}
	var pep strings.Builder
	pep.WriteString(c.pepHead + "\n")
	for _, fields := range c.pep {
		fields = slices.Clone(fields)
		if marker != "" {
			fields[c.pepDesc] += `\n` + marker
		}
		pep.WriteString(strings.Join(fields, "|") + "\n")
	}
	files := []string{filepath.Join(dir, "france-travail.json"), filepath.Join(dir, "place-emploi-public.csv")}
	if err := os.WriteFile(files[0], ft, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(files[1], []byte(pep.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return files
}

// crashMarkers are the words that tell each round's version of the offers
// apart: far from each other and from French, so that typo tolerance does
// not take one for another.
var crashMarkers = []string{"alfa", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
	"juliett", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
	"uniform", "victor", "whiskey", "xray", "yankee", "zulu"}

func crashMarker(round int) string {
	return fmt.Sprintf("zq%s%d", crashMarkers[(round-1)%len(crashMarkers)], round)
}

// Where the crash test kills an import.
const (
	killEarly   = "early"   // before the first acknowledgement: opening, catching up
	killMid     = "mid"     // in the first half of the batches
	killLate    = "late"    // in the second half
	killVectors = "vectors" // after the import, while the built-in model trains and embeds
)

// calibration is what a clean import of the corpus took, to place kills.
type calibration struct {
	firstAck, imported, total time.Duration
	batches                   int
}

// TestCrashSafety kills `offres index` with SIGKILL at random points, round
// after round on the same data directory, and checks after each kill that
// the data directory opens (the catalogue, the full-text index, the
// vectors) and that no offer the import acknowledged is lost, in the version
// acknowledged. It then runs the import to its end and checks that it
// converges: the same catalogue and the same search results as a clean
// import into a fresh directory, and the same again after `offres reindex`
// on both.
func TestCrashSafety(t *testing.T) {
	const (
		nFT, nPEP = 80, 80 // offers from each shared file
		batch     = 4      // small batches: many commits for the kills to fall between
	)
	corpus := loadCrashCorpus(t, nFT, nPEP)
	offresBinary(t)
	seed := *crashSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (to replay: go test ./cmd/offres/ -run TestCrashSafety -args -crash.seed=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	rounds := *crashRounds
	if testing.Short() {
		rounds = min(rounds, 4)
	}

	work := t.TempDir()
	original := corpus.write(t, filepath.Join(work, "original"), "")

	// A clean import: the reference the crashed directory must converge
	// to, and the durations that place the kills.
	clean := filepath.Join(work, "clean")
	run := startImport(t, clean, batch, original...)
	var cal calibration
	run.waitLine(func(l string) bool { return strings.HasPrefix(l, `{"ack":`) })
	cal.firstAck = time.Since(run.start)
	run.waitLine(func(l string) bool { return strings.HasPrefix(l, "import: ") })
	cal.imported = time.Since(run.start)
	if err := run.finish(); err != nil {
		t.Fatalf("clean import: %v\n%s", err, run.stderr.String())
	}
	cal.total = time.Since(run.start)
	acks, _ := run.snapshot()
	cal.batches = len(acks)
	t.Logf("clean import: %d batches, first acknowledgement at %s, import done at %s, vectors done at %s",
		cal.batches, cal.firstAck.Round(time.Millisecond), cal.imported.Round(time.Millisecond), cal.total.Round(time.Millisecond))
	if cal.batches < 20 {
		t.Fatalf("%d batches: too few for kills to fall between them", cal.batches)
	}

	dir := filepath.Join(work, "crashed")
	acked := map[string]bool{} // every offer acknowledged in any round
	landed := map[string]int{}
	phases := []string{killEarly, killMid, killLate, killVectors}
	for round := 1; round <= rounds; round++ {
		if (round-1)%len(phases) == 0 {
			rng.Shuffle(len(phases), func(i, j int) { phases[i], phases[j] = phases[j], phases[i] })
		}
		phase := phases[(round-1)%len(phases)]
		marker := crashMarker(round)
		files := corpus.write(t, filepath.Join(work, fmt.Sprintf("round%02d", round)), marker)
		run := startImport(t, dir, batch, files...)
		var plan string
		switch phase {
		case killEarly:
			d := time.Duration(rng.Int64N(int64(cal.firstAck)))
			plan = fmt.Sprintf("at %s", d.Round(time.Millisecond))
			time.Sleep(d)
		case killMid, killLate:
			half := cal.batches / 2
			k := 1 + rng.IntN(half)
			if phase == killLate {
				k = half + 1 + rng.IntN(cal.batches-half)
			}
			// Most kills soon after the acknowledgement, while the next
			// batch's transaction is being written; some later in the batch.
			perBatch := (cal.imported - cal.firstAck) / time.Duration(cal.batches)
			u := rng.Float64()
			d := time.Duration(u * u * u * float64(perBatch))
			plan = fmt.Sprintf("%s after acknowledgement %d", d.Round(time.Millisecond), k)
			n := 0
			run.waitLine(func(l string) bool {
				if strings.HasPrefix(l, `{"ack":`) {
					n++
				}
				return n == k
			})
			time.Sleep(d)
		case killVectors:
			d := time.Duration(rng.Int64N(int64(cal.total-cal.imported) + 1))
			plan = fmt.Sprintf("%s after the import", d.Round(time.Millisecond))
			run.waitLine(func(l string) bool { return strings.HasPrefix(l, "import: ") })
			time.Sleep(d)
		}
		killed, err := run.kill()
		if err != nil {
			t.Fatalf("round %d: offres index ended with %v\n%s", round, err, run.stderr.String())
		}
		acks, out := run.snapshot()
		where := "completed before the kill"
		switch {
		case !killed:
		case len(acks) == 0:
			where = "killed before the first acknowledgement"
		case slices.ContainsFunc(out, func(l string) bool { return strings.HasPrefix(l, "import: ") }):
			where = "killed in the vector phase"
		default:
			where = "killed mid-import"
		}
		landed[where]++
		t.Logf("round %2d (%s): kill planned %s; %s, %d acknowledgements", round, phase, plan, where, len(acks))
		var thisRound []string
		for _, a := range acks {
			thisRound = append(thisRound, a.IDs...)
			for _, id := range a.IDs {
				acked[id] = true
			}
		}
		checkAfterCrash(t, round, dir, marker, thisRound, acked)
		if t.Failed() {
			return
		}
	}
	t.Logf("kills: %v", landed)

	// offres reindex, killed too: while it rebuilds the full-text index
	// (deleted first), retrains the built-in model or re-embeds.
	for i := 1; i <= 2; i++ {
		cmd := exec.Command(offresBinary(t), "reindex", "--data", dir, "--log-level", "warn")
		cmd.Env = processEnv()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		d := cal.firstAck + time.Duration(rng.Int64N(int64(cal.total-cal.imported)+1))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(d)
		cmd.Process.Kill()
		err := cmd.Wait()
		var exit *exec.ExitError
		if err != nil && !(errors.As(err, &exit) && !exit.Exited()) {
			t.Fatalf("offres reindex: %v\n%s", err, stderr.String())
		}
		what := "killed"
		if err == nil {
			what = "completed before the kill"
		}
		t.Logf("reindex %d: kill planned at %s; %s", i, d.Round(time.Millisecond), what)
		checkAfterCrash(t, rounds+i, dir, crashMarker(rounds), nil, acked)
		if t.Failed() {
			return
		}
	}

	// Run the import to its end, with the original files: every offer goes
	// back to its original version.
	run = startImport(t, dir, batch, original...)
	if err := run.finish(); err != nil {
		t.Fatalf("final import: %v\n%s", err, run.stderr.String())
	}
	compareDirs(t, clean, dir, comparison{mode: offres.ModeKeyword})
	for _, d := range []string{clean, dir} {
		out, stderr, err := runBinary(t, "reindex", "--data", d, "--log-level", "warn")
		if err != nil || !strings.HasPrefix(out, "reindex: done") {
			t.Fatalf("offres reindex %s: %v\n%s%s", d, err, out, stderr)
		}
	}
	// Rebuilt from the same catalogue, the full-text indexes score alike,
	// and the built-in models are the same.
	compareDirs(t, clean, dir, comparison{offres.ModeKeyword, true}, comparison{offres.ModeSemantic, true}, comparison{mode: offres.ModeHybrid})
}

// checkAfterCrash opens the data directory after a kill as the commands do
// (offres search: the catalogue, the full-text index, the vectors,
// repairing what the crash left), then reads the catalogue and the
// full-text index it leaves, and checks every acknowledged offer: in both,
// in this round's version for those this round acknowledged. The test reads
// the stores directly (the layout of the data directory: offers.db,
// fulltext/) rather than through the engine, whose start-up would repair
// them again and costs more under the race detector.
func checkAfterCrash(t *testing.T, round int, dir, marker string, thisRound []string, acked map[string]bool) {
	t.Helper()
	out, stderr, err := runBinary(t, "search", "--data", dir, "--json", "--mode", "keyword", "--include-closed", "--collapse=false", "--log-level", "warn", marker)
	var res offres.Result
	if err == nil {
		err = json.Unmarshal([]byte(out), &res)
	}
	if err != nil {
		t.Fatalf("round %d: offres search after the kill: %v\n%s\n%s", round, err, out, stderr)
	}

	ctx := context.Background()
	cat, err := boltstore.Open(filepath.Join(dir, "offers.db"))
	if err != nil {
		t.Fatalf("round %d: catalogue: %v", round, err)
	}
	defer cat.Close()
	text, err := fulltext.Open(filepath.Join(dir, "fulltext"), fulltext.Options{})
	if err != nil {
		t.Fatalf("round %d: full-text index: %v", round, err)
	}
	defer text.Close()
	stored, err := cat.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for id := range acked {
		if _, err := cat.Get(ctx, id); err != nil {
			t.Errorf("round %d: acknowledged offer %s lost from the catalogue: %v", round, id, err)
		}
	}
	for _, id := range thisRound {
		o, err := cat.Get(ctx, id)
		if err != nil {
			continue // reported above
		}
		if b, _ := json.Marshal(o); !bytes.Contains(b, []byte(marker)) {
			t.Errorf("round %d: offer %s acknowledged in this round's version (%s), the catalogue has an older one", round, id, marker)
		}
	}
	if pending, err := cat.Pending(ctx); err != nil || len(pending) > 0 {
		t.Errorf("round %d: %d offers still pending after a start (%v): the index did not catch up", round, len(pending), err)
	}
	all := textIDs(t, text, "")
	if len(all) != stored {
		t.Errorf("round %d: the full-text index has %d offers, the catalogue %d", round, len(all), stored)
	}
	for id := range acked {
		if !slices.Contains(all, id) {
			t.Errorf("round %d: acknowledged offer %s missing from the full-text index", round, id)
		}
	}
	current := textIDs(t, text, marker)
	for _, id := range thisRound {
		if !slices.Contains(current, id) {
			t.Errorf("round %d: the full-text index does not have this round's version of acknowledged offer %s", round, id)
		}
	}
	if res.Total < len(current) {
		t.Errorf("round %d: offres search found %d offers with %s, the full-text index %d", round, res.Total, marker, len(current))
	}
}

// textIDs returns the ids of the offers of the full-text index that match
// text exactly (every offer for ""), closed ones included.
func textIDs(t *testing.T, text *fulltext.Index, q string) []string {
	t.Helper()
	var ids []string
	for page := 1; ; page++ {
		res, err := text.Search(context.Background(), offres.Query{Text: q, IncludeClosed: true, Page: page, Limit: offres.MaxPageSize})
		if err != nil {
			t.Fatalf("full-text search %q: %v", q, err)
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if len(res.Hits) < offres.MaxPageSize || len(ids) >= res.Total {
			return ids
		}
	}
}

// searchHits returns every hit of a search, closed offers included, in rank
// order.
func searchHits(t *testing.T, eng *engine.Engine, r search.Request) []offres.Hit {
	t.Helper()
	r.IncludeClosed, r.Limit = true, offres.MaxPageSize
	var hits []offres.Hit
	for r.Page = 1; ; r.Page++ {
		res, err := eng.Search().Search(context.Background(), r)
		if err != nil {
			t.Fatalf("search %q: %v", r.Text, err)
		}
		if r.Mode != "" && res.Mode != r.Mode {
			t.Fatalf("search %q ran in mode %s, not %s", r.Text, res.Mode, r.Mode)
		}
		hits = append(hits, res.Hits...)
		if len(res.Hits) < r.Limit || len(hits) >= res.Total {
			return hits
		}
	}
}

// How compareDirs compares the results of a search mode.
type comparison struct {
	mode string
	// ranked compares the hits in rank order with their scores, offers of
	// equal score in any order (the full-text index does not order ties);
	// otherwise only the sets of hits are compared: keyword scores depend on
	// the index's history of updates, and hybrid ranks on the order of
	// keyword ties.
	ranked bool
}

// compareDirs checks that two data directories hold the same offers in the
// same versions and answer the same searches.
func compareDirs(t *testing.T, want, got string, comparisons ...comparison) {
	t.Helper()
	ctx := context.Background()
	open := func(dir string) *engine.Engine {
		eng, err := engine.Open(ctx, engine.Options{Dir: dir})
		if err != nil {
			t.Fatalf("open %s: %v", dir, err)
		}
		return eng
	}
	a, b := open(want), open(got)
	defer a.Close()
	defer b.Close()
	hashes := func(eng *engine.Engine) map[string]string {
		m := map[string]string{}
		if err := eng.Scan(ctx, func(o offres.Offer) error { m[o.ID] = o.ContentHash(); return nil }); err != nil {
			t.Fatal(err)
		}
		return m
	}
	ha, hb := hashes(a), hashes(b)
	if len(ha) != len(hb) {
		t.Errorf("%d offers after the crashes and the last import, %d after a clean import", len(hb), len(ha))
	}
	for id, h := range ha {
		if hb[id] != h {
			t.Errorf("offer %s: not the clean import's version after the crashes (hash %.8s, want %.8s)", id, hb[id], h)
		}
	}
	semantic := slices.ContainsFunc(comparisons, func(c comparison) bool { return c.mode != offres.ModeKeyword })
	if semantic && a.Model() != b.Model() {
		t.Errorf("model %s after the crashes, %s after a clean import", b.Model(), a.Model())
	}
	queries := []string{"", "infirmier", "technicien", "agent administratif", "chef de projet", "ingénieur informatique",
		"comptable", "Nouméa", "contrat à durée déterminée"}
	for round := 1; round <= len(crashMarkers); round++ {
		queries = append(queries, crashMarker(round))
	}
	for _, c := range comparisons {
		for _, q := range queries {
			marker := strings.HasPrefix(q, "zq")
			if (q == "" || marker) && c.mode != offres.ModeKeyword {
				continue
			}
			r := search.Request{Text: q, Mode: c.mode, NoFuzzy: marker}
			ra, rb := hitKeys(searchHits(t, a, r), c.ranked), hitKeys(searchHits(t, b, r), c.ranked)
			if marker && len(rb) > 0 {
				t.Errorf("%s %q: %d offers still found in a version of the crash rounds: %v", c.mode, q, len(rb), rb[:min(5, len(rb))])
			}
			if !slices.Equal(ra, rb) {
				i := 0
				for i < min(len(ra), len(rb)) && ra[i] == rb[i] {
					i++
				}
				t.Errorf("%s %q: after the crashes %d hits, after a clean import %d; they differ at %d: %v, want %v",
					c.mode, q, len(rb), len(ra), i, rb[i:min(i+3, len(rb))], ra[i:min(i+3, len(ra))])
			}
		}
	}
}

// hitKeys returns the hits' ids, sorted; or, ranked, "score id" in rank
// order with the ties sorted by id.
func hitKeys(hits []offres.Hit, ranked bool) []string {
	hits = slices.Clone(hits)
	if ranked {
		slices.SortStableFunc(hits, func(x, y offres.Hit) int {
			if c := cmp.Compare(y.Score, x.Score); c != 0 {
				return c
			}
			return strings.Compare(x.ID, y.ID)
		})
	} else {
		slices.SortFunc(hits, func(x, y offres.Hit) int { return strings.Compare(x.ID, y.ID) })
	}
	keys := make([]string, len(hits))
	for i, h := range hits {
		keys[i] = h.ID
		if ranked {
			keys[i] = fmt.Sprintf("%.9f %s", h.Score, h.ID)
		}
	}
	return keys
}
