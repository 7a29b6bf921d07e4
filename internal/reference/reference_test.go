package reference_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"hotro/internal/adminunit"
	"hotro/internal/db/dbtest"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/fund"
	"hotro/internal/program"
	"hotro/internal/reference"
	"hotro/internal/seed/seedtest"
)

func TestLoad(t *testing.T) {
	ctx := context.Background()
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Reference(t, dialect)
			s, err := reference.Load(ctx, d)
			if err != nil {
				t.Fatal(err)
			}
			var units []adminunit.Unit
			if err := d.NewSelect().Model(&units).Order("id").Scan(ctx); err != nil {
				t.Fatal(err)
			}
			if len(s.Units) != len(units) || len(units) < 30 {
				t.Fatalf("snapshot holds %d units, the database %d", len(s.Units), len(units))
			}
			for i, u := range units {
				if got := s.Unit(u.ID); got == nil || !reflect.DeepEqual(*got, u) || !reflect.DeepEqual(*s.Units[i], u) {
					t.Fatalf("unit %d: snapshot has %+v, database %+v", u.ID, got, u)
				}
				kind := map[adminunit.Level]disbursement.CodeKind{adminunit.Commune: disbursement.WardCode,
					adminunit.District: disbursement.DistrictCode, adminunit.Province: disbursement.ProvinceCode}[u.Level]
				if !s.Known(kind, u.Code) {
					t.Errorf("unit code %s (%s) not known", u.Code, u.Level)
				}
			}
			var groups []program.Group
			if err := d.NewSelect().Model(&groups).Scan(ctx); err != nil || len(groups) == 0 {
				t.Fatalf("groups: %v (%d)", err, len(groups))
			}
			for _, g := range groups {
				if got := s.Group(g.ID); got == nil || got.Code != g.Code || got.Name != g.Name || !s.Known(disbursement.GroupCode, g.Code) {
					t.Errorf("group %d: snapshot has %+v", g.ID, got)
				}
			}
			var members []program.RoundGroup
			if err := d.NewSelect().Model(&members).Scan(ctx); err != nil || len(members) == 0 {
				t.Fatalf("round groups: %v (%d)", err, len(members))
			}
			for _, m := range members {
				r := s.Round(m.RoundID)
				if got := s.RoundOfGroup(m.GroupID); got != m.RoundID || r == nil || !s.Known(disbursement.RoundCode, r.Code) ||
					!slices.Contains(s.GroupsOfRounds([]string{r.Code}), m.GroupID) {
					t.Errorf("group %d: snapshot puts it in round %d (%+v), database in %d", m.GroupID, got, r, m.RoundID)
				}
			}
			if g := s.GroupsOfRounds([]string{"KHONG_CO"}); len(g) != 0 {
				t.Errorf("groups of an unknown round: %v", g)
			}
			var funds []fund.Fund
			if err := d.NewSelect().Model(&funds).Scan(ctx); err != nil || len(funds) == 0 {
				t.Fatalf("funds: %v (%d)", err, len(funds))
			}
			for _, f := range funds {
				if got := s.Fund(f.ID); got == nil || *got != f || !s.Known(disbursement.FundCode, f.Code) {
					t.Errorf("fund %d: snapshot has %+v", f.ID, got)
				}
			}
			var programs []program.Program
			if err := d.NewSelect().Model(&programs).Scan(ctx); err != nil || len(programs) == 0 {
				t.Fatalf("programmes: %v (%d)", err, len(programs))
			}
			for _, p := range programs {
				if got := s.Program(p.ID); got == nil || got.Code != p.Code || !s.Known(disbursement.ProgramCode, p.Code) {
					t.Errorf("programme %d: snapshot has %+v", p.ID, got)
				}
			}
			// A code is known as what it is: a ward code is no district code, and an unknown code
			// is unknown.
			ward := firstOf(units, adminunit.Commune)
			if s.Known(disbursement.DistrictCode, ward.Code) || s.Known(disbursement.WardCode, "99999") || s.Known(disbursement.GroupCode, "KHONG_CO") {
				t.Error("a code is known as what it is not")
			}
			if s.Unit(-1) != nil || s.Group(-1) != nil || s.Fund(-1) != nil || s.Program(-1) != nil {
				t.Error("an unknown ID gave an entity")
			}
			// The filter check in memory says what the one against the database says.
			for _, f := range []disbursement.Filter{
				{Wards: []string{ward.Code}},
				{Wards: []string{ward.Code, "99999"}},
				{Districts: []string{ward.Code}},
				{Groups: []string{groups[0].Code, "KHONG_CO"}, Funds: []string{funds[0].Code}},
				{Programs: []string{programs[0].Code}, Provinces: []string{firstOf(units, adminunit.Province).Code}},
			} {
				inDB, inMemory := f.CheckCodes(ctx, d), f.CheckCodesKnown(s.Known)
				if errs.Message(inDB) != errs.Message(inMemory) || (inDB == nil) != (inMemory == nil) {
					t.Errorf("filter %+v: database says %v, memory %v", f, inDB, inMemory)
				}
			}
		})
	}
}

func firstOf(units []adminunit.Unit, level adminunit.Level) adminunit.Unit {
	i := slices.IndexFunc(units, func(u adminunit.Unit) bool { return u.Level == level })
	return units[i]
}

