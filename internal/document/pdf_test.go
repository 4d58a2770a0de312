package document

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"
	"testing"
	"time"
)

// buildPDF writes a PDF of the objects given, numbered from 1, with a
// classic xref table and a trailer whose /Root is object 1.
func buildPDF(objs ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// stream writes a stream object: dict (without its Length) and data.
func stream(dict, data string) string {
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
}

func deflate(data []byte) string {
	var b bytes.Buffer
	zw := zlib.NewWriter(&b)
	zw.Write(data)
	zw.Close()
	return b.String()
}

const helvetica = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"

// onePage returns a one-page PDF showing content with font F1.
func onePage(content, font string) []byte {
	return buildPDF(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		stream("", content),
		font,
	)
}

// TestPDFLayout checks how positions become spaces, line and paragraph
// breaks, on text shown with Helvetica in WinAnsi (é is \351).
func TestPDFLayout(t *testing.T) {
	tests := []struct {
		name, content, want string
	}{
		{"one string", `BT /F1 12 Tf 72 700 Td (D\351veloppeuse \340 Noum\351a) Tj ET`, "Développeuse à Nouméa"},
		{"kerning inside a word, gap between words", `BT /F1 12 Tf 72 700 Td [(Dipl\364m)-20(\351e)-400(d'\311tat)] TJ ET`, "Diplômée d'État"},
		{"words placed one by one", `BT /F1 12 Tf 72 700 Td (Infirmi\350re) Tj 75 0 Td (dipl\364m\351e) Tj ET`, "Infirmière diplômée"},
		{"next line", `BT /F1 12 Tf 14 TL 72 700 Td (ligne un) Tj T* (ligne deux) Tj ET`, "ligne un\nligne deux"},
		{"next paragraph", `BT /F1 12 Tf 72 700 Td (Profil) Tj 0 -30 Td (Infirmi\350re) Tj ET`, "Profil\n\nInfirmière"},
		{"heading then text", `BT /F1 20 Tf 72 700 Td (Formation) Tj /F1 11 Tf 0 -16 Td (Licence) Tj ET`, "Formation\n\nLicence"},
		{"text objects on one line", `BT /F1 12 Tf 72 700 Td (\225) Tj ET BT /F1 12 Tf 90 700 Td (Go, SQL) Tj ET`, "• Go, SQL"},
		{"a column further up", `BT /F1 12 Tf 300 700 Td (droite) Tj ET BT /F1 12 Tf 72 750 Td (gauche) Tj ET`, "droite\n\ngauche"},
		{"scaled by cm", `q 2 0 0 2 0 0 cm BT /F1 6 Tf 36 350 Td (Noum\351a) Tj 0 -7 Td (Dumb\351a) Tj ET Q`, "Nouméa\nDumbéa"},
		{"quote operators", `BT /F1 12 Tf 14 TL 72 700 Td (un) Tj (deux) ' 0 0 (trois) " ET`, "un\ndeux\ntrois"},
		{"unknown font falls back to Windows-1252", `BT /F9 12 Tf 72 700 Td (Noum\351a) Tj ET`, "Nouméa"},
		{"operators with missing operands", `BT Tf Td Tj TJ Tm cm /F1 12 Tf 72 700 Td (ok) Tj ET`, "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Extract(t.Context(), "cv.pdf", onePage(tt.content, helvetica))
			if err != nil {
				t.Fatal(err)
			}
			if got.Content != tt.want || got.Pages != 1 {
				t.Errorf("got %q (%d pages), want %q", got.Content, got.Pages, tt.want)
			}
		})
	}
}

// TestPDFCompositeFont reads text shown with a Type0 font (two-byte
// Identity-H codes, as Word and many generators write) through its
// compressed ToUnicode map, and with an inherited form XObject.
func TestPDFCompositeFont(t *testing.T) {
	cmap := `/CIDInit /ProcSet findresource begin 12 dict begin begincmap
1 begincodespacerange <0000> <FFFF> endcodespacerange
6 beginbfchar <0001> <004E> <0002> <006F> <0003> <0075> <0004> <006D> <0005> <00E9> <0006> <0061> endbfchar
1 beginbfrange <0010> <0012> [<00C9> <0074> <0020>] endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end`
	data := buildPDF(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 /Resources << /Font << /F1 5 0 R >> /XObject << /X1 7 0 R >> >> >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>", // resources inherited
		stream("", `BT /F1 12 Tf 72 700 Td <000100020003000400050006> Tj ET q 1 0 0 1 0 -40 cm /X1 Do Q`),
		"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+Calibri /Encoding /Identity-H /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /DW 500 /W [1 [722 556] 3 6 556] >>] /ToUnicode 6 0 R >>",
		stream("/Filter /FlateDecode", deflate([]byte(cmap))),
		stream("/Type /XObject /Subtype /Form /BBox [0 0 595 842]", `BT /F1 12 Tf 72 700 Td <00100011001200050011> Tj ET`),
	)
	got, err := Extract(t.Context(), "cv.pdf", data)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Nouméa\n\nÉt ét"; got.Content != want {
		t.Errorf("got %q, want %q", got.Content, want)
	}
}

