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
// branch) — and near-identical texts: the Jaccard similarity of their sets
// of word 3-shingles, estimated by MinHash over dupHashes hash functions,
// is at least dupSimilarity. The texts of the shared France Travail offers
// that share a title and an employer are either near-identical (0.73 to
// 1.0, the same ad for several towns) or unrelated (below 0.1, agencies
// reusing a title), so the cut is not delicate. Clusters are the connected
// components of those pairs, named by their least offer id, so the same
// offers give the same clusters whatever the order they came in.
//
// The offers of the same title, employer and signature are one node (the
// same ad copied: a generated corpus copies each ad hundreds of times), and
// a node is compared only with the nodes that share a band of its
// signature (dupBands bands of dupRows slots, locality-sensitive hashing):
// a pair at 0.7 shares one with probability 1 − (1 − 0.7³)¹⁰ ≈ 0.985, a pair
// at 0.1 with 0.01. Comparing every pair of offers of a title and employer
// took quadratic time: an import of 1,000,000 generated offers spent 97 %
// of its CPU there and slowed to 100 offers/s at 300,000.
const (
	dupHashes     = 32
	dupSimilarity = 0.7
	dupShingle    = 3
	dupBands      = 10
	dupRows       = 3
)

// signature is the MinHash of an offer's text.
type signature [dupHashes]uint32

// dupNode is the offers of one title, employer and signature.
type dupNode struct {
	key      string   // folded title
	employer []string // folded employer's words
	sig      signature
	ids      []string
}

// id identifies a node by its title, employer and signature.
func (n *dupNode) id() uint64 {
	h := fnv.New64a()
	h.Write([]byte(n.key + "\x00" + strings.Join(n.employer, " ") + "\x00"))
	h.Write(sigBytes(n.sig[:]))
	return h.Sum64()
}

// bands returns the keys of a node's LSH buckets: the hash of its title,
// the band's number and the band of its signature, for each band.
func (n *dupNode) bands() [dupBands]uint64 {
	var out [dupBands]uint64
	for b := range out {
		h := fnv.New64a()
		h.Write([]byte(n.key))
		h.Write([]byte{byte(b)})
		h.Write(sigBytes(n.sig[b*dupRows : (b+1)*dupRows]))
		out[b] = h.Sum64()
	}
	return out
}

