package document

import (
	"bytes"
	"errors"
)

// Bounds of the numbers a PDF's structure may hold before the PDF library
// is let near it (see checkPDFStructure).
const (
	maxPDFObjects = 1 << 20 // object numbers, xref entries, objects per object stream
	maxPDFColumns = 1 << 20 // /Columns of a predictor
	maxXrefWidth  = 8       // bytes of one field of an xref stream entry
	maxXrefChain  = 1024    // cross-reference sections chained by /Prev
)

var errPDFStructure = errors.New("pdf structure out of bounds")

// checkPDFStructure refuses a PDF whose structure would make the PDF
// library allocate or loop without bound before any time limit could stop
// it: the library sizes its cross-reference table from the subsection
// headers of xref tables and the /Size, /Index and /W of xref streams,
// loops /N times over an object stream, and allocates /Columns bytes for a
// predictor, all trusted as written. Only numbers of a plausible size pass;
// the scan reads each byte a bounded number of times.
func checkPDFStructure(data []byte) error {
	s := &structScan{data: data, budget: 4*len(data) + 1<<20}
	if err := s.xrefTables(); err != nil {
		return err
	}
	if err := s.xrefChain(); err != nil {
		return err
	}
	return s.objects()
}

// xrefChain follows the cross-reference sections from the last startxref
// through their trailers' /Prev (and /XRefStm), as the library does, and
// refuses a section met twice: the library follows /Prev without looking
// back, so a loop would spin until the deadline. A chain the library
// cannot follow (an offset that is not a section) is left to it.
func (s *structScan) xrefChain() error {
	k := bytes.LastIndex(s.data, []byte("startxref"))
	if k < 0 {
		return nil
	}
	l := &lexer{data: s.data, pos: k + len("startxref")}
	t := l.next()
	if t.kind != tokNumber || !t.isInt {
		return nil
	}
	seen := map[int]bool{}
	next := []int{int(t.num)}
	for len(next) > 0 {
		off := next[len(next)-1]
		next = next[:len(next)-1]
		if off < 0 || off >= len(s.data) {
			continue
		}
		if seen[off] || len(seen) >= maxXrefChain {
			return errPDFStructure
		}
		seen[off] = true
		d, err := s.sectionTrailer(off)
		if err != nil {
			return err
		}
		for _, key := range []string{"Prev", "XRefStm"} {
			if v, ok := d[key]; ok && v.kind == tokNumber && v.int {
				next = append(next, int(v.num))
			}
		}
	}
	return nil
}

// sectionTrailer returns the trailer dictionary of the cross-reference
// section at off: the dictionary after "trailer" for an xref table, the
// stream's dictionary for an xref stream; nil when off is neither.
func (s *structScan) sectionTrailer(off int) (scannedDict, error) {
	l := &lexer{data: s.data, pos: off}
	t := l.next()
	switch {
	case t.kind == tokKeyword && t.s == "xref":
		k := bytes.Index(s.data[l.pos:], []byte("trailer"))
		if k < 0 {
			return nil, nil
		}
		if s.budget -= k; s.budget < 0 {
			return nil, errPDFStructure
		}
		l.pos += k + len("trailer")
	case t.kind == tokNumber && t.isInt:
		if g, obj := l.next(), l.next(); g.kind != tokNumber || obj.kind != tokKeyword || obj.s != "obj" {
			return nil, nil
		}
	default:
		return nil, nil
	}
	if t := l.next(); t.kind != tokKeyword || t.s != "<<" {
		return nil, nil
	}
	return s.dict(l)
}

type structScan struct {
	data   []byte
	budget int // bytes the dictionary parses may still read
}

// keywordAt reports whether the keyword w stands alone at data[i:].
func keywordAt(data []byte, i int, w string) bool {
	end := i + len(w)
	return (i == 0 || !isRegular(data[i-1])) && (end == len(data) || !isRegular(data[end]))
}

// xrefTables checks the subsection headers "first count" of every xref
// table: first+count is the size the library gives its table.
func (s *structScan) xrefTables() error {
	tokens := len(s.data)/2 + 1024 // entries skipped, in all tables
	for i := 0; ; {
		k := bytes.Index(s.data[i:], []byte("xref"))
		if k < 0 {
			return nil
		}
		i += k
		if !keywordAt(s.data, i, "xref") {
			i += 4
			continue
		}
		l := &lexer{data: s.data, pos: i + 4}
		for {
			first, count := l.next(), l.next()
			if first.kind != tokNumber || !first.isInt || count.kind != tokNumber || !count.isInt {
				break
			}
			if first.num < 0 || count.num < 0 || first.num+count.num > maxPDFObjects {
				return errPDFStructure
			}
			for n := 0; n < 3*int(count.num); n++ {
				if tokens--; tokens < 0 {
					return errPDFStructure
				}
				if l.next().kind == tokEOF {
					break
				}
			}
		}
		i += 4
	}
}

