package rollup

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"hotro/internal/db"
	"hotro/internal/db/dbtest"
	"hotro/internal/errs"
	"hotro/internal/reference"
	"hotro/internal/report"
)

// TestEngineEqualsSQL asks the dashboard's queries and many random ones of both engines over the
// demo data plus lines in other provinces, the 2025 units and a second programme, and wants the
// same answer row for row.
func TestEngineEqualsSQL(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			ctx := analyst()
			// The race detector slows the pure-Go SQLite about a hundredfold on the SQL engine's
			// GROUP BY: there, the lines are the extra ones alone rather than the demo data with them.
			demo := !(raceEnabled && dialect == db.SQLite)
			w := newWorld(t, dialect, 42, 1000, demo)
			sqlEngine, engine := report.NewSQL(w.d), NewEngine(w.d)
			// The rollups held in memory answer the same.
			resident := NewResident(w.d, reference.NewCache(w.d), ResidentOptions{})
			same := func(t *testing.T, q report.Query) {
				t.Helper()
				if invalid := q.Validate(); invalid != nil {
					// A query refused by its shape (an order by a measure its filter makes
					// meaningless): the rollups refuse it the same way.
					if _, err := engine.Stats(ctx, q); err == nil || errs.Message(err) != errs.Message(invalid) {
						t.Fatalf("%+v: err %v, want %v", q, err, invalid)
					}
					return
				}
				want := canonical(t, ctx, sqlEngine, q)
				for _, e := range []struct {
					name   string
					engine report.Engine
				}{{"database", engine}, {"memory", resident}, {"memory, asked again (plan and counts remembered)", resident}} {
					got, err := e.engine.Stats(ctx, q)
					if err != nil {
						t.Fatalf("%s: %+v: %v", e.name, q, err)
					}
					if d := diffResults(got, want); d != "" {
						t.Fatalf("%s: %s\nquery: %+v\nfilter: %+v", e.name, d, q, q.Filter)
					}
				}
			}
			byKey := report.Order{Field: report.ByKey}
			named := []struct {
				name string
				q    report.Query
			}{
				{"national by province", report.Query{GroupBy: []report.Dimension{report.Province}, Filter: report.Filter{Programs: []string{"NQ42-2020"}}}},
				{"one province by district", report.Query{GroupBy: []report.Dimension{report.District}, Filter: report.Filter{Provinces: []string{"19"}}}},
				{"one city by ward", report.Query{GroupBy: []report.Dimension{report.Ward}, Filter: report.Filter{Districts: []string{"164"}}, Order: &report.Order{Field: report.ByAmountPaid, Desc: true}}},
				{"one province by ward under the 2025 units", report.Query{GroupBy: []report.Dimension{report.Ward}, Filter: report.Filter{Provinces: []string{"19"}}, UnitsAsOf: datePtr("2025-07-01")}},
				{"one ward by group and month", report.Query{GroupBy: []report.Dimension{report.Group, report.Month}, Filter: report.Filter{Wards: []string{"05431"}}, Order: &byKey}},
				{"first round to the end of May", report.Query{GroupBy: []report.Dimension{report.Ward}, Filter: report.Filter{Groups: []string{"NGUOI_CO_CONG", "BAO_TRO_XA_HOI", "HO_NGHEO", "HO_CAN_NGHEO"}, PaidTo: datePtr("2020-05-31")}}},
				{"mid-month window by week", report.Query{GroupBy: []report.Dimension{report.Week}, Filter: report.Filter{PaidFrom: datePtr("2020-05-06"), PaidTo: datePtr("2020-06-17")}}},
				{"mid-month window by quarter and province", report.Query{GroupBy: []report.Dimension{report.Quarter, report.Province}, Filter: report.Filter{PaidFrom: datePtr("2020-05-06"), PaidTo: datePtr("2020-06-17")}}},
				{"by round", report.Query{GroupBy: []report.Dimension{report.Round}}},
				{"first round by ward, by round filter", report.Query{GroupBy: []report.Dimension{report.Ward, report.Round}, Filter: report.Filter{Rounds: []string{"NQ42_DOT1"}}}},
				{"rounds by status and month", report.Query{GroupBy: []report.Dimension{report.Round, report.Status, report.Month}, Filter: report.Filter{Districts: []string{"164"}}, Order: &byKey}},
				{"totals only", report.Query{}},
				{"no ward by ID", report.Query{Filter: report.Filter{WardIDs: []int64{}}}},
				{"scope of no ward", report.Query{GroupBy: []report.Dimension{report.Ward}, Scope: report.Scope{WardIDs: []int64{}}}},
			}
			for _, tt := range named {
				t.Run(tt.name, func(t *testing.T) { same(t, tt.q) })
			}
			queries := 250
			switch {
			case raceEnabled && dialect == db.SQLite:
				queries = 25
			case raceEnabled:
				queries = 60
			}
			t.Run("random", func(t *testing.T) {
				r := rand.New(rand.NewPCG(2020, 11))
				for i := range queries {
					t.Run(fmt.Sprint(i), func(t *testing.T) { same(t, w.randomQuery(r)) })
				}
			})
		})
	}
}

// TestErrorsMatchSQL wants the rollup engine to refuse what the SQL engine refuses, the same way.
func TestErrorsMatchSQL(t *testing.T) {
	dialect := dbtest.Dialects()[0]
	w := newWorld(t, dialect, 1, 0, false)
	ctx := analyst()
	neg := -1
	tests := []struct {
		name string
		q    report.Query
	}{
		{"unknown group", report.Query{Filter: report.Filter{Groups: []string{"NO_SUCH"}}}},
		{"unknown ward", report.Query{Filter: report.Filter{Wards: []string{"99999"}}}},
		{"two time buckets", report.Query{GroupBy: []report.Dimension{report.Day, report.Month}}},
		{"negative first", report.Query{First: &neg}},
		{"dates out of order", report.Query{Filter: report.Filter{PaidFrom: datePtr("2020-06-01"), PaidTo: datePtr("2020-05-01")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, want := report.NewSQL(w.d).Stats(ctx, tt.q)
			for _, e := range []report.Engine{NewEngine(w.d), NewResident(w.d, reference.NewCache(w.d), ResidentOptions{})} {
				_, got := e.Stats(ctx, tt.q)
				if want == nil || got == nil || errs.KindOf(got) != errs.KindOf(want) || errs.Message(got) != errs.Message(want) {
					t.Errorf("%T: err = %v (%q), want %v (%q)", e, got, errs.Message(got), want, errs.Message(want))
				}
			}
		})
	}
}
