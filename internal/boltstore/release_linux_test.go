package boltstore

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"offres/internal/offres"
)

// TestReleaseDropsMappedPages checks that a write and a scan leave none of
// the file's pages in the process's resident memory, while a plain read
// leaves those it read.
func TestReleaseDropsMappedPages(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	offers := make([]offres.Offer, 3000)
	ids := make([]string, len(offers))
	for i := range offers {
		ids[i] = fmt.Sprintf("offer-%04d", i)
		offers[i] = offres.Offer{ID: ids[i], Title: "Infirmier", Description: strings.Repeat(fmt.Sprintf("soins %d ", i), 400)}
	}
	if err := s.Put(ctx, offers); err != nil {
		t.Fatal(err)
	}
	if kb := mappedKB(t, path); kb > 256 {
		t.Fatalf("after a write, %d kB of the file resident, want at most 256", kb)
	}
	if _, err := s.Hashes(ctx, ids); err != nil { // reads every offer, released by nothing
		t.Fatal(err)
	}
	full := mappedKB(t, path)
	if full < 8192 {
		t.Fatalf("after reading every offer, %d kB of the file resident: the check cannot tell", full)
	}
	// A scan drops the pages it has read as it goes (those the plain read
	// left too, the first time).
	seen, most := 0, 0
	err := s.Scan(ctx, func(offres.Offer) error {
		if seen++; seen > releaseEvery && seen%250 == 0 {
			most = max(most, mappedKB(t, path))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if most > full/2 {
		t.Fatalf("during a scan, up to %d kB of the file resident, want at most half of %d", most, full)
	}
	if kb := mappedKB(t, path); kb > 256 {
		t.Fatalf("after a scan, %d kB of the file resident, want at most 256", kb)
	}
}

// mappedKB returns the resident size of the process's mappings of path
// (/proc/self/smaps).
func mappedKB(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skip("no /proc/self/smaps:", err)
	}
	defer f.Close()
	total, in := 0, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		switch {
		case len(fields) > 0 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":"):
			in = strings.HasSuffix(line, path)
		case in && len(fields) == 3 && fields[0] == "Rss:":
			kb, err := strconv.Atoi(fields[1])
			if err != nil {
				t.Fatal(err)
			}
			total += kb
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return total
}