func sigBytes(slots []uint32) []byte {
	out := make([]byte, 0, 4*len(slots))
	for _, v := range slots {
		out = append(out, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
	}
	return out
}

// Duplicates groups the near-duplicate offers of the index. It is safe for
// concurrent use.
type Duplicates struct {
	mu      sync.RWMutex
	offer   map[string]uint64   // offer → its node
	nodes   map[uint64]*dupNode // node id → node
	buckets map[uint64][]uint64 // LSH bucket → its nodes
	root    map[uint64]uint64   // node → its cluster's root node
	members map[uint64][]uint64 // root → the cluster's nodes
	name    map[uint64]string   // root → the cluster's name: its least offer id
}

// NewDuplicates returns an empty set of clusters.
func NewDuplicates() *Duplicates {
	return &Duplicates{offer: map[string]uint64{}, nodes: map[uint64]*dupNode{}, buckets: map[uint64][]uint64{},
		root: map[uint64]uint64{}, members: map[uint64][]uint64{}, name: map[uint64]string{}}
}

// Add records the offers (replacing those of the same ids) and updates
// their clusters.
func (d *Duplicates) Add(offers []offres.Offer) {
	nodes := make([]dupNode, len(offers))
	for i := range offers {
		o := &offers[i]
		nodes[i] = dupNode{key: offres.FoldKey(o.Title), employer: strings.Fields(offres.FoldKey(o.Employer)),
			sig: minHash(o.Title + "\n" + o.FullText())}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	var loose, added []uint64 // nodes of dissolved clusters; nodes new
	for i := range offers {
		if _, ok := d.offer[offers[i].ID]; ok {
			loose = append(loose, d.forget(offers[i].ID)...)
		}
	}
	for i := range offers {
		id, nid := offers[i].ID, nodes[i].id()
		n, ok := d.nodes[nid]
		if !ok {
			n = new(dupNode) // not a pointer into nodes: the batch's other nodes are not kept
			*n = nodes[i]
			d.nodes[nid] = n
			for _, b := range n.bands() {
				d.buckets[b] = append(d.buckets[b], nid)
			}
			d.root[nid], d.members[nid], d.name[nid] = nid, []uint64{nid}, id
			added = append(added, nid)
		}
		n.ids = append(n.ids, id)
		d.offer[id] = nid
		r := d.root[nid]
		d.name[r] = min(d.name[r], id)
	}
	for _, nid := range append(added, loose...) {
		if _, ok := d.nodes[nid]; ok {
			d.attach(nid)
		}
	}
}

// Remove forgets the offers and updates their clusters.
func (d *Duplicates) Remove(ids []string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var loose []uint64
	for _, id := range ids {
		if _, ok := d.offer[id]; ok {
			loose = append(loose, d.forget(id)...)
		}
	}
	for _, nid := range loose {
		if _, ok := d.nodes[nid]; ok {
			d.attach(nid)
		}
	}
}

// Cluster returns the cluster of an offer: its own id when it has no
// duplicate.
func (d *Duplicates) Cluster(id string) string {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if nid, ok := d.offer[id]; ok {
		return d.name[d.root[nid]]
	}
	return id
}

// forget takes an offer out of its node. A node left empty leaves its
// buckets and dissolves its cluster, which may fall apart without it: the
// cluster's other nodes are returned, to attach again. The caller holds mu.
func (d *Duplicates) forget(id string) []uint64 {
	nid := d.offer[id]
	delete(d.offer, id)
	n := d.nodes[nid]
	n.ids = slices.DeleteFunc(n.ids, func(x string) bool { return x == id })
	r := d.root[nid]
	if len(n.ids) > 0 {
		if d.name[r] == id {
			d.name[r] = d.leastOffer(d.members[r])
		}
		return nil
	}
	for _, b := range n.bands() {
		if ns := slices.DeleteFunc(d.buckets[b], func(x uint64) bool { return x == nid }); len(ns) > 0 {
			d.buckets[b] = ns
		} else {
			delete(d.buckets, b)
		}
	}
	others := slices.DeleteFunc(d.members[r], func(x uint64) bool { return x == nid })
	delete(d.members, r)
	delete(d.name, r)
	delete(d.root, nid)
	delete(d.nodes, nid)
	for _, o := range others {
		d.root[o], d.members[o], d.name[o] = o, []uint64{o}, d.leastOffer([]uint64{o})
	}
	return others
}

// leastOffer returns the least offer id of nodes. The caller holds mu.
func (d *Duplicates) leastOffer(nodes []uint64) string {
	least := ""
	for _, nid := range nodes {
		for _, id := range d.nodes[nid].ids {
			if least == "" || id < least {
				least = id
			}
		}
	}
	return least
}

// attach joins a node to the clusters of the nodes of its buckets it is a
// near-duplicate of. The caller holds mu.
func (d *Duplicates) attach(nid uint64) {
	n := d.nodes[nid]
	for _, b := range n.bands() {
		for _, other := range d.buckets[b] {
			if d.root[other] == d.root[nid] {
				continue
			}
			o := d.nodes[other]
			if o.key == n.key && sameEmployer(n.employer, o.employer) && similarity(n.sig, o.sig) >= dupSimilarity {
				d.union(nid, other)
			}
		}
	}
}

// union merges the clusters of two nodes, the smaller into the larger. The
// caller holds mu.
func (d *Duplicates) union(a, b uint64) {
	ra, rb := d.root[a], d.root[b]
	if len(d.members[ra]) < len(d.members[rb]) {
		ra, rb = rb, ra
	}
	for _, m := range d.members[rb] {
		d.root[m] = ra
	}
	d.members[ra] = append(d.members[ra], d.members[rb]...)
	d.name[ra] = min(d.name[ra], d.name[rb])
	delete(d.members, rb)
	delete(d.name, rb)
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
// duplicates dropped from the ranking. The offer kept is a member with
// evidence when one has (the copy of an ad in the town searched for:
// « ripeur à Chartres » showed the agency's copy for another town), and
// among those the member of least id, so that two indexes of the same
// offers, which may order equal scores differently, show the same one.
func Collapse(fused []Fused, cluster func(id string) string, evidence map[string]bool) ([]Fused, map[string][]string) {
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
		if better := evidence[f.ID] && !evidence[out[i].ID]; better || (evidence[f.ID] == evidence[out[i].ID] && f.ID < out[i].ID) {
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
