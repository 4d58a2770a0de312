package document

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strings"

	"offres/internal/offres"
)

var errDamagedDOCX = offres.Invalidf("fichier illisible : DOCX endommagé")

// extractDOCX reads the text of a DOCX with the standard library: the
// paragraphs of word/document.xml, preceded by those of the page headers
// and followed by those of the footers (a CV often puts its name and
// contact details there). A zip that is another format is refused by name.
func extractDOCX(ctx context.Context, data []byte, ext string, l Limits) (text string, truncated bool, err error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if ext == ".docx" {
			return "", false, errDamagedDOCX
		}
		return "", false, offres.Invalidf("fichier illisible : archive ZIP endommagée")
	}
	files := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		files[f.Name] = f
	}
	if files["word/document.xml"] == nil {
		return "", false, notDOCX(zr, files, ext)
	}
	var headers, footers []string
	for name := range files {
		if strings.HasPrefix(name, "word/header") && strings.HasSuffix(name, ".xml") {
			headers = append(headers, name)
		}
		if strings.HasPrefix(name, "word/footer") && strings.HasSuffix(name, ".xml") {
			footers = append(footers, name)
		}
	}
	slices.Sort(headers)
	slices.Sort(footers)

	w := &docxWriter{ctx: ctx, budget: l.MaxXMLBytes, cap: l.rawCap()}
	seen := map[string]bool{}
	part := func(name string, dedupe bool) error {
		var buf strings.Builder
		w.out = &buf
		err := w.part(files[name])
		s := strings.TrimSpace(buf.String())
		if s != "" && !(dedupe && seen[s]) {
			seen[s] = true
			w.all.WriteString(s)
			w.all.WriteString("\n\n")
		}
		return err
	}
	for _, name := range headers {
		if err := part(name, true); err != nil {
			return w.result(err)
		}
	}
	if err := part("word/document.xml", false); err != nil {
		return w.result(err)
	}
	for _, name := range footers {
		if err := part(name, true); err != nil {
			return w.result(err)
		}
	}
	return w.result(nil)
}

// notDOCX names the format of a zip without word/document.xml.
func notDOCX(zr *zip.Reader, files map[string]*zip.File, ext string) error {
	if f := files["mimetype"]; f != nil && f.UncompressedSize64 < 200 {
		if rc, err := f.Open(); err == nil {
			m, _ := io.ReadAll(io.LimitReader(rc, 200))
			rc.Close()
			if bytes.Contains(m, []byte("opendocument")) {
				return unsupported(kindUnknown, ".odt")
			}
		}
	}
	for _, f := range zr.File {
		switch {
		case strings.HasPrefix(f.Name, "xl/"):
			return unsupported(kindUnknown, ".xlsx")
		case strings.HasPrefix(f.Name, "ppt/"):
			return unsupported(kindUnknown, ".pptx")
		}
	}
	if ext == ".docx" {
		return errDamagedDOCX
	}
	return offres.Invalidf("format non pris en charge (archive ZIP) : utilisez PDF, DOCX ou TXT")
}

var (
	errXMLBudget = errors.New("decompressed XML over budget")
	errRawFull   = errors.New("raw text cap reached")
	errXMLDepth  = errors.New("XML nested too deep, or too many elements")
	errDOCXSlow  = errors.New("DOCX reading past its deadline")
)

// Bounds of the reading of one XML part of a DOCX. Word nests a document
// a few dozen elements deep (tables in tables, text boxes in paragraphs);
// without a bound, a part that opens millions of elements without closing
// them costs a stack entry each, in the XML decoder and here.
const (
	maxDOCXDepth    = 256       // elements open at once
	maxDOCXElements = 1_000_000 // elements of all parts; a long CV has tens of thousands
	docxCheckTokens = 1024      // tokens read between two looks at the deadline
)

// docxWriter gathers the text of the XML parts of a DOCX.
type docxWriter struct {
	ctx      context.Context // its deadline ends the reading
	budget   int64           // decompressed bytes that may still be read
	cap      int             // raw text bytes to gather at most
	written  int             // raw text bytes gathered
	elements int             // elements read, in all parts
	out      *strings.Builder
	all      strings.Builder
}

func (w *docxWriter) result(err error) (string, bool, error) {
	switch {
	case err == nil:
		return w.all.String(), false, nil
	case errors.Is(err, errRawFull):
		return w.all.String(), true, nil
	case errors.Is(err, errXMLBudget):
		return "", false, offres.Invalidf("fichier illisible : DOCX trop volumineux une fois décompressé")
	case errors.Is(err, errXMLDepth):
		return "", false, offres.Invalidf("fichier illisible : DOCX trop complexe (plus de %d niveaux d'imbrication ou de %d éléments)", maxDOCXDepth, maxDOCXElements)
	case errors.Is(err, errDOCXSlow):
		return "", false, offres.Invalidf("fichier illisible : DOCX trop complexe, sa lecture a pris trop de temps")
	}
	return "", false, errDamagedDOCX
}