// pages returns a PDF of n pages, each showing its number.
func pages(n int) []byte {
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>", "", helvetica}
	var kids []string
	for i := 0; i < n; i++ {
		page := len(objs) + 1
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", page+1),
			stream("", fmt.Sprintf("BT /F1 12 Tf 72 700 Td (page %d) Tj ET", i+1)))
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), n)
	return buildPDF(objs...)
}

func TestPDFPages(t *testing.T) {
	got, err := Limits{MaxPages: 3}.Extract(t.Context(), "cv.pdf", pages(3))
	if err != nil {
		t.Fatal(err)
	}
	if got.Content != "page 1\n\npage 2\n\npage 3" || got.Pages != 3 {
		t.Errorf("got %q, %d pages", got.Content, got.Pages)
	}
	_, err = Limits{MaxPages: 3}.Extract(t.Context(), "cv.pdf", pages(4))
	wantUserError(t, err, "le PDF a trop de pages (3 au plus)")
	_, err = Extract(t.Context(), "cv.pdf", pages(DefaultMaxPages+1))
	wantUserError(t, err, "le PDF a trop de pages (50 au plus)")
}

// TestPDFHostile feeds PDFs built to make a reader allocate, loop or work
// without bound: each must end quickly with a 4xx UserError.
func TestPDFHostile(t *testing.T) {
	catalog := "<< /Type /Catalog /Pages 2 0 R >>"
	page := "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
	kids := "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
	text := stream("", "BT /F1 12 Tf 72 700 Td (Noum\\351a) Tj ET")
	replace := func(data []byte, old, new string) []byte {
		if !bytes.Contains(data, []byte(old)) {
			t.Fatalf("no %q in the PDF", old)
		}
		return bytes.Replace(data, []byte(old), []byte(new), 1)
	}
	bomb := bytes.Repeat([]byte("0 0 "), 1<<20) // 4 MiB of operands without an operator
	tests := []struct {
		name   string
		data   []byte
		limits Limits
		want   string
	}{
		{"xref subsection of a billion objects",
			replace(buildPDF(catalog, kids, page, text, helvetica), "xref\n0 6\n", "xref\n1000000000 6\n"),
			Limits{}, "PDF trop complexe"},
		{"xref stream of a billion entries",
			buildPDF(catalog, kids, page, text, helvetica, stream("/Type /XRef /Size 999999999999 /W [1 2 1]", "")),
			Limits{}, "PDF trop complexe"},
		{"xref stream with huge field widths",
			buildPDF(catalog, kids, page, text, helvetica, stream("/Type /XRef /Size 7 /W [1 99999999999 1]", "")),
			Limits{}, "PDF trop complexe"},
		{"xref stream index past the bound",
			buildPDF(catalog, kids, page, text, helvetica, stream("/Type /XRef /Size 7 /Index [0 7 4000000000 10] /W [1 2 1]", "")),
			Limits{}, "PDF trop complexe"},
		{"object stream of 10^18 objects",
			buildPDF(catalog, kids, page, text, helvetica, stream("/Type /ObjStm /N 1000000000000000000 /First 10", "")),
			Limits{}, "PDF trop complexe"},
		{"object stream count behind a reference",
			buildPDF(catalog, kids, page, text, helvetica, stream("/Type /ObjStm /N 7 0 R /First 10", ""), "5"),
			Limits{}, "PDF trop complexe"},
		{"object stream count hidden by a name escape",
			buildPDF(catalog, kids, page, text, helvetica, stream("/Type /Obj#53tm /#4E 1000000000000", "")),
			Limits{}, "PDF trop complexe"},
		{"predictor of a billion columns",
			buildPDF(catalog, kids, page, stream("/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 9999999999 >>", "x"), helvetica),
			Limits{}, "PDF trop complexe"},
		{"page tree that contains itself",
			buildPDF(catalog, "<< /Type /Pages /Kids [2 0 R 2 0 R] /Count 1 >>"),
			Limits{}, "PDF"},
		{"page tree of 131,072 kids",
			buildPDF(catalog, "<< /Type /Pages /Kids ["+strings.Repeat("6 0 R ", 1<<17)+"] /Count 1 >>", page, text, helvetica, "<< /Type /Pages /Kids [] >>"),
			Limits{}, "PDF trop complexe"},
		{"content stream that inflates past the budget",
			buildPDF(catalog, kids, page, stream("/Filter /FlateDecode", deflate(bomb)), helvetica),
			Limits{MaxPDFStreamBytes: 1 << 20}, "PDF trop complexe"},
		{"ToUnicode map that inflates past the budget",
			buildPDF(catalog, kids, page, text, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>", stream("/Filter /FlateDecode", deflate(bomb))),
			Limits{MaxPDFStreamBytes: 1 << 20}, "PDF trop complexe"},
		{"forms that draw themselves",
			buildPDF(catalog, kids, "<< /Type /Page /Parent 2 0 R /Resources 6 0 R /Contents 4 0 R >>",
				stream("", "/X1 Do /X1 Do"), helvetica,
				"<< /Font << /F1 5 0 R >> /XObject << /X1 7 0 R >> >>",
				stream("/Type /XObject /Subtype /Form /Resources 6 0 R", "BT /F1 12 Tf 0 0 Td (a) Tj ET /X1 Do /X1 Do")),
			Limits{}, ""}, // bounded by depth and count: some text, no error
		{"xref chain that points to itself",
			prevCycle(buildPDF(catalog, kids, page, text, helvetica)),
			Limits{Timeout: 300 * time.Millisecond}, "PDF trop complexe"},
		{"deadline",
			buildPDF(catalog, kids, page, text, helvetica),
			Limits{Timeout: time.Nanosecond}, "PDF trop complexe"},
		{"ToUnicode map with a lying count",
			buildPDF(catalog, kids, page, text, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
				stream("", "99999999999 beginbfchar <E9> <00E9> endbfchar")),
			Limits{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			got, err := tt.limits.Extract(t.Context(), "cv.pdf", tt.data)
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v", d)
			}
			if tt.want == "" {
				if err != nil {
					wantUserError(t, err, "PDF")
				}
				checkText(t, got.Content, DefaultMaxRunes)
				return
			}
			wantUserError(t, err, tt.want)
		})
	}
}

