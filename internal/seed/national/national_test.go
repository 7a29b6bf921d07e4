package national_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/dataset"
	"hotro/internal/db"
	"hotro/internal/db/dbtest"
	"hotro/internal/errs"
	"hotro/internal/report"
	"hotro/internal/rollup"
	"hotro/internal/seed/national"
	"hotro/internal/seed/seedtest"
)

func schemaObjects(t *testing.T, d *bun.DB) []string {
	t.Helper()
	var defs []string
	err := d.NewRaw(`SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()
		UNION ALL SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated
		FROM pg_constraint WHERE connamespace = current_schema()::regnamespace ORDER BY 1`).Scan(context.Background(), &defs)
	if err != nil {
		t.Fatal(err)
	}
	return defs
}

// TestLoadAtSmallScale loads a small national data set and checks that it covers the country, that
// its rollups equal a recomputation from its lines, that the rollup engine answers the dashboard's
// queries as the SQL does, and that every index and constraint dropped for the load is back.
func TestLoadAtSmallScale(t *testing.T) {
	if !slices.Contains(dbtest.Dialects(), db.Postgres) {
		t.Skip("the national data set loads into PostgreSQL only")
	}
	ctx := context.Background()
	d := seedtest.Reference(t, db.Postgres)
	before := schemaObjects(t, d)
	sum, err := national.Load(ctx, d, national.Options{Seed: 7, Scale: 0.0005})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Provinces != 63 || sum.Wards != 10614 || sum.Recipients < 9000 || sum.Recipients > 11000 || sum.Lines < sum.Recipients {
		t.Errorf("summary = %+v; want 63 provinces, 10,614 communes, about 10,000 recipients and more lines", sum)
	}
	if after := schemaObjects(t, d); !slices.Equal(before, after) {
		t.Errorf("indexes and constraints after the load differ:\nbefore %v\nafter  %v", before, after)
	}
	// The next person ID and line ID handed out lie past the loaded ones.
	var nextPerson, lastPerson, nextLine, lastLine int64
	if err := d.NewRaw(`SELECT (SELECT next_value FROM id_allocators WHERE name = 'person'),
		(SELECT MAX(person_base + members) FROM beneficiaries),
		nextval(pg_get_serial_sequence('disbursements', 'id')), (SELECT MAX(id) FROM disbursements)`).Scan(ctx, &nextPerson, &lastPerson, &nextLine, &lastLine); err != nil {
		t.Fatal(err)
	}
	if nextPerson < lastPerson || nextLine <= lastLine {
		t.Errorf("next person %d (loaded up to %d), next line %d (loaded up to %d)", nextPerson, lastPerson, nextLine, lastLine)
	}
	info, err := dataset.NewStore(d).Get(ctx)
	if err != nil || !info.Demo || !strings.HasPrefix(info.DemoSeed, "national-") {
		t.Errorf("dataset = %+v, %v; want marked as demo data of the national generator", info, err)
	}
	rep, err := rollup.Check(ctx, d)
	if err != nil || !rep.OK() {
		t.Fatalf("check = %+v, %v", rep, err)
	}
	if rep.Lines != sum.Lines {
		t.Errorf("check read %d lines, the load wrote %d", rep.Lines, sum.Lines)
	}
	analyst := auth.WithIdentity(ctx, &auth.Identity{Role: auth.Analyst, Username: "test"})
	for _, q := range []report.Query{
		{GroupBy: []report.Dimension{report.Province}, Filter: report.Filter{Programs: []string{"NQ42-2020"}}},
		{GroupBy: []report.Dimension{report.District}, Filter: report.Filter{Provinces: []string{"01"}}},
		{GroupBy: []report.Dimension{report.Group, report.Month}, Filter: report.Filter{Districts: []string{"164"}}},
		{GroupBy: []report.Dimension{report.Status, report.Channel}, Filter: report.Filter{PaidTo: datePtr("2020-06-10")}},
	} {
		got, err := rollup.NewEngine(d).Stats(analyst, q)
		if err != nil {
			t.Fatal(err)
		}
		want, err := report.NewSQL(d).Stats(analyst, q)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Total.Equal(want.Total) || len(got.Rows) != len(want.Rows) {
			t.Errorf("%v: rollups %+v in %d rows, SQL %+v in %d rows", q.GroupBy, got.Total, len(got.Rows), want.Total, len(want.Rows))
		}
	}
	if _, err := national.Load(ctx, d, national.Options{Seed: 7, Scale: 0.0005}); !errs.Is(errs.Conflict, err) {
		t.Errorf("a second load: err = %v, want a conflict", err)
	}
}

func TestSQLiteIsRefused(t *testing.T) {
	if !slices.Contains(dbtest.Dialects(), db.SQLite) {
		t.Skip("SQLite not tested here")
	}
	d := seedtest.Reference(t, db.SQLite)
	_, err := national.Load(context.Background(), d, national.Options{Seed: 1, Scale: 0.001})
	if !errs.Is(errs.Invalid, err) || !strings.Contains(errs.Message(err), "PostgreSQL only") {
		t.Errorf("err = %v (%q), want invalid saying PostgreSQL only", err, errs.Message(err))
	}
}

func datePtr(s string) *civil.Date { d := civil.MustParse(s); return &d }
