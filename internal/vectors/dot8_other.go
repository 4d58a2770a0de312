//go:build !amd64

package vectors

const hasDot8Asm = false

func dot8Asm(a *float32, c *int8, n int) float32 { panic("vectors: dot8Asm without assembly") }
