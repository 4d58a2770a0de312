package document

import (
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"CRLF and CR", "a\r\nb\rc", "a\nb\nc"},
		{"blank lines collapse to one", "a\n\n\n\n b", "a\n\nb"},
		{"spaces collapse, lines trimmed", "  a \t  b  \n\t c ", "a b\nc"},
		{"no-break and thin spaces", "Nouméa\u00A0:\u202Fcentre\u2009ville", "Nouméa : centre ville"},
		{"decomposed accents composed", "De\u0301veloppeuse", "Développeuse"},
		{"ligatures", "\uFB01chier \uFB02eur", "fichier fleur"},
		{"soft hyphen and zero-width", "dé\u00ADvelop\u200Bpeuse\uFEFF", "développeuse"},
		{"controls dropped", "a\x00b\x07c\u0092d", "abcd"},
		{"private use (icon fonts)", "\uF0B7 Go", "Go"},
		{"paragraph and line separators", "a\u2029b\u2028c", "a\n\nb\nc"},
		{"form feed is a paragraph break", "page 1\fpage 2", "page 1\n\npage 2"},
		{"invalid UTF-8 dropped", "a\xffb", "ab"},
		{"replacement character dropped", "a\uFFFDb", "ab"},
		{"only blank", " \n\n \t", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := normalize(tt.in)
			if got != tt.want {
				t.Errorf("normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := normalize(got); again != got {
				t.Errorf("not idempotent: %q then %q", got, again)
			}
		})
	}
}

func TestDecodeText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
		err  bool
	}{
		{"UTF-8", "Nouméa", "Nouméa", false},
		{"UTF-8 with BOM", "\xEF\xBB\xBFNouméa", "Nouméa", false},
		{"Latin-1", "Noum\xe9a, dipl\xf4m\xe9e d'\xc9tat", "Nouméa, diplômée d'État", false},
		{"Windows-1252 quotes and oe", "\x93\x9cuvre\x94 l\x92\xe9t\xe9", "“œuvre” l’été", false},
		{"UTF-16LE with BOM", "\xFF\xFEN\x00o\x00u\x00m\x00\xe9\x00a\x00", "Nouméa", false},
		{"UTF-16BE with BOM", "\xFE\xFF\x00N\x00o\x00u\x00m\x00\xe9\x00a", "Nouméa", false},
		{"UTF-8 with one stray byte", "Nouméa, Dumbéa, Païta\xff, Mont-Dore, Yaté", "Nouméa, Dumbéa, Païta\xff, Mont-Dore, Yaté", false},
		{"NUL byte", "a\x00b", "", true},
		{"many controls", "\x01\x02\x03\x04abc", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeText([]byte(tt.in))
			if (err != nil) != tt.err {
				t.Fatalf("error %v, want error %v", err, tt.err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTruncateRunes(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
		cut  bool
	}{
		{"Nouméa", 6, "Nouméa", false},
		{"Nouméa", 4, "Noum", true},
		{"Léa Wamytan", 6, "Léa", true},
		{"é\nb", 2, "é", true},
	}
	for _, tt := range tests {
		got, cut := truncateRunes(tt.in, tt.max)
		if got != tt.want || cut != tt.cut {
			t.Errorf("truncateRunes(%q, %d) = %q, %v; want %q, %v", tt.in, tt.max, got, cut, tt.want, tt.cut)
		}
	}
}

func TestParseToUnicode(t *testing.T) {
	cmap := `/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CMapName /Adobe-Identity-UCS def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
2 beginbfchar
<0003> <0020>
<0011> <00E9>
endbfchar
% a count that lies: the parser reads what is there
999999999 beginbfrange
<0020> <0022> <0041>
<0030> <0031> [<0066 0069> <00C9>]
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end`
	m := parseToUnicode([]byte(cmap), 100)
	if m == nil {
		t.Fatal("no map")
	}
	for code, want := range map[string]string{
		"\x00\x03": " ", "\x00\x11": "é", "\x00\x20": "A", "\x00\x22": "C", "\x00\x30": "fi", "\x00\x31": "É",
	} {
		if got, ok := m.text[codeKey(code)]; !ok || got != want {
			t.Errorf("code %x = %q, want %q", code, got, want)
		}
	}
	if n := m.codeLen("\x00\x11\x00", 1); n != 2 {
		t.Errorf("codeLen = %d, want 2", n)
	}
	// A range larger than the bound stops at it.
	big := parseToUnicode([]byte("1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfrange <0000> <FFFF> <0041> endbfrange"), 1000)
	if len(big.text) != 1000 {
		t.Errorf("%d entries, want the bound 1000", len(big.text))
	}
	if parseToUnicode([]byte("garbage ( unbalanced"), 10) != nil {
		t.Error("garbage parsed as a map")
	}
}
