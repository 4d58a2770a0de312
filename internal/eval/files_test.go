package eval

import (
	"bytes"
	"errors"
	"maps"
	"reflect"
	"strings"
	"testing"

	"offres/internal/offres"
)

func TestReadQueries(t *testing.T) {
	in := "\ufeff# comment\n\nq1\tinfirmier de nuit\r\n  # indented comment\nq2\t  agent d'entretien \t\nq3\ta\tb\n"
	got, err := ReadQueries("queries.tsv", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Query{{"q1", "infirmier de nuit"}, {"q2", "agent d'entretien"}, {"q3", "a\tb"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ReadQueries = %q, want %q", got, want)
	}
}

func TestReadQueriesErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"no tab", "q1\tok\nq2 infirmier\n", "queries.tsv:2: want qid<TAB>text"},
		{"empty qid", "\tinfirmier\n", "queries.tsv:1: empty qid"},
		{"qid with a space", "q 1\tinfirmier\n", `queries.tsv:1: qid "q 1" contains a space`},
		{"empty text", "# c\nq1\t  \n", "queries.tsv:2: query q1: empty text"},
		{"duplicate qid", "q1\ta\n\nq1\tb\n", `queries.tsv:3: duplicate qid "q1" (first on line 1)`},
		{"invalid UTF-8", "q1\ta\nq2\t\xff\n", "queries.tsv:2: not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadQueries("queries.tsv", strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %q, want it to start with %q", err, tt.want)
			}
			if !errors.Is(err, offres.ErrInvalid) {
				t.Errorf("error %v does not wrap offres.ErrInvalid", err)
			}
		})
	}
}

func TestReadQrels(t *testing.T) {
	in := strings.Join([]string{
		"q1 0 179SRJG 1",
		"q1\t0\t3134-25-0308/SR\t2",
		"q1 0 Offre n° 12 / Nouméa   0",
		"# comment",
		"",
		"q2 0 éducateur  spécialisé 3\r",
		"q2 Q0 x 0",
	}, "\n")
	got, err := ReadQrels("qrels.txt", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := Qrels{
		"q1": {"179SRJG": 1, "3134-25-0308/SR": 2, "Offre n° 12 / Nouméa": 0},
		"q2": {"éducateur  spécialisé": 3, "x": 0},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ReadQrels = %v, want %v", got, want)
	}
}

func TestReadQrelsErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"three fields", "q1 0 a 1\nq1 0 2\n", "qrels.txt:2: want qid iteration docid grade, found 3 fields"},
		{"two fields", "q1 0\n", "qrels.txt:1: want qid iteration docid grade, found 2 fields"},
		{"grade not an integer", "q1 0 a b\n", `qrels.txt:1: grade "b" is not an integer`},
		{"fractional grade", "\n\nq1 0 a 1.5\n", `qrels.txt:3: grade "1.5" is not an integer`},
		{"negative grade", "q1 0 a -1\n", "qrels.txt:1: grade -1 is negative"},
		{"judged twice", "q1 0 a b 1\nq2 0 a b 1\nq1 0 a b 0\n", `qrels.txt:3: query q1: doc "a b" judged twice`},
		{"invalid UTF-8", "q1 0 \xfe 1\n", "qrels.txt:1: not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadQrels("qrels.txt", strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %q, want it to start with %q", err, tt.want)
			}
			if !errors.Is(err, offres.ErrInvalid) {
				t.Errorf("error %v does not wrap offres.ErrInvalid", err)
			}
		})
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	qs := []Query{{"K2303-1", "Ripeur"}, {"q/2", "agent d'entretien\tde nuit"}}
	qrels := Qrels{
		"K2303-1": {"3134-25-0308/SR": 2, "Offre n° 12 / Nouméa": 1, "a  b": 0},
		"q/2":     {"x": 1},
	}
	var qb, rb bytes.Buffer
	if err := WriteQueries(&qb, qs); err != nil {
		t.Fatal(err)
	}
	if err := WriteQrels(&rb, qrels); err != nil {
		t.Fatal(err)
	}
	wantQrels := "K2303-1 0 3134-25-0308/SR 2\nK2303-1 0 Offre n° 12 / Nouméa 1\nK2303-1 0 a  b 0\nq/2 0 x 1\n"
	if rb.String() != wantQrels {
		t.Errorf("WriteQrels wrote\n%s\nwant\n%s", rb.String(), wantQrels)
	}
	gotQ, err := ReadQueries("q", &qb)
	if err != nil {
		t.Fatal(err)
	}
	gotR, err := ReadQrels("r", &rb)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotQ, qs) {
		t.Errorf("queries round trip: %q, want %q", gotQ, qs)
	}
	if !reflect.DeepEqual(gotR, qrels) {
		t.Errorf("qrels round trip: %v, want %v", gotR, qrels)
	}
}

