package document

import (
	"archive/zip"
	"bytes"
	"errors"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"offres/internal/offres"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.txt")

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestExtractFixtures reads the committed CVs (made by make-fixtures.sh
// from cv.html and cv.txt) and compares their text with the goldens of
// testdata/golden; -update rewrites them. The checks beside the goldens
// name what matters: accents, line and paragraph breaks, list items.
func TestExtractFixtures(t *testing.T) {
	tests := []struct {
		file   string
		format string
		pages  int
		want   []string
	}{
		{"cv.pdf", FormatPDF, 2, []string{
			"Léa Wamytan\n\nNée à Lifou",
			"Développeuse web — 12, rue de Sébastopol, 98800 Nouméa\nlea.wamytan@exemple.nc",
			"nom d’usage : Léa Nguyễn-Wamytan.",
			"Profil\n\nDéveloppeuse full-stack",
			"des collectivités de\nNouvelle-Calédonie.",                                        // a line break inside a paragraph
			"• Conception du portail des aides à l'emploi (Go, PostgreSQL) ;\n• Accessibilité", // bullet and text on one line
			"2016 : Diplômée d'État d'auxiliaire de puériculture",
			"rémunération : 350 000 F CFP",
			"Compétences\n\nGo, TypeScript",
			"française.", // page 2
		}},
		{"cv.docx", FormatDOCX, 0, []string{
			"Léa Wamytan\n\nNée à Lifou",
			"98800 Nouméa\nlea.wamytan@exemple.nc", // w:br
			"nom d’usage : Léa Nguyễn-Wamytan.",
			"Profil\n\nDéveloppeuse full-stack depuis six ans, j'ai conçu et maintenu des téléservices pour des collectivités de Nouvelle-Calédonie.",
			"- Conception du portail des aides à l'emploi (Go, PostgreSQL) ;\n- Accessibilité (RGAA)",
			"2016 : Diplômée d'État d'auxiliaire de puériculture",
			"Centres d'intérêt\n\nPlongée sous-marine",
		}},
		{"cv.txt", FormatTXT, 0, []string{
			"Léa Wamytan\nDéveloppeuse web — 12, rue de Sébastopol, 98800 Nouméa",
			"Profil\nDéveloppeuse full-stack depuis six ans, j’ai conçu et maintenu des\ntéléservices",
			"Calédonie.\n\nFormation\n2016 : Diplômée d’État",
			"« Métiers de l’informatique »",
			"œuvre",
		}},
		{"cv-latin1.txt", FormatTXT, 0, []string{
			"Léa Wamytan\nDéveloppeuse web — 12, rue de Sébastopol, 98800 Nouméa",
			"2016 : Diplômée d’État",
			"« Métiers de l’informatique »",
			"œuvre",
		}},
		{"cv-restreint.pdf", FormatPDF, 1, []string{"Léa Wamytan, développeuse web à Nouméa."}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := Extract(t.Context(), tt.file, readFixture(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if got.Format != tt.format || got.Pages != tt.pages || got.Truncated {
				t.Errorf("format %q, pages %d, truncated %v; want %q, %d, false", got.Format, got.Pages, got.Truncated, tt.format, tt.pages)
			}
			for _, w := range tt.want {
				if !strings.Contains(got.Content, w) {
					t.Errorf("text lacks %q", w)
				}
			}
			checkText(t, got.Content, DefaultMaxRunes)
			golden := filepath.Join("testdata", "golden", tt.file+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got.Content+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./document -run Fixtures -update)", err)
			}
			if got.Content+"\n" != string(want) {
				t.Errorf("text differs from %s:\n%s", golden, got.Content)
			}
		})
	}
	// The same text, whatever its encoding.
	utf, _ := Extract(t.Context(), "cv.txt", readFixture(t, "cv.txt"))
	latin, _ := Extract(t.Context(), "cv-latin1.txt", readFixture(t, "cv-latin1.txt"))
	if utf.Content != latin.Content {
		t.Errorf("UTF-8 and Windows-1252 copies differ:\n%s\n---\n%s", utf.Content, latin.Content)
	}
}

// checkText asserts the invariants of every extracted text.
func checkText(t testing.TB, s string, maxRunes int) {
	t.Helper()
	switch {
	case !utf8.ValidString(s):
		t.Errorf("invalid UTF-8")
	case strings.ContainsAny(s, "\r\t\u00A0\uFEFF\x00"):
		t.Errorf("unnormalised characters in %q", s)
	case strings.Contains(s, "\n\n\n"), strings.Contains(s, "  "), strings.Contains(s, " \n"), strings.Contains(s, "\n "):
		t.Errorf("unnormalised spaces in %q", s)
	case s != strings.TrimSpace(s):
		t.Errorf("untrimmed %q", s)
	case utf8.RuneCountInString(s) > maxRunes:
		t.Errorf("%d runes, more than %d", utf8.RuneCountInString(s), maxRunes)
	}
}

// wantUserError asserts an *offres.UserError of kind ErrInvalid whose
// message contains want.
func wantUserError(t testing.TB, err error, want string) {
	t.Helper()
	var ue *offres.UserError
	switch {
	case err == nil:
		t.Fatalf("no error, want %q", want)
	case !errors.Is(err, offres.ErrInvalid) || !errors.As(err, &ue):
		t.Fatalf("error %v (%T) is not an invalid-input UserError", err, err)
	case !strings.Contains(ue.Message, want):
		t.Fatalf("message %q, want it to contain %q", ue.Message, want)
	}
}

func TestExtractErrors(t *testing.T) {
	cvPDF := readFixture(t, "cv.pdf")
	cvDOCX := readFixture(t, "cv.docx")
	rnd := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rnd.IntN(256))
		}
		return b
	}
	tests := []struct {
		name string
		file string
		data []byte
		want string
	}{
		{"empty file", "cv.pdf", nil, "le fichier est vide"},
		{"blank text", "cv.txt", []byte(" \r\n\t\n"), "le fichier est vide"},
		{"oversized", "cv.txt", bytes.Repeat([]byte("a"), DefaultMaxBytes+1), "fichier trop volumineux (10 Mo au plus)"},
		{"image-only PDF", "scan.pdf", readFixture(t, "scan.pdf"), "le PDF ne contient pas de texte : "},
		{"truncated PDF", "cv.pdf", cvPDF[:len(cvPDF)/2], "fichier illisible : PDF endommagé"},
		{"PDF header then random bytes", "cv.pdf", append([]byte("%PDF-1.7\n"), random(4000)...), "fichier illisible : PDF endommagé"},
		{"PDF header, random bytes, %%EOF", "cv.pdf", append(append([]byte("%PDF-1.4\n"), random(4000)...), "\nstartxref\n9\n%%EOF\n"...), "fichier illisible : PDF endommagé"},
		{"password-protected PDF", "cv.pdf", readFixture(t, "cv-mot-de-passe.pdf"), "le PDF est protégé par un mot de passe"},
		{"AES-256 PDF", "cv.pdf", readFixture(t, "cv-aes256.pdf"), "le PDF est chiffré d'une manière non prise en charge"},
		{"PNG named .pdf", "cv.pdf", append([]byte("\x89PNG\r\n\x1a\n"), random(200)...), "format non pris en charge (image PNG) : utilisez PDF, DOCX ou TXT"},
		{"JPEG named .pdf", "cv.pdf", append([]byte("\xFF\xD8\xFF\xE0"), random(200)...), "format non pris en charge (image JPEG)"},
		{"Windows program named .pdf", "cv.pdf", append([]byte("MZ\x90\x00"), random(200)...), "format non pris en charge (programme exécutable)"},
		{"HTML page named .pdf", "cv.pdf", []byte("<!DOCTYPE html><html><body>404</body></html>"), "format non pris en charge (page HTML)"},
		{"text named .pdf", "cv.pdf", []byte("Léa Wamytan, Nouméa"), "fichier illisible : le contenu n'est pas un PDF"},
		{"text named .docx", "cv.docx", []byte("Léa Wamytan, Nouméa"), "fichier illisible : le contenu n'est pas un DOCX"},
		{"random bytes named .txt", "cv.txt", random(2000), "fichier illisible : le contenu n'est pas du texte"},
		{"random bytes named .pdf", "cv.pdf", random(2000), "fichier illisible : le contenu n'est pas un PDF"},
		{"Word 97-2003", "cv.doc", append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), random(500)...), "format non pris en charge (document Word 97-2003"},
		{"text named .odt", "cv.odt", []byte("Léa"), "format non pris en charge (OpenDocument)"},
		{"truncated DOCX", "cv.docx", cvDOCX[:len(cvDOCX)/2], "fichier illisible : DOCX endommagé"},
		{"zip header then random bytes", "cv.docx", append([]byte("PK\x03\x04"), random(3000)...), "fichier illisible : DOCX endommagé"},
		{"zip without word/document.xml", "cv.docx", zipOf(t, map[string]string{"word/styles.xml": "<w:styles/>"}), "fichier illisible : DOCX endommagé"},
		{"DOCX with invalid XML", "cv.docx", zipOf(t, map[string]string{"word/document.xml": `<w:document><w:body><w:p><w:r><w:t>Léa</w:r></w:p>`}), "fichier illisible : DOCX endommagé"},
		{"DOCX without text", "cv.docx", zipOf(t, map[string]string{"word/document.xml": `<w:document><w:body><w:p/></w:body></w:document>`}), "le document DOCX ne contient pas de texte"},
		{"OpenDocument", "cv.odt", zipOf(t, map[string]string{"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"}), "format non pris en charge (OpenDocument)"},
		{"XLSX", "cv.xlsx", zipOf(t, map[string]string{"xl/workbook.xml": "<x/>"}), "format non pris en charge (Excel)"},
		{"zip of something else", "cv.zip", zipOf(t, map[string]string{"a.txt": "a"}), "format non pris en charge (archive ZIP)"},
		{"DOCX zip bomb", "cv.docx", docxBomb(t, DefaultMaxXMLBytes+1), "fichier illisible : DOCX trop volumineux une fois décompressé"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Extract(t.Context(), tt.file, tt.data)
			if err == nil {
				t.Fatalf("no error, text %q", got.Content)
			}
			wantUserError(t, err, tt.want)
		})
	}
}

