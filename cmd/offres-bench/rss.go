package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"time"
)

// phaseMemory tells which phase of the run reaches the peak resident
// memory: at the end of each phase it reads the kernel's peak (VmHWM) and
// resets it (/proc/self/clear_refs, Linux), and a sampler (every 20 ms)
// keeps the largest VmRSS of the phase with its anonymous (Go heap,
// off-heap buffers) and file-backed (bbolt's memory map, the binary) parts.
type phaseMemory struct {
	mu     sync.Mutex
	name   string
	cur    rssSample // the sample of the phase's largest VmRSS
	phases []phasePeak
	done   chan struct{}
	wg     sync.WaitGroup
}

type rssSample struct{ rss, anon, file int64 } // kB

type phasePeak struct {
	name    string
	hwm     int64 // kB, VmHWM of the phase (-1: not reset, the whole run so far)
	sampled rssSample
}

// watchPhases starts the sampler with the first phase.
func watchPhases(first string) *phaseMemory {
	p := &phaseMemory{name: first, done: make(chan struct{})}
	resetPeak()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.done:
				return
			case <-t.C:
			}
			s := readRSS()
			p.mu.Lock()
			if s.rss > p.cur.rss {
				p.cur = s
			}
			p.mu.Unlock()
		}
	}()
	return p
}

// next ends the current phase and starts the one named.
func (p *phaseMemory) next(name string) {
	s := readRSS()
	p.mu.Lock()
	defer p.mu.Unlock()
	if s.rss > p.cur.rss {
		p.cur = s
	}
	p.phases = append(p.phases, phasePeak{name: p.name, hwm: resetPeak(), sampled: p.cur})
	p.name, p.cur = name, rssSample{}
}

// stop ends the last phase and the sampler.
func (p *phaseMemory) stop() {
	close(p.done)
	p.wg.Wait()
	p.next("")
}

func (p *phaseMemory) rows(w io.Writer) {
	for _, ph := range p.phases {
		hwm := "unknown"
		if ph.hwm >= 0 {
			hwm = fmt.Sprintf("%d MB", ph.hwm/1024)
		}
		fmt.Fprintf(w, "| peak RSS of the phase: %s | **%s** (largest sample %d MB: %d MB anonymous, %d MB file-backed) |\n",
			ph.name, hwm, ph.sampled.rss/1024, ph.sampled.anon/1024, ph.sampled.file/1024)
	}
}

// resetPeak returns VmHWM (kB), then resets it to the current RSS; -1
// when it cannot be reset.
func resetPeak() int64 {
	hwm := statusField(readStatus(), "VmHWM:")
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		return -1
	}
	return hwm
}

func readRSS() rssSample {
	b := readStatus()
	return rssSample{rss: statusField(b, "VmRSS:"), anon: statusField(b, "RssAnon:"), file: statusField(b, "RssFile:")}
}

func readStatus() []byte {
	b, _ := os.ReadFile("/proc/self/status")
	return b
}

// statusField returns the value in kB of a /proc/PID/status line.
func statusField(status []byte, key string) int64 {
	i := bytes.Index(status, []byte(key))
	if i < 0 {
		return -1
	}
	line := status[i+len(key):]
	if j := bytes.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	v, err := strconv.ParseInt(string(bytes.TrimSuffix(bytes.TrimSpace(line), []byte(" kB"))), 10, 64)
	if err != nil {
		return -1
	}
	return v
}

// peak is the largest VmHWM of the phases ended: the peak of the run.
func (p *phaseMemory) peak() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var peak int64 = -1
	for _, ph := range p.phases {
		if ph.hwm < 0 {
			return "unknown"
		}
		peak = max(peak, ph.hwm)
	}
	if peak < 0 {
		return "unknown"
	}
	return fmt.Sprintf("%d kB", peak)
}