func TestWriteRefuses(t *testing.T) {
	bad := []Qrels{
		{"q 1": {"a": 1}},
		{"#q": {"a": 1}},
		{"q": {" a": 1}},
		{"q": {"a\nb": 1}},
		{"q": {"": 1}},
		{"q": {"a": -1}},
	}
	for _, q := range bad {
		if err := WriteQrels(&bytes.Buffer{}, q); !errors.Is(err, offres.ErrInvalid) {
			t.Errorf("WriteQrels(%v) = %v, want ErrInvalid", q, err)
		}
	}
	for _, q := range []Query{{"q 1", "a"}, {"q", ""}, {"q", "a\nb"}, {"q", " a"}} {
		if err := WriteQueries(&bytes.Buffer{}, []Query{q}); !errors.Is(err, offres.ErrInvalid) {
			t.Errorf("WriteQueries(%q) = %v, want ErrInvalid", q, err)
		}
	}
}

// FuzzReadQrels: whatever ReadQrels accepts, WriteQrels writes and
// ReadQrels reads back the same.
func FuzzReadQrels(f *testing.F) {
	f.Add("q1 0 a 1\nq1 0 b c 2\n")
	f.Add("q1 0 3134-25-0308/SR 2\n# x\n\nq2 0 Offre n° 12 / Nouméa 0\r\n")
	f.Add("q1 0 a\u00a0b 1\n")
	f.Fuzz(func(t *testing.T, in string) {
		qrels, err := ReadQrels("fuzz", strings.NewReader(in))
		if err != nil {
			if !errors.Is(err, offres.ErrInvalid) && !strings.Contains(err.Error(), "token too long") {
				t.Fatalf("error %v: neither ErrInvalid nor a read error", err)
			}
			return
		}
		var b bytes.Buffer
		if err := WriteQrels(&b, qrels); err != nil {
			t.Fatalf("WriteQrels of what ReadQrels accepted: %v", err)
		}
		back, err := ReadQrels("fuzz", &b)
		if err != nil {
			t.Fatalf("read back: %v\n%s", err, b.String())
		}
		for qid := range qrels {
			if !maps.Equal(back[qid], qrels[qid]) {
				t.Fatalf("query %q: read back %v, want %v", qid, back[qid], qrels[qid])
			}
		}
		if len(back) != len(qrels) {
			t.Fatalf("read back %d queries, want %d", len(back), len(qrels))
		}
	})
}

// FuzzReadQueries: whatever ReadQueries accepts, WriteQueries writes and
// ReadQueries reads back the same.
func FuzzReadQueries(f *testing.F) {
	f.Add("q1\tinfirmier\n# c\nq2\tagent d'entretien\r\n")
	f.Add("q1\ta\tb\n")
	f.Fuzz(func(t *testing.T, in string) {
		qs, err := ReadQueries("fuzz", strings.NewReader(in))
		if err != nil {
			if !errors.Is(err, offres.ErrInvalid) && !strings.Contains(err.Error(), "token too long") {
				t.Fatalf("error %v: neither ErrInvalid nor a read error", err)
			}
			return
		}
		var b bytes.Buffer
		if err := WriteQueries(&b, qs); err != nil {
			t.Fatalf("WriteQueries of what ReadQueries accepted: %v", err)
		}
		back, err := ReadQueries("fuzz", &b)
		if err != nil {
			t.Fatalf("read back: %v\n%s", err, b.String())
		}
		if !reflect.DeepEqual(back, qs) {
			t.Fatalf("read back %q, want %q", back, qs)
		}
	})
}
