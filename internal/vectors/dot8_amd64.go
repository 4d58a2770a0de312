package vectors

import "golang.org/x/sys/cpu"

// hasDot8Asm reports whether dot8Asm can run: it needs AVX2 and FMA.
var hasDot8Asm = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// dot8Asm returns the dot product of the n float32s at a and the n int8
// codes at c; n is a multiple of 8. Four 8-lane accumulators over blocks of
// 32 components, then one over blocks of 8: VPMOVSXBD, VCVTDQ2PS,
// VFMADD231PS.
//
//go:noescape
func dot8Asm(a *float32, c *int8, n int) float32
