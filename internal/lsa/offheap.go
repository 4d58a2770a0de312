package lsa

import "unsafe"

// offHeap holds the large numeric arrays of a training (the TF-IDF matrix
// and its transpose, the products of the randomized SVD: about 150 MB for
// an 8,000-passage sample) outside the garbage-collected heap, where they
// are known to die together when the training returns. On the heap, they
// counted in the live heap the collector lets grow to twice its size
// before collecting: with the import running beside the training, they
// were most of the peak memory of an import (issue 18). They hold no
// pointers, and nothing of them outlives free: the model's arrays are
// copies.
//
// Where anonymous memory maps are not available, the arrays are ordinary
// slices.
type offHeap struct {
	maps [][]byte
}

// bytes returns n zero bytes, mapped when possible.
func (h *offHeap) bytes(n int) []byte {
	if n == 0 {
		return nil
	}
	if b, ok := mapAnon(n); ok {
		h.maps = append(h.maps, b)
		return b
	}
	return make([]byte, n)
}

func (h *offHeap) float64s(n int) []float64 {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*float64)(unsafe.Pointer(&h.bytes(n * 8)[0])), n)
}

func (h *offHeap) float32s(n int) []float32 {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&h.bytes(n * 4)[0])), n)
}

func (h *offHeap) int32s(n int) []int32 {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*int32)(unsafe.Pointer(&h.bytes(n * 4)[0])), n)
}

// free returns the mapped arrays to the system: none may be used after.
func (h *offHeap) free() {
	for _, b := range h.maps {
		unmap(b)
	}
	h.maps = nil
}