// zipOf returns a zip of the named files.
func zipOf(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// docxBomb returns a DOCX whose document.xml is n bytes of well-formed
// XML (mostly one long text) that deflates to a few kilobytes.
func docxBomb(t testing.TB, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	head := "<w:document><w:body><w:p><w:r><w:t>"
	tail := "</w:t></w:r></w:p></w:body></w:document>"
	w.Write([]byte(head))
	chunk := bytes.Repeat([]byte(" "), 1<<16)
	for left := n - len(head) - len(tail); left > 0; left -= len(chunk) {
		w.Write(chunk[:min(len(chunk), left)])
	}
	w.Write([]byte(tail))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > n/100 {
		t.Fatalf("bomb of %d bytes does not compress", buf.Len())
	}
	return buf.Bytes()
}

func TestExtractTruncates(t *testing.T) {
	for _, file := range []string{"cv.pdf", "cv.docx", "cv.txt"} {
		t.Run(file, func(t *testing.T) {
			got, err := Limits{MaxRunes: 100}.Extract(t.Context(), file, readFixture(t, file))
			if err != nil {
				t.Fatal(err)
			}
			if !got.Truncated {
				t.Errorf("not truncated: %q", got.Content)
			}
			n := utf8.RuneCountInString(got.Content)
			if n > 100 || n < 50 {
				t.Errorf("%d runes, want at most 100 and most of them: %q", n, got.Content)
			}
			if !strings.HasPrefix(got.Content, "Léa Wamytan") {
				t.Errorf("text %q does not start with the CV", got.Content)
			}
			checkText(t, got.Content, 100)
		})
	}
	// A DOCX whose text runs past the raw cap stops early, truncated.
	long := strings.Repeat("<w:p><w:r><w:t>Développeuse à Nouméa.</w:t></w:r></w:p>", 200)
	got, err := Limits{MaxRunes: 50}.Extract(t.Context(), "long.docx", zipOf(t, map[string]string{"word/document.xml": "<w:document><w:body>" + long + "</w:body></w:document>"}))
	if err != nil || !got.Truncated || utf8.RuneCountInString(got.Content) > 50 {
		t.Errorf("long DOCX: %v, truncated %v, %d runes", err, got.Truncated, utf8.RuneCountInString(got.Content))
	}
}

// TestExtractDOCXParts covers what a CV made in Word holds beside plain
// paragraphs: tab stops (not text), tabs and breaks (text), a text box
// (its mc:Fallback copy skipped), a table, tracked changes, a field, a
// header.
func TestExtractDOCXParts(t *testing.T) {
	body := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">
<w:body>
<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="2000"/></w:tabs></w:pPr><w:r><w:t>2019</w:t><w:tab/><w:t xml:space="preserve">Licence </w:t></w:r><w:r><w:t>professionnelle</w:t></w:r></w:p>
<w:p><w:r><w:t>Diplômée d'État</w:t><w:br/><w:t>Nouméa</w:t></w:r></w:p>
<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>Encadré : permis B</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>Encadré : permis B</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Langues</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>drehu, français</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:del><w:r><w:delText>supprimé</w:delText></w:r></w:del><w:ins><w:r><w:t>inséré</w:t></w:r></w:ins></w:p>
<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>HYPERLINK "mailto:lea@exemple.nc"</w:instrText></w:r><w:r><w:t>lea@exemple.nc</w:t></w:r></w:p>
<w:p><w:r><w:t>Page 1</w:t><w:br w:type="page"/><w:t>Page 2</w:t></w:r></w:p>
</w:body></w:document>`
	header := `<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:r><w:t>Léa Wamytan — CV</w:t></w:r></w:p></w:hdr>`
	data := zipOf(t, map[string]string{
		"word/document.xml": body,
		"word/header1.xml":  header,
		"word/header2.xml":  header, // the same header on odd and even pages: once
	})
	got, err := Extract(t.Context(), "cv.docx", data)
	if err != nil {
		t.Fatal(err)
	}
	want := "Léa Wamytan — CV\n\n" +
		"2019 Licence professionnelle\n\n" +
		"Diplômée d'État\nNouméa\n\n" +
		"Encadré : permis B\n\n" +
		"Langues\n\ndrehu, français\n\n" +
		"inséré\n\n" +
		"lea@exemple.nc\n\n" +
		"Page 1\n\nPage 2"
	if got.Content != want {
		t.Errorf("got:\n%s\nwant:\n%s", got.Content, want)
	}
}

func TestSniffAndUnsupported(t *testing.T) {
	tests := []struct {
		data string
		want kind
	}{
		{"%PDF-1.7\n", kindPDF},
		{"junk before the header %PDF-1.4\n", kindPDF},
		{"PK\x03\x04rest", kindZIP},
		{"GIF89a", kindGIF},
		{"II*\x00", kindTIFF},
		{"RIFF\x00\x00\x00\x00WEBPVP8 ", kindWebP},
		{"\x7FELF", kindEXE},
		{`{\rtf1\ansi`, kindRTF},
		{"\xEF\xBB\xBF  <HTML><body>", kindHTML},
		{"Léa Wamytan", kindUnknown},
	}
	for _, tt := range tests {
		if got := sniff([]byte(tt.data)); got != tt.want {
			t.Errorf("sniff(%q) = %v, want %v", tt.data, got, tt.want)
		}
	}
}

func TestSizeFR(t *testing.T) {
	for n, want := range map[int64]string{10 << 20: "10 Mo", 512 << 10: "512 ko", 1500: "1 ko", 10: "10 octets"} {
		if got := sizeFR(n); got != want {
			t.Errorf("sizeFR(%d) = %q, want %q", n, got, want)
		}
	}
	_, err := Limits{MaxBytes: 1 << 20}.Extract(t.Context(), "cv.txt", bytes.Repeat([]byte("a"), 1<<20+1))
	wantUserError(t, err, "fichier trop volumineux (1 Mo au plus)")
}
