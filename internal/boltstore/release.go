package boltstore

import "go.etcd.io/bbolt"

// The catalogue's file is mapped into the process (bbolt reads its pages
// through a memory map). Each page a transaction reads stays mapped, hence
// counted in the process's resident memory, until the kernel needs the
// memory back: after an import, the whole file (160–190 MB at 10,000
// offers, vectors included) was resident, a third of the peak RSS of an
// import and half of a server's (issue 18). The pages are the kernel's
// page cache, clean and shared: dropping them from the process's mapping
// (madvise MADV_DONTNEED) costs nothing but a minor fault when one is read
// again, and leaves them cached.

// update runs fn in a write transaction, then drops the pages it read
// from the process's resident memory.
func (s *Store) update(fn func(*bbolt.Tx) error) error {
	defer s.release()
	return s.db.Update(fn)
}

// scan runs fn in a read transaction that reads much of the file (a scan
// of a bucket), then drops the pages it read from the process's resident
// memory. fn calls the pager's read for each key it reads: every
// releaseEvery keys, the pages read so far are dropped too, so that a scan
// of the whole file does not make it resident.
func (s *Store) scan(fn func(*bbolt.Tx, *pager) error) error {
	defer s.release()
	return s.db.View(func(tx *bbolt.Tx) error {
		return fn(tx, &pager{data: s.db.Info().Data, tx: tx})
	})
}

// releaseEvery is the number of keys a scan reads between two drops of its
// pages: about 4 MB of passages.
const releaseEvery = 1024

// pager drops the pages a scan has read, every releaseEvery keys.
type pager struct {
	data uintptr // the file's mapping: stable while tx is open
	tx   *bbolt.Tx
	keys int
}

// read counts a key read.
func (p *pager) read() {
	if p.keys++; p.keys%releaseEvery == 0 {
		dropPages(p.data, p.tx.Size())
	}
}

// count returns the number of keys of b, dropping the pages it reads as it
// goes (bbolt's Bucket.Stats reads every page of the bucket at once).
func (p *pager) count(b *bbolt.Bucket) int {
	n := 0
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		p.read()
		n++
	}
	return n
}

// release drops the mapped pages of the file from the process's resident
// memory. It runs in a read transaction: bbolt does not remap the file
// (when it grows) while one is open, so the range stays the file's.
func (s *Store) release() {
	_ = s.db.View(func(tx *bbolt.Tx) error {
		dropPages(s.db.Info().Data, tx.Size())
		return nil
	})
}
