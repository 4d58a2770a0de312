//go:build !linux

package main

import "time"

// threadCPU is not known here: -1.
func threadCPU() time.Duration { return -1 }
