//go:build !unix

package lsa

func mapAnon(int) ([]byte, bool) { return nil, false }

func unmap([]byte) {}