// TestCacheFollowsWrites changes each reference table in turn: the next Get sees the change, and a
// Get without a change reuses the snapshot. Within one request every Get gives the same snapshot.
func TestCacheFollowsWrites(t *testing.T) {
	ctx := context.Background()
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Reference(t, dialect)
			c := reference.NewCache(d)
			s, err := c.Get(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if again, err := c.Get(ctx); err != nil || again != s {
				t.Fatalf("nothing changed, yet Get loaded again (%v)", err)
			}
			ward, district := s.Units[len(s.Units)-1], s.Units[0]
			var groupID, fundID, programID int64
			for _, q := range []struct {
				sql string
				out *int64
			}{{"SELECT MIN(id) FROM beneficiary_groups", &groupID}, {"SELECT MIN(id) FROM funds", &fundID}, {"SELECT MIN(id) FROM programs", &programID}} {
				if err := d.NewRaw(q.sql).Scan(ctx, q.out); err != nil {
					t.Fatal(err)
				}
			}
			request := reference.WithRequest(ctx)
			inRequest, err := c.Get(request)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range []struct {
				name  string
				write string
				args  []any
				check func(*reference.Snapshot) bool
			}{
				{"unit", "UPDATE admin_units SET name = ? WHERE id = ?", []any{"Phường Đổi Tên", ward.ID},
					func(s *reference.Snapshot) bool { return s.Unit(ward.ID).Name == "Phường Đổi Tên" }},
				{"successor", "INSERT INTO admin_unit_successors (unit_id, successor_id) VALUES (?, ?)", []any{district.ID, ward.ID},
					func(s *reference.Snapshot) bool { return slices.Contains(s.SuccessorIDs(district.ID), ward.ID) }},
				{"successor removed", "DELETE FROM admin_unit_successors WHERE unit_id = ? AND successor_id = ?", []any{district.ID, ward.ID},
					func(s *reference.Snapshot) bool { return !slices.Contains(s.SuccessorIDs(district.ID), ward.ID) }},
				{"group", "UPDATE beneficiary_groups SET name = ? WHERE id = ?", []any{"Nhóm đổi tên", groupID},
					func(s *reference.Snapshot) bool { return s.Group(groupID).Name == "Nhóm đổi tên" }},
				{"fund", "UPDATE funds SET code = ? WHERE id = ?", []any{"QUY_MOI", fundID},
					func(s *reference.Snapshot) bool {
						return s.Fund(fundID).Code == "QUY_MOI" && s.Known(disbursement.FundCode, "QUY_MOI")
					}},
				{"programme", "UPDATE programs SET name = ? WHERE id = ?", []any{"Chương trình đổi tên", programID},
					func(s *reference.Snapshot) bool { return s.Program(programID).Name == "Chương trình đổi tên" }},
				{"round", "UPDATE payment_rounds SET code = ? WHERE code = 'NQ42_DOT1'", []any{"NQ42_DOT_MOT"},
					func(s *reference.Snapshot) bool {
						return s.Known(disbursement.RoundCode, "NQ42_DOT_MOT") && !s.Known(disbursement.RoundCode, "NQ42_DOT1")
					}},
				{"round's group", "DELETE FROM payment_round_groups WHERE group_id = ?", []any{groupID},
					func(s *reference.Snapshot) bool { return s.RoundOfGroup(groupID) == 0 }},
				{"ward figures", "INSERT INTO ward_figures (unit_id, year, population, households, source, loaded_by) VALUES (?, 2019, 12345, 3456, 'Tổng điều tra 2019', 'admin')", []any{ward.ID},
					func(s *reference.Snapshot) bool {
						f := s.WardFigures(ward.ID)
						return len(f) > 0 && f[0].Year == 2019 && f[0].Population == 12345 && slices.Contains(s.WardFigureYears(), 2019)
					}},
				{"ward figures changed", "UPDATE ward_figures SET population = 23456 WHERE unit_id = ? AND year = 2019", []any{ward.ID},
					func(s *reference.Snapshot) bool { return s.WardFigures(ward.ID)[0].Population == 23456 }},
				{"ward figures removed", "DELETE FROM ward_figures WHERE unit_id = ? AND year = 2019", []any{ward.ID},
					func(s *reference.Snapshot) bool {
						for _, f := range s.WardFigures(ward.ID) {
							if f.Year == 2019 {
								return false
							}
						}
						return true
					}},
			} {
				if _, err := d.NewRaw(w.write, w.args...).Exec(ctx); err != nil {
					t.Fatalf("%s: %v", w.name, err)
				}
				next, err := c.Get(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if next == s || !w.check(next) {
					t.Errorf("%s: the write did not show in the next snapshot", w.name)
				}
				s = next
				if same, err := c.Get(request); err != nil || same != inRequest {
					t.Errorf("%s: one request saw two snapshots (%v)", w.name, err)
				}
			}
		})
	}
}

// TestMissingMigration: a database without the count of reference writes is said to need migrating.
func TestMissingMigration(t *testing.T) {
	ctx := context.Background()
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Reference(t, dialect)
			deleteWrites(t, d)
			_, err := reference.NewCache(d).Get(ctx)
			if err == nil || !strings.Contains(err.Error(), "hotro migrate") {
				t.Fatalf("got %v, want an error that says to run hotro migrate", err)
			}
		})
	}
}

func deleteWrites(t *testing.T, d *bun.DB) {
	t.Helper()
	if _, err := d.NewRaw("DELETE FROM dataset_info WHERE key = 'reference_writes'").Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
}
