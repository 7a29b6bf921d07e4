// Package reference keeps the reference data (administrative units and their successors,
// programmes, beneficiary groups, payment rounds, funds and the wards' population figures) in memory. It is small (about 11,400 units for the
// whole country), read on nearly every request (names of the rows of a chart, codes of a filter,
// the unit tree of the stats engine) and rarely written, so the server reads it once and again only
// when it changes: triggers move reference_writes (in dataset_info) on every write to those tables,
// and a request reads that one value instead of the rows.
package reference

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"sync"

	"github.com/uptrace/bun"

	"hotro/internal/adminunit"
	"hotro/internal/civil"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/fund"
	"hotro/internal/program"
	"hotro/internal/wardfigure"
)

// Snapshot is the reference data as of one version. It is never changed once made: share it freely.
type Snapshot struct {
	Version string
	// Units are every administrative unit, ordered by ID.
	Units []*adminunit.Unit
	// EarliestUnit is the first day a commune is valid from: no unit exists before it.
	EarliestUnit civil.Date

	units      map[int64]*adminunit.Unit
	successors map[int64][]int64
	programs   map[int64]*program.Program
	groups     map[int64]*program.Group
	funds      map[int64]*fund.Fund
	rounds     map[int64]*program.Round
	roundOf    map[int64]int64 // group ID -> round ID
	codes      map[disbursement.CodeKind]map[string]bool
	// reused holds, by level and code, the units of each code that has named more than one unit
	// over time (the 2025 communes reuse codes), oldest first.
	reused map[adminunit.Level]map[string][]*adminunit.Unit
	// figures holds each ward's reference figures, latest year first; figureYears the years of
	// which any ward has figures, latest first.
	figures     map[int64][]*wardfigure.Figure
	figureYears []int
}

// WardFigureYears returns the years of which figures are loaded (for any unit), latest first.
func (s *Snapshot) WardFigureYears() []int { return slices.Clone(s.figureYears) }

// WardFigures returns the reference figures of the unit (population and households by year),
// latest year first; none when it has none.
func (s *Snapshot) WardFigures(unitID int64) []*wardfigure.Figure {
	if f := s.figures[unitID]; f != nil {
		return f
	}
	return []*wardfigure.Figure{}
}

// ReusedCode returns the units a code of the level has named over time, oldest first (by valid
// from, then ID), when it has named more than one; nil otherwise.
func (s *Snapshot) ReusedCode(level adminunit.Level, code string) []*adminunit.Unit {
	return s.reused[level][code]
}

// Unit returns the unit with the ID, or nil.
func (s *Snapshot) Unit(id int64) *adminunit.Unit { return s.units[id] }

// SuccessorIDs returns the IDs of the units the unit became, in order (none if unchanged).
func (s *Snapshot) SuccessorIDs(id int64) []int64 { return s.successors[id] }

// Program returns the programme with the ID, or nil.
func (s *Snapshot) Program(id int64) *program.Program { return s.programs[id] }

// Group returns the beneficiary group with the ID, or nil.
func (s *Snapshot) Group(id int64) *program.Group { return s.groups[id] }

// Round returns the payment round with the ID, or nil.
func (s *Snapshot) Round(id int64) *program.Round { return s.rounds[id] }

// RoundOfGroup returns the ID of the round that pays the group, or 0 when no round does: a line
// belongs to the round of its group (see program.Round).
func (s *Snapshot) RoundOfGroup(groupID int64) int64 { return s.roundOf[groupID] }

// GroupsOfRounds returns the IDs of the groups of the rounds with the codes, in ID order.
func (s *Snapshot) GroupsOfRounds(codes []string) []int64 {
	want := map[string]bool{}
	for _, c := range codes {
		want[c] = true
	}
	var ids []int64
	for g, r := range s.roundOf {
		if want[s.rounds[r].Code] {
			ids = append(ids, g)
		}
	}
	slices.Sort(ids)
	return ids
}

// Fund returns the fund with the ID, or nil.
func (s *Snapshot) Fund(id int64) *fund.Fund { return s.funds[id] }

// Known reports whether a code of the kind exists (any programme's group or fund; a unit of any
// validity), as disbursement.Filter.CheckCodes asks the database.
func (s *Snapshot) Known(kind disbursement.CodeKind, code string) bool { return s.codes[kind][code] }

