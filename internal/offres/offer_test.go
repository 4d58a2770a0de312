package offres

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestDeadlineStatus(t *testing.T) {
	today := Date{2026, time.November, 28}
	for _, tc := range []struct {
		name     string
		deadline Date
		status   DeadlineStatus
		days     int
	}{
		{"unknown", Date{}, StatusUnknown, 0},
		{"yesterday", Date{2026, time.November, 27}, StatusClosed, -1},
		{"long closed", Date{2025, time.March, 7}, StatusClosed, -631},
		{"today is the last day", today, StatusClosingSoon, 0},
		{"in seven days", Date{2026, time.December, 5}, StatusClosingSoon, 7},
		{"in eight days", Date{2026, time.December, 6}, StatusOpen, 8},
		{"month only, this month", Date{2026, time.November, 0}, StatusClosingSoon, 2},
		{"month only, past", Date{2026, time.October, 0}, StatusClosed, -28},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, d := DeadlineStatusOf(tc.deadline, today)
			if s != tc.status || d != tc.days {
				t.Fatalf("got %s %d, want %s %d", s, d, tc.status, tc.days)
			}
		})
	}
}

func TestTodayInNoumea(t *testing.T) {
	// 13:30 UTC on the 27th is 00:30 on the 28th in Nouméa.
	now := func() time.Time { return time.Date(2026, 11, 27, 13, 30, 0, 0, time.UTC) }
	if got := Today(now); got != (Date{2026, time.November, 28}) {
		t.Fatalf("today = %v", got)
	}
}

func TestDateJSON(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Date
		err  bool
	}{
		{`"2025-03-07"`, Date{2025, time.March, 7}, false},
		{`"2025-05"`, Date{2025, time.May, 0}, false},
		{`"2024-11-25T13:39:42.728Z"`, Date{2024, time.November, 26}, false}, // 00:39 in Nouméa
		{`null`, Date{}, false},
		{`""`, Date{}, false},
		{`"2025-02-30"`, Date{}, true},
		{`"07/03/2025"`, Date{}, true},
		{`20250307`, Date{}, true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			var d Date
			err := json.Unmarshal([]byte(tc.in), &d)
			if tc.err {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("err = %v, want ErrInvalid", err)
				}
				return
			}
			if err != nil || d != tc.want {
				t.Fatalf("got %v %v, want %v", d, err, tc.want)
			}
			if !d.IsZero() {
				b, _ := json.Marshal(d)
				var back Date
				if json.Unmarshal(b, &back); back != d {
					t.Fatalf("round trip %s → %v", b, back)
				}
			}
		})
	}
	if got := (Date{2025, time.March, 7}).French(); got != "7 mars 2025" {
		t.Errorf("French = %q", got)
	}
	if got := (Date{2025, time.May, 0}).French(); got != "mai 2025" {
		t.Errorf("French month = %q", got)
	}
}

func TestValidate(t *testing.T) {
	ok := Offer{ID: "3134-25-0308/SR", Title: "Chef de projet digital", Description: "DSIN"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(*Offer)
	}{
		{"no id", func(o *Offer) { o.ID = " " }},
		{"no title", func(o *Offer) { o.Title = "" }},
		{"no text", func(o *Offer) { o.Description = "" }},
		{"bad category", func(o *Offer) { o.Category = "D" }},
		{"bad contract", func(o *Offer) { o.ContractType = "freelance" }},
		{"bad utf-8", func(o *Offer) { o.Title = "\xff" }},
		{"long id", func(o *Offer) { o.ID = strings.Repeat("x", MaxIDLen+1) }},
		{"bad section kind", func(o *Offer) { o.Sections = []Section{{Kind: "misc", Text: "x"}} }},
		{"impossible date", func(o *Offer) { o.Deadline = Date{2025, 2, 30} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := ok
			tc.edit(&o)
			if err := o.Validate(); !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestFoldAndCommunes(t *testing.T) {
	if got := Fold("Île-des-Pins, cœur d’Été"); got != "ile-des-pins, coeur d'ete" {
		t.Errorf("Fold = %q", got)
	}
	if got := FoldKey("Mont-Dore (Le)"); got != "mont dore le" {
		t.Errorf("FoldKey = %q", got)
	}
	for in, want := range map[string]string{
		"Mont-Dore (Le)": "Le Mont-Dore", "PAITA": "Païta", "Ile des Pins": "L'Île-des-Pins",
		"noumea": "Nouméa", "La Foa": "La Foa", "Foa": "La Foa", "Lifou": "Lifou",
	} {
		c, ok := LookupCommune(in)
		if !ok || c.Name != want {
			t.Errorf("LookupCommune(%q) = %q %v, want %q", in, c.Name, ok, want)
		}
	}
	if _, ok := LookupCommune("Paris"); ok {
		t.Error("Paris is not a commune of New Caledonia")
	}
	sud := 0
	for _, c := range Communes {
		if c.Province == ProvinceSud {
			sud++
		}
	}
	if len(Communes) != 33 || sud != 13 {
		t.Errorf("%d communes, %d in the Sud; want 33 and 13", len(Communes), sud)
	}
}

func TestContentHash(t *testing.T) {
	a := Offer{ID: "x", Title: "t", Description: "d"}
	b := a
	if a.ContentHash() != b.ContentHash() {
		t.Fatal("same content, different hash")
	}
	b.Description = "d2"
	if a.ContentHash() == b.ContentHash() {
		t.Fatal("different content, same hash")
	}
}
