package offres

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Noumea is the time zone of New Caledonia: UTC+11 all year (no daylight
// saving since 1999). A fixed zone avoids depending on the system tz database.
var Noumea = time.FixedZone("Pacific/Noumea", 11*3600)

// Date is a calendar date in Nouméa. Day is 0 when only the month is known
// (« Poste à pourvoir : mai 2025 »). The zero Date means "unknown".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the calendar date of t in Nouméa.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Noumea).Date()
	return Date{Year: y, Month: m, Day: d}
}

// Today returns today's date in Nouméa according to now.
func Today(now func() time.Time) Date {
	if now == nil {
		now = time.Now
	}
	return DateOf(now())
}

// IsZero reports whether the date is unknown.
func (d Date) IsZero() bool { return d.Year == 0 }

// MonthOnly reports whether only the month is known.
func (d Date) MonthOnly() bool { return d.Year != 0 && d.Day == 0 }

// Time returns midnight of the date in Nouméa (the first of the month when
// only the month is known).
func (d Date) Time() time.Time {
	day := d.Day
	if day == 0 {
		day = 1
	}
	return time.Date(d.Year, d.Month, day, 0, 0, 0, 0, Noumea)
}

// DaysUntil returns the number of days from d to other (negative when other
// is before d). Both dates must be full dates.
func (d Date) DaysUntil(other Date) int {
	a := time.Date(d.Year, d.Month, max(d.Day, 1), 12, 0, 0, 0, time.UTC)
	b := time.Date(other.Year, other.Month, max(other.Day, 1), 12, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Hours() / 24)
}

// Before reports whether d is strictly before other.
func (d Date) Before(other Date) bool { return d.Compare(other) < 0 }

// Compare returns -1, 0 or +1. A month-only date compares as its first day.
func (d Date) Compare(other Date) int {
	switch {
	case d.Year != other.Year:
		return cmpInt(d.Year, other.Year)
	case d.Month != other.Month:
		return cmpInt(int(d.Month), int(other.Month))
	default:
		return cmpInt(d.Day, other.Day)
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// String formats the date as ISO 8601: "2025-03-07", or "2025-05" when only
// the month is known, or "" when unknown.
func (d Date) String() string {
	switch {
	case d.IsZero():
		return ""
	case d.Day == 0:
		return fmt.Sprintf("%04d-%02d", d.Year, int(d.Month))
	default:
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
	}
}

var frenchMonths = [...]string{"", "janvier", "février", "mars", "avril", "mai", "juin", "juillet",
	"août", "septembre", "octobre", "novembre", "décembre"}

// French formats the date for readers: "7 mars 2025", or "mai 2025".
func (d Date) French() string {
	switch {
	case d.IsZero():
		return ""
	case d.Day == 0:
		return fmt.Sprintf("%s %d", frenchMonths[d.Month], d.Year)
	case d.Day == 1:
		return fmt.Sprintf("1er %s %d", frenchMonths[d.Month], d.Year)
	default:
		return fmt.Sprintf("%d %s %d", d.Day, frenchMonths[d.Month], d.Year)
	}
}

// English formats the date for English readers: "7 March 2025", or "May
// 2025".
func (d Date) English() string {
	switch {
	case d.IsZero():
		return ""
	case d.Day == 0:
		return fmt.Sprintf("%s %d", d.Month, d.Year)
	default:
		return fmt.Sprintf("%d %s %d", d.Day, d.Month, d.Year)
	}
}

// ParseDate parses "2025-03-07", "2025-05" or a full RFC 3339 timestamp
// (converted to its date in Nouméa).
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, nil
	}
	if len(s) > 10 {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return Date{}, fmt.Errorf("date %q: %w", s, ErrInvalid)
		}
		return DateOf(t), nil
	}
	parts := strings.Split(s, "-")
	if len(parts) < 2 || len(parts) > 3 {
		return Date{}, fmt.Errorf("date %q: want YYYY-MM-DD: %w", s, ErrInvalid)
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil {
			return Date{}, fmt.Errorf("date %q: want YYYY-MM-DD: %w", s, ErrInvalid)
		}
		n[i] = v
	}
	d := Date{Year: n[0], Month: time.Month(n[1]), Day: n[2]}
	if err := d.Validate(); err != nil {
		return Date{}, fmt.Errorf("date %q: %w", s, err)
	}
	return d, nil
}

// Validate reports whether the date exists in the calendar.
func (d Date) Validate() error {
	if d.IsZero() {
		return nil
	}
	if d.Year < 1900 || d.Year > 2200 || d.Month < 1 || d.Month > 12 || d.Day < 0 || d.Day > 31 {
		return fmt.Errorf("impossible date: %w", ErrInvalid)
	}
	if d.Day > 0 {
		t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
		if t.Day() != d.Day {
			return fmt.Errorf("impossible date: %w", ErrInvalid)
		}
	}
	return nil
}

// MarshalJSON writes the ISO form, or null when unknown.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON accepts the forms of ParseDate and null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("date: want a string: %w", ErrInvalid)
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
