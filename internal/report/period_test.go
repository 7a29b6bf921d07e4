package report_test

import (
	"testing"

	"hotro/internal/civil"
	"hotro/internal/report"
)

func TestPeriodOf(t *testing.T) {
	tests := []struct {
		unit            report.Dimension
		day             string
		start, end, lbl string
	}{
		{report.Day, "2020-05-15", "2020-05-15", "2020-05-15", "2020-05-15"},
		{report.Week, "2020-05-11", "2020-05-11", "2020-05-17", "2020-W20"}, // a Monday
		{report.Week, "2020-05-17", "2020-05-11", "2020-05-17", "2020-W20"}, // a Sunday belongs to the week before
		{report.Week, "2021-01-03", "2020-12-28", "2021-01-03", "2020-W53"}, // ISO year differs from the calendar year
		{report.Week, "2019-12-30", "2019-12-30", "2020-01-05", "2020-W01"},
		{report.Month, "2020-02-29", "2020-02-01", "2020-02-29", "2020-02"},
		{report.Quarter, "2020-05-15", "2020-04-01", "2020-06-30", "2020-Q2"},
		{report.Quarter, "2020-12-31", "2020-10-01", "2020-12-31", "2020-Q4"},
		{report.Year, "2020-05-15", "2020-01-01", "2020-12-31", "2020"},
	}
	for _, tt := range tests {
		t.Run(string(tt.unit)+" "+tt.day, func(t *testing.T) {
			p := report.PeriodOf(tt.unit, civil.MustParse(tt.day))
			if p.Start.String() != tt.start || p.End.String() != tt.end || p.Label != tt.lbl {
				t.Errorf("PeriodOf(%s, %s) = %s..%s %q, want %s..%s %q", tt.unit, tt.day, p.Start, p.End, p.Label, tt.start, tt.end, tt.lbl)
			}
		})
	}
}
