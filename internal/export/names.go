package export

import (
	"context"
	"slices"

	"hotro/internal/adminunit"
	"hotro/internal/fund"
	"hotro/internal/program"
)

// names are the units, programmes, groups and funds that a result's rows refer to, by ID.
type names struct {
	units      map[int64]*adminunit.Unit
	successors map[int64][]int64
	programs   map[int64]*program.Program
	groups     map[int64]*program.Group
	rounds     map[int64]*program.Round
	funds      map[int64]*fund.Fund
}

// lookUp loads the names of what the rows refer to: one call per store, none for an empty set.
func (h *Handler) lookUp(ctx context.Context, rows []line) (names, error) {
	var n names
	var units, split, programs, groups, funds, rounds ids
	for _, r := range rows {
		units.add(r.WardID, r.DistrictID, r.ProvinceID)
		if r.WardSplit {
			split.add(r.WardID)
		}
		programs.add(r.ProgramID)
		groups.add(r.GroupID)
		funds.add(r.FundID)
		rounds.add(r.RoundID)
	}
	var err error
	if len(split) > 0 {
		if n.successors, err = h.c.Units.SuccessorIDs(ctx, split.list()); err != nil {
			return n, err
		}
		for _, s := range n.successors {
			units.add(s...)
		}
	}
	if len(units) > 0 {
		if n.units, err = h.c.Units.ByIDs(ctx, units.list()); err != nil {
			return n, err
		}
	}
	if len(programs) > 0 {
		if n.programs, err = h.c.Programs.ProgramsByIDs(ctx, programs.list()); err != nil {
			return n, err
		}
	}
	if len(groups) > 0 {
		if n.groups, err = h.c.Programs.GroupsByIDs(ctx, groups.list()); err != nil {
			return n, err
		}
	}
	if len(rounds) > 0 {
		if n.rounds, err = h.c.Programs.RoundsByIDs(ctx, rounds.list()); err != nil {
			return n, err
		}
	}
	if len(funds) > 0 {
		if n.funds, err = h.c.Funds.ByIDs(ctx, funds.list()); err != nil {
			return n, err
		}
	}
	return n, nil
}

// ids is a set of IDs; 0 (not grouped, or no such unit) is never in it.
type ids map[int64]bool

func (s *ids) add(vs ...int64) {
	for _, v := range vs {
		if v != 0 {
			if *s == nil {
				*s = ids{}
			}
			(*s)[v] = true
		}
	}
}

func (s ids) list() []int64 {
	out := make([]int64, 0, len(s))
	for v := range s {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}
