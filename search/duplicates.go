package search

import (
	"hash/fnv"
	"math"
	"slices"
	"strings"
	"sync"

	"offres/internal/offres"
)

// Near-duplicate offers: reposted offers, or one offer published for
// several sites, fill a page with the same job. Two offers are duplicates
// when they have the same title (folded), the same employer — or one named
// more fully (« TEMPORIS » and « Temporis Mauléon », the agency and its
// branch) — and near-identical texts: the Jaccard similarity of their sets of word 3-shingles, estimated
// by MinHash over dupHashes hash functions, is at least dupSimilarity. The
// texts of the shared France Travail offers that share a title and an
// employer are either near-identical (0.73 to 1.0, the same ad for several
// towns) or unrelated (below 0.1, agencies reusing a title), so the cut is
// not delicate. A cluster is named by its least offer id, so the same
// offers give the same clusters whatever the order they came in.
const (
	dupHashes     = 32
	dupSimilarity = 0.7
	dupShingle    = 3
)

// signature is the MinHash of an offer's text.
type signature [dupHashes]uint32

// dupEntry is what the clusters know of an offer.
type dupEntry struct {
	key      string   // folded title
	employer []string // folded employer's words
	sig      signature
}

// Duplicates groups the near-duplicate offers of the index. It is safe for
// concurrent use.
type Duplicates struct {
	mu      sync.RWMutex
	entries map[string]dupEntry
	byKey   map[string][]string // key → its offers
	cluster map[string]string   // offer → its cluster, for clusters of two or more
	members map[string][]string // cluster → its offers, sorted
}

// NewDuplicates returns an empty set of clusters.
func NewDuplicates() *Duplicates {
	return &Duplicates{entries: map[string]dupEntry{}, byKey: map[string][]string{},
		cluster: map[string]string{}, members: map[string][]string{}}
}

// Add records the offers (replacing those of the same ids) and updates
// their clusters.
func (d *Duplicates) Add(offers []offres.Offer) {
	changed := map[string]bool{}
	entries := make([]dupEntry, len(offers))
	for i := range offers {
		o := &offers[i]
		entries[i] = dupEntry{key: offres.FoldKey(o.Title), employer: strings.Fields(offres.FoldKey(o.Employer)),
			sig: minHash(o.Title + "\n" + o.FullText())}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for i := range offers {
		id := offers[i].ID
		if old, ok := d.entries[id]; ok {
			d.unlink(id, old.key)
			changed[old.key] = true
		}
		e := entries[i]
		d.entries[id] = e
		d.byKey[e.key] = append(d.byKey[e.key], id)
		changed[e.key] = true
	}
	for key := range changed {
		d.recluster(key)
	}
}

// Remove forgets the offers and updates their clusters.
func (d *Duplicates) Remove(ids []string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	changed := map[string]bool{}
	for _, id := range ids {
		if e, ok := d.entries[id]; ok {
			d.unlink(id, e.key)
			delete(d.entries, id)
			changed[e.key] = true
		}
	}
	for key := range changed {
		d.recluster(key)
	}
}

// Cluster returns the cluster of an offer: its own id when it has no
// duplicate.
func (d *Duplicates) Cluster(id string) string {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if c, ok := d.cluster[id]; ok {
		return c
	}
	return id
}

// unlink takes id out of its key's offers. The caller holds mu.
func (d *Duplicates) unlink(id, key string) {
	ids := slices.DeleteFunc(d.byKey[key], func(x string) bool { return x == id })
	if len(ids) == 0 {
		delete(d.byKey, key)
	} else {
		d.byKey[key] = ids
	}
}

// recluster computes the clusters of the offers of one key: those linked
// by a chain of near-identical pairs. The caller holds mu.
func (d *Duplicates) recluster(key string) {
	ids := slices.Clone(d.byKey[key])
	slices.Sort(ids)
	for _, id := range ids {
		if c, ok := d.cluster[id]; ok {
			delete(d.members, c)
			delete(d.cluster, id)
		}
	}
	// Union-find over the pairs; the root is the least id.
	parent := make([]int, len(ids))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for i := range ids {
		for j := i + 1; j < len(ids); j++ {
			a, b := d.entries[ids[i]], d.entries[ids[j]]
			if sameEmployer(a.employer, b.employer) && similarity(a.sig, b.sig) >= dupSimilarity {
				ra, rb := find(i), find(j)
				parent[max(ra, rb)] = min(ra, rb)
			}
		}
	}
	groups := map[int][]string{}
	for i, id := range ids {
		r := find(i)
		groups[r] = append(groups[r], id)
	}
	for r, members := range groups {
		if len(members) < 2 {
			continue
		}
		c := ids[r]
		d.members[c] = members
		for _, id := range members {
			d.cluster[id] = c
		}
	}
}

// sameEmployer reports whether two employers' folded words name the same
// employer: the same words, or those of one leading the other's (« temporis »
// and « temporis mauleon »); an employer unnamed is alike only another
// unnamed one.
func sameEmployer(a, b []string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	return (len(a) > 0 || len(b) == 0) && slices.Equal(a, b[:len(a)])
}

// minHash returns the MinHash signature of the word 3-shingles of text,
// folded; a text of fewer words is one shingle.
func minHash(text string) signature {
	words := strings.Fields(offres.FoldKey(text))
	var sig signature
	for i := range sig {
		sig[i] = math.MaxUint32
	}
	add := func(shingle []string) {
		h := fnv.New64a()
		for _, w := range shingle {
			h.Write([]byte(w))
			h.Write([]byte{0})
		}
		x := h.Sum64()
		for i := range sig {
			// One hash function per slot: the shingle's hash mixed with
			// the slot number (splitmix64's finaliser).
			v := x + uint64(i+1)*0x9e3779b97f4a7c15
			v ^= v >> 30
			v *= 0xbf58476d1ce4e5b9
			v ^= v >> 27
			v *= 0x94d049bb133111eb
			v ^= v >> 31
			sig[i] = min(sig[i], uint32(v))
		}
	}
	if len(words) < dupShingle {
		add(words)
		return sig
	}
	for i := 0; i+dupShingle <= len(words); i++ {
		add(words[i : i+dupShingle])
	}
	return sig
}

// similarity estimates the Jaccard similarity of the shingle sets of two
// signatures: the share of slots where their minima agree.
func similarity(a, b signature) float64 {
	n := 0
	for i := range a {
		if a[i] == b[i] {
			n++
		}
	}
	return float64(n) / dupHashes
}

// Collapse keeps one offer of each cluster of a ranking, at the place of
// its best-ranked member, and returns, for each kept offer, the ids of its
// duplicates dropped from the ranking. The offer kept is the member of
// least id, so that two indexes of the same offers, which may order equal
// scores differently, show the same one.
func Collapse(fused []Fused, cluster func(id string) string) ([]Fused, map[string][]string) {
	out := fused[:0:0]
	at := map[string]int{} // cluster → its place in out
	members := map[int][]string{}
	for _, f := range fused {
		c := cluster(f.ID)
		i, ok := at[c]
		if !ok {
			at[c] = len(out)
			out = append(out, f)
			continue
		}
		if f.ID < out[i].ID {
			members[i] = append(members[i], out[i].ID)
			out[i].ID = f.ID
		} else {
			members[i] = append(members[i], f.ID)
		}
	}
	dups := make(map[string][]string, len(members))
	for i, ids := range members {
		slices.Sort(ids)
		dups[out[i].ID] = ids
	}
	return out, dups
}
