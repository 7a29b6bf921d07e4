// Package civil holds calendar dates without a time of day, as Vietnam's payment lists use them.
package civil

import (
	"database/sql/driver"
	"fmt"
	"time"
	_ "time/tzdata" // Asia/Ho_Chi_Minh must load on machines without a zoneinfo database
)

// Location is the time zone in which hotro reads calendar dates and ISO weeks.
var Location = mustLoad("Asia/Ho_Chi_Minh")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// time/tzdata is linked into the binary, so this only fails if that import is lost.
		panic(fmt.Sprintf("civil: load %s: %v", name, err))
	}
	return loc
}

// Date is a calendar date (year, month, day). The zero value is not a valid date.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Of returns the calendar date of t in Asia/Ho_Chi_Minh.
func Of(t time.Time) Date {
	y, m, d := t.In(Location).Date()
	return Date{y, m, d}
}

// New returns the date for year, month and day; it does not normalise.
func New(year int, month time.Month, day int) Date { return Date{year, month, day} }

// Parse reads a date written YYYY-MM-DD and refuses anything else, including impossible days.
func Parse(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("civil: %q is not a date in the form YYYY-MM-DD", s)
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}

// MustParse is Parse for constants in code and tests.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// String writes the date as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// Vietnamese writes the date as Vietnamese readers expect it: 05/03/2020.
func (d Date) Vietnamese() string { return fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Time returns midnight of d in UTC, which is convenient for arithmetic.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date {
	t := d.Time().AddDate(0, 0, n)
	return Date{t.Year(), t.Month(), t.Day()}
}

// AddMonths returns d moved by n months, normalised like time.AddDate (31 January + 1 month is 2 or 3 March).
func (d Date) AddMonths(n int) Date {
	t := d.Time().AddDate(0, n, 0)
	return Date{t.Year(), t.Month(), t.Day()}
}

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool { return d.Time().Before(o.Time()) }

// After reports whether d is later than o.
func (d Date) After(o Date) bool { return d.Time().After(o.Time()) }

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int { return d.Time().Compare(o.Time()) }

// Value stores the date as the text YYYY-MM-DD, which both PostgreSQL's date and SQLite accept.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a date from a driver value: time.Time (PostgreSQL) or text (SQLite).
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = Date{v.Year(), v.Month(), v.Day()}
		return nil
	case string:
		return d.scanText(v)
	case []byte:
		return d.scanText(string(v))
	default:
		return fmt.Errorf("civil: cannot scan %T into a date", src)
	}
}

func (d *Date) scanText(s string) error {
	if len(s) > 10 {
		s = s[:10] // tolerate "2020-05-15 00:00:00" written by other tools
	}
	p, err := Parse(s)
	if err != nil {
		return err
	}
	*d = p
	return nil
}
