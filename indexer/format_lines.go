package indexer

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// errLineTooLong reports a line longer than the reader's limit; the line is
// skipped and reading can go on.
var errLineTooLong = errors.New("line too long")

// lineReader reads lines of bounded length, without their line end.
type lineReader struct {
	r   *bufio.Reader
	max int
	buf []byte
}

func newLineReader(r io.Reader, limit int) *lineReader {
	return &lineReader{r: bufio.NewReader(r), max: limit}
}

// next returns the next line, valid until the following call; io.EOF after
// the last one.
func (l *lineReader) next() ([]byte, error) {
	l.buf = l.buf[:0]
	tooLong, read := false, false
	for {
		chunk, err := l.r.ReadSlice('\n')
		read = read || len(chunk) > 0
		if !tooLong && len(l.buf)+len(chunk) > l.max+2 { // +2: the line end
			tooLong, l.buf = true, l.buf[:0]
		}
		if !tooLong {
			l.buf = append(l.buf, chunk...)
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && !read:
			return nil, io.EOF
		case err != nil && !errors.Is(err, io.EOF):
			return nil, err
		}
		if tooLong {
			return nil, errLineTooLong
		}
		return bytes.TrimRight(l.buf, "\r\n"), nil
	}
}

func isBlankLine(b []byte) bool { return len(bytes.TrimSpace(b)) == 0 }

// eachLine calls fn with every non-blank line left in lines and its
// position, numbering lines from first. A line over maxLine is rejected and
// the reading goes on; a read error stops it.
func (e *emitter) eachLine(lines *lineReader, first int, fn func(pos string, line []byte) error) error {
	for n := first; ; n++ {
		line, err := lines.next()
		pos := e.pos("line", n)
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case errors.Is(err, errLineTooLong):
			err = e.rejectf(pos, "line longer than %d bytes", maxLine)
		case err != nil:
			return fmt.Errorf("read %s: %w", e.name, err)
		case isBlankLine(line):
			continue
		default:
			err = fn(pos, line)
		}
		if err != nil {
			return err
		}
	}
}
