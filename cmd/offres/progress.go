package main

import (
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
)

// progress shows how many bytes of the sources an import has read, on a
// terminal only: logs and CI output stay clean.
type progress struct{ bar *progressbar.ProgressBar }

func newProgress(w io.Writer, files []string, quiet bool) progress {
	f, ok := w.(*os.File)
	if quiet || !ok {
		return progress{}
	}
	if info, err := f.Stat(); err != nil || info.Mode()&os.ModeCharDevice == 0 {
		return progress{}
	}
	var total int64
	for _, name := range files {
		if info, err := os.Stat(name); err == nil {
			total += info.Size()
		}
	}
	return progress{bar: progressbar.DefaultBytes(total, "import")}
}

func (p progress) add(n int) {
	if p.bar != nil {
		p.bar.Add(n)
	}
}

func (p progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