// Load reads the reference data from the database. The version is read first, so a snapshot is
// never labelled newer than what it holds: a write during the load makes the next Get load again.
func Load(ctx context.Context, idb bun.IDB) (*Snapshot, error) {
	const op = "reference: load"
	v, err := version(ctx, idb)
	if err != nil {
		return nil, err
	}
	s := &Snapshot{Version: v}
	var (
		links    []adminunit.Successor
		programs []*program.Program
		groups   []*program.Group
		funds    []*fund.Fund
		rounds   []*program.Round
		members  []program.RoundGroup
		figures  []*wardfigure.Figure
	)
	for _, q := range []*bun.SelectQuery{
		idb.NewSelect().Model(&s.Units).Order("id"),
		idb.NewSelect().Model(&links).OrderExpr("unit_id, successor_id"),
		idb.NewSelect().Model(&programs).Order("id"),
		idb.NewSelect().Model(&groups).Order("id"),
		idb.NewSelect().Model(&funds).Order("id"),
		idb.NewSelect().Model(&rounds).Order("id"),
		idb.NewSelect().Model(&members).OrderExpr("round_id, group_id"),
		idb.NewSelect().Model(&figures).OrderExpr("unit_id, year DESC"),
	} {
		if err := q.Scan(ctx); err != nil {
			return nil, errs.E(op, err)
		}
	}
	s.index(links, programs, groups, funds)
	s.indexRounds(rounds, members)
	s.figures = map[int64][]*wardfigure.Figure{}
	s.figureYears = []int{}
	for _, f := range figures {
		s.figures[f.UnitID] = append(s.figures[f.UnitID], f)
		if !slices.Contains(s.figureYears, f.Year) {
			s.figureYears = append(s.figureYears, f.Year)
		}
	}
	slices.SortFunc(s.figureYears, func(a, b int) int { return cmp.Compare(b, a) })
	return s, nil
}

func (s *Snapshot) index(links []adminunit.Successor, programs []*program.Program, groups []*program.Group, funds []*fund.Fund) {
	s.units = make(map[int64]*adminunit.Unit, len(s.Units))
	s.successors = map[int64][]int64{}
	s.programs = make(map[int64]*program.Program, len(programs))
	s.groups = make(map[int64]*program.Group, len(groups))
	s.funds = make(map[int64]*fund.Fund, len(funds))
	s.codes = map[disbursement.CodeKind]map[string]bool{}
	known := func(kind disbursement.CodeKind, code string) {
		if s.codes[kind] == nil {
			s.codes[kind] = map[string]bool{}
		}
		s.codes[kind][code] = true
	}
	type levelCode struct {
		level adminunit.Level
		code  string
	}
	byCode := map[levelCode][]*adminunit.Unit{}
	s.reused = map[adminunit.Level]map[string][]*adminunit.Unit{}
	for _, u := range s.Units {
		k := levelCode{u.Level, u.Code}
		byCode[k] = append(byCode[k], u)
	}
	for k, units := range byCode {
		if len(units) < 2 {
			continue
		}
		slices.SortFunc(units, func(a, b *adminunit.Unit) int {
			if c := a.ValidFrom.Compare(b.ValidFrom); c != 0 {
				return c
			}
			return cmp.Compare(a.ID, b.ID)
		})
		if s.reused[k.level] == nil {
			s.reused[k.level] = map[string][]*adminunit.Unit{}
		}
		s.reused[k.level][k.code] = units
	}
	for _, u := range s.Units {
		s.units[u.ID] = u
		switch u.Level {
		case adminunit.Commune:
			known(disbursement.WardCode, u.Code)
			if s.EarliestUnit.IsZero() || u.ValidFrom.Before(s.EarliestUnit) {
				s.EarliestUnit = u.ValidFrom
			}
		case adminunit.District:
			known(disbursement.DistrictCode, u.Code)
		case adminunit.Province:
			known(disbursement.ProvinceCode, u.Code)
		}
	}
	for _, l := range links {
		s.successors[l.UnitID] = append(s.successors[l.UnitID], l.SuccessorID)
	}
	for _, p := range programs {
		s.programs[p.ID] = p
		known(disbursement.ProgramCode, p.Code)
	}
	for _, g := range groups {
		s.groups[g.ID] = g
		known(disbursement.GroupCode, g.Code)
	}
	for _, f := range funds {
		s.funds[f.ID] = f
		known(disbursement.FundCode, f.Code)
	}
}

