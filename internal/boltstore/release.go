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
// of a bucket, its statistics), then drops the pages it read from the
// process's resident memory.
func (s *Store) scan(fn func(*bbolt.Tx) error) error {
	defer s.release()
	return s.db.View(fn)
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
