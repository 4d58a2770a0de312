//go:build !linux

package boltstore

// dropPages does nothing where the pages of a mapping are not dropped
// (the kernel reclaims them when it needs the memory).
func dropPages(addr uintptr, size int64) {}