func (s *Snapshot) indexRounds(rounds []*program.Round, members []program.RoundGroup) {
	s.rounds = make(map[int64]*program.Round, len(rounds))
	s.roundOf = make(map[int64]int64, len(members))
	for _, r := range rounds {
		s.rounds[r.ID] = r
		if s.codes[disbursement.RoundCode] == nil {
			s.codes[disbursement.RoundCode] = map[string]bool{}
		}
		s.codes[disbursement.RoundCode][r.Code] = true
	}
	for _, m := range members {
		s.roundOf[m.GroupID] = m.RoundID
	}
}

func version(ctx context.Context, idb bun.IDB) (string, error) {
	var v string
	err := idb.NewRaw("SELECT value FROM dataset_info WHERE key = 'reference_writes'").Scan(ctx, &v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errs.E("reference: version", errs.Internal, errs.Msg("Cơ sở dữ liệu chưa được nâng cấp (thiếu reference_writes): hãy chạy hotro migrate."))
	}
	if err != nil {
		return "", errs.E("reference: version", err)
	}
	return v, nil
}

// Cache holds the snapshot of the version read last.
//
// It reads the version on every Get outside a request scope, and once per request within one: a
// version trusted for a while would let the response cache, which reads the data version on a
// clock of its own, keep an answer with an old name under a new version.
type Cache struct {
	db bun.IDB

	mu   sync.Mutex // held while loading, so that concurrent requests load once
	snap *Snapshot
}

// NewCache returns a cache reading from idb (a database, a replica pool).
func NewCache(idb bun.IDB) *Cache { return &Cache{db: idb} }

// Get returns the snapshot of the current version: one round trip for the version, and a load only
// when it moved. Within a request scope (WithRequest) the first Get's snapshot serves every later
// one, so that the parts of one answer agree and the version is read once.
func (c *Cache) Get(ctx context.Context) (*Snapshot, error) {
	r, _ := ctx.Value(requestKey{}).(*request)
	if r != nil {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.snap != nil {
			return r.snap, nil
		}
	}
	s, err := c.current(ctx)
	if err != nil {
		return nil, err
	}
	if r != nil {
		r.snap = s
	}
	return s, nil
}

func (c *Cache) current(ctx context.Context) (*Snapshot, error) {
	v, err := version(ctx, c.db)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap != nil && c.snap.Version == v {
		return c.snap, nil
	}
	s, err := Load(ctx, c.db)
	if err != nil {
		return nil, err
	}
	c.snap = s
	return s, nil
}

type requestKey struct{}

type request struct {
	mu   sync.Mutex
	snap *Snapshot
}

// WithRequest returns ctx scoped to one request: every Get under it returns the same snapshot.
func WithRequest(ctx context.Context) context.Context {
	return context.WithValue(ctx, requestKey{}, &request{})
}

// IDsWithCodes returns the IDs of the programmes, groups or funds (by kind) whose code is one of
// codes, as the stats filter's subqueries find them: a group or fund code may name one of each
// programme. Other kinds give none.
func (s *Snapshot) IDsWithCodes(kind disbursement.CodeKind, codes []string) map[int64]bool {
	want := make(map[string]bool, len(codes))
	for _, c := range codes {
		want[c] = true
	}
	out := map[int64]bool{}
	switch kind {
	case disbursement.ProgramCode:
		for id, p := range s.programs {
			if want[p.Code] {
				out[id] = true
			}
		}
	case disbursement.GroupCode:
		for id, g := range s.groups {
			if want[g.Code] {
				out[id] = true
			}
		}
	case disbursement.FundCode:
		for id, f := range s.funds {
			if want[f.Code] {
				out[id] = true
			}
		}
	}
	return out
}

// Use makes s the snapshot of the request under ctx unless the request has one already, and
// returns the request's snapshot (s outside a request scope): an engine holding reference data of
// its own shares it with the rest of the answer, which then reads no version.
func Use(ctx context.Context, s *Snapshot) *Snapshot {
	r, _ := ctx.Value(requestKey{}).(*request)
	if r == nil {
		return s
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.snap == nil {
		r.snap = s
	}
	return r.snap
}
