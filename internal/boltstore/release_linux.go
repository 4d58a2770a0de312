package boltstore

import "syscall"

// dropPages advises the kernel that the size bytes mapped at addr are not
// needed: a shared file mapping's pages (bbolt maps the file MAP_SHARED,
// read-only) leave the process's resident set and stay in the page cache;
// the next read of one maps it again, unchanged. (A private mapping would
// read zeros instead: this is for bbolt's map only.)
func dropPages(addr uintptr, size int64) {
	if size > 0 {
		_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, addr, uintptr(size), syscall.MADV_DONTNEED)
	}
}