// objects parses the dictionary after every "N G obj" and checks the
// entries the library trusts.
func (s *structScan) objects() error {
	for i := 0; ; {
		k := bytes.Index(s.data[i:], []byte("obj"))
		if k < 0 {
			return nil
		}
		i += k
		if !keywordAt(s.data, i, "obj") {
			i += 3
			continue
		}
		l := &lexer{data: s.data, pos: i + 3}
		i += 3
		if t := l.next(); t.kind != tokKeyword || t.s != "<<" {
			continue
		}
		d, err := s.dict(l)
		if err != nil {
			return err
		}
		if err := d.check(); err != nil {
			return err
		}
	}
}

// dictValue is what the scan keeps of a top-level entry of a dictionary.
type dictValue struct {
	kind tokKind // tokNumber, tokName, tokKeyword "R" (a reference), "[" (an array)
	num  float64
	int  bool
	name string
	nums []float64 // the integers of an array
}

type scannedDict map[string]dictValue

// dict reads a dictionary up to its closing >> and returns its top-level
// entries; nested dictionaries and arrays are skipped, but a /Columns
// anywhere in them is checked.
func (s *structScan) dict(l *lexer) (scannedDict, error) {
	d := scannedDict{}
	depth := 0         // nesting below the top level
	key := ""          // the top-level key waiting for its value
	prevName := ""     // the name just read, at any depth
	var arr *dictValue // the top-level array value being read
	for {
		start := l.pos
		t := l.next()
		if s.budget -= l.pos - start; s.budget < 0 {
			return nil, errPDFStructure
		}
		if prevName == "Columns" && t.kind == tokNumber && t.num > maxPDFColumns {
			return nil, errPDFStructure
		}
		prevName = ""
		switch {
		case t.kind == tokEOF:
			return d, nil
		case t.kind == tokName:
			prevName = t.s
		case t.kind == tokKeyword && (t.s == "<<" || t.s == "["):
			if depth == 0 && key != "" && t.s == "[" {
				arr = &dictValue{kind: tokKeyword, name: "["}
			}
			depth++
			continue
		case t.kind == tokKeyword && (t.s == ">>" || t.s == "]"):
			if depth == 0 {
				return d, nil
			}
			if depth--; depth == 0 {
				if arr != nil {
					d[key] = *arr
					arr = nil
				}
				key = ""
			}
			continue
		}
		switch {
		case depth == 1 && arr != nil:
			if t.kind == tokNumber && t.isInt {
				arr.nums = append(arr.nums, t.num)
			}
		case depth > 0:
		case key == "":
			if t.kind == tokName {
				key = t.s
			}
		default:
			d[key] = s.value(l, t)
			key = ""
		}
	}
}

// value returns the dictValue of t, reading "n g R" as a reference.
func (s *structScan) value(l *lexer, t token) dictValue {
	switch t.kind {
	case tokNumber:
		save := l.pos
		if g, r := l.next(), l.next(); t.isInt && g.kind == tokNumber && r.kind == tokKeyword && r.s == "R" {
			return dictValue{kind: tokKeyword, name: "R"}
		}
		l.pos = save
		return dictValue{kind: tokNumber, num: t.num, int: t.isInt}
	case tokName:
		return dictValue{kind: tokName, name: t.s}
	}
	return dictValue{kind: t.kind}
}

// check applies the bounds to an object's dictionary.
func (d scannedDict) check() error {
	typ := d["Type"]
	if typ.kind == tokName && typ.name == "XRef" {
		if v := d["Size"]; v.kind == tokNumber && v.num > maxPDFObjects {
			return errPDFStructure
		}
		if v := d["Index"]; v.name == "[" {
			for i := 0; i+1 < len(v.nums); i += 2 {
				if v.nums[i] < 0 || v.nums[i+1] < 0 || v.nums[i]+v.nums[i+1] > maxPDFObjects {
					return errPDFStructure
				}
			}
		}
		if v := d["W"]; v.name == "[" {
			for _, w := range v.nums {
				if w < 0 || w > maxXrefWidth {
					return errPDFStructure
				}
			}
		}
	}
	// An object stream, or an object whose /Type is a reference that may
	// resolve to /ObjStm: its /N must be a plausible direct integer.
	objStm := typ.kind == tokName && typ.name == "ObjStm" || typ.kind == tokKeyword && typ.name == "R"
	if n, ok := d["N"]; ok && objStm {
		if n.kind != tokNumber || n.num > maxPDFObjects {
			return errPDFStructure
		}
	}
	return nil
}