// prevCycle makes the trailer of data name its own xref table as the
// previous one: a reader that follows /Prev without a bound never ends.
func prevCycle(data []byte) []byte {
	i := bytes.LastIndex(data, []byte("startxref\n"))
	off := strings.Fields(string(data[i+len("startxref\n"):]))[0]
	return bytes.Replace(data, []byte("/Root 1 0 R >>"), []byte("/Root 1 0 R /Prev "+off+" >>"), 1)
}

func TestPreparePDF(t *testing.T) {
	tests := []struct{ in, want string }{
		{"%PDF-1.4\nbody\n%%EOF\n", "%PDF-1.4\nbody\n%%EOF"},
		{"%PDF-2.0\nbody\n%%EOF\ngarbage", "%PDF-1.7\nbody\n%%EOF"},
		{"%PDF-1.7 %binary\nbody\n%%EOF", "%PDF-1.7\n%binary\nbody\n%%EOF"},
		{"junk line\n%PDF-1.4\nbody\n%%EOF", "%PDF-1.7\n %PDF-1.4\nbody\n%%EOF"},
	}
	for _, tt := range tests {
		if got := string(preparePDF([]byte(tt.in))); got != tt.want {
			t.Errorf("preparePDF(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// A PDF 2.0 header and trailing junk do not stop the reading.
	data := onePage(`BT /F1 12 Tf 72 700 Td (Noum\351a) Tj ET`, helvetica)
	data = append(bytes.Replace(data, []byte("%PDF-1.4"), []byte("%PDF-2.0"), 1), "\x00\x00 mail footer"...)
	got, err := Extract(t.Context(), "cv.pdf", data)
	if err != nil || got.Content != "Nouméa" {
		t.Errorf("got %q, %v", got.Content, err)
	}
}

// TestPDFMutations reads the CV with bytes overwritten here and there:
// text or a UserError, never a panic nor another error.
func TestPDFMutations(t *testing.T) {
	cv := readFixture(t, "cv.pdf")
	for i := 0; i < 200; i++ {
		data := bytes.Clone(cv)
		for k := 0; k < 1+i%8; k++ {
			pos := (i*7919 + k*104729) % len(data)
			data[pos] = byte(i*31 + k)
		}
		got, err := Extract(t.Context(), "cv.pdf", data)
		if err != nil {
			wantUserError(t, err, "")
			continue
		}
		checkText(t, got.Content, DefaultMaxRunes)
	}
}

func BenchmarkExtract(b *testing.B) {
	for _, file := range []string{"cv.pdf", "cv.docx", "cv.txt"} {
		data := readFixture(b, file)
		b.Run(file, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := Extract(b.Context(), file, data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