// part writes the text of one XML part to w.out, reading at most w.budget
// decompressed bytes whatever the zip's headers claim.
func (w *docxWriter) part(f *zip.File) error {
	if w.budget < 0 || f.UncompressedSize64 > uint64(w.budget) {
		return errXMLBudget
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	lr := &budgetReader{r: rc, left: &w.budget}
	return w.walk(xml.NewDecoder(lr))
}

// budgetReader reads from r until *left bytes have been read in all, then
// fails with errXMLBudget.
type budgetReader struct {
	r    io.Reader
	left *int64
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if *b.left <= 0 {
		var one [1]byte
		if n, err := b.r.Read(one[:]); n == 0 && err != nil {
			return 0, err // the part ends exactly at the budget
		}
		return 0, errXMLBudget
	}
	if int64(len(p)) > *b.left {
		p = p[:*b.left]
	}
	n, err := b.r.Read(p)
	*b.left -= int64(n)
	return n, err
}

// paragraph is a w:p being read; text boxes nest paragraphs in paragraphs.
type paragraph struct {
	text strings.Builder
	list bool
}

// walk writes the text of one WordprocessingML part: each paragraph (w:p)
// as a block, list items prefixed with "- ", w:t runs, w:tab as a tab,
// w:br and w:cr as line breaks (page breaks as paragraph breaks). It skips
// deleted and moved-from text, field instructions and the mc:Fallback copy
// of text boxes. Element names are matched without their namespace, so
// strict OOXML reads too. It stops past maxDOCXDepth open elements and at
// w.ctx's deadline.
func (w *docxWriter) walk(d *xml.Decoder) error {
	var (
		depth    int // elements open
		tokens   int
		stack    []*paragraph
		inText   int // depth inside w:t
		inRun    int // depth inside w:r
		skip     int // depth inside content to skip
		inPPr    int
		lastList bool
	)
	// emit writes a finished paragraph: after a blank line, or after a line
	// break between the items of a list.
	emit := func(p *paragraph) error {
		s := strings.TrimSpace(p.text.String())
		if s == "" {
			return nil
		}
		if w.out.Len() > 0 {
			if p.list && lastList {
				w.out.WriteString("\n")
			} else {
				w.out.WriteString("\n\n")
			}
		}
		if p.list {
			w.out.WriteString("- ")
		}
		w.out.WriteString(s)
		lastList = p.list
		if w.written += len(s) + 2; w.written > w.cap {
			return errRawFull
		}
		return nil
	}
	cur := func() *paragraph {
		if len(stack) == 0 {
			stack = append(stack, &paragraph{}) // text outside any w:p
		}
		return stack[len(stack)-1]
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if tokens++; tokens%docxCheckTokens == 0 && w.ctx.Err() != nil {
			return errDOCXSlow
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth++; depth > maxDOCXDepth {
				return errXMLDepth
			}
			if w.elements++; w.elements > maxDOCXElements {
				return errXMLDepth
			}
			name := t.Name.Local
			if skip > 0 {
				skip++
				continue
			}
			switch name {
			case "Fallback", "del", "moveFrom", "instrText", "delText", "delInstrText":
				skip = 1
			case "p":
				stack = append(stack, &paragraph{})
			case "pPr":
				inPPr++
			case "numPr":
				if inPPr > 0 {
					cur().list = true
				}
			case "r":
				inRun++
			case "t":
				inText++
			case "tab":
				if inRun > 0 {
					cur().text.WriteByte('\t')
				}
			case "br", "cr":
				if inRun > 0 {
					if attr(t, "type") == "page" {
						cur().text.WriteString("\n\n")
					} else {
						cur().text.WriteByte('\n')
					}
				}
			case "noBreakHyphen":
				cur().text.WriteByte('-')
			}
		case xml.EndElement:
			depth--
			if skip > 0 {
				skip--
				continue
			}
			switch t.Name.Local {
			case "p":
				if n := len(stack); n > 0 {
					p := stack[n-1]
					stack = stack[:n-1]
					if err := emit(p); err != nil {
						return err
					}
				}
			case "pPr":
				inPPr--
			case "r":
				inRun--
			case "t":
				inText--
			}
		case xml.CharData:
			if skip == 0 && inText > 0 {
				p := cur()
				p.text.Write(t)
				if p.text.Len() > w.cap {
					return errRawFull
				}
			}
		}
	}
	for i := len(stack) - 1; i >= 0; i-- {
		if err := emit(stack[i]); err != nil {
			return err
		}
	}
	return nil
}

func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
