package snapshot

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"slices"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/errs"
	"hotro/internal/fund"
	"hotro/internal/reference"
	"hotro/internal/report"
)

// Cell is one figure of a snapshot's tables: its programme (0 for every programme), its table, its
// key (the table's dimensions, units with their parents), its measures and its provenance.
type Cell struct {
	Program int64
	Table   string
	Key     report.Key
	Totals  report.Totals
	// Lines is how many lines the cell counts; LineDigest the SHA-256 of their IDs (see the package
	// doc), in hex.
	Lines      int64
	LineDigest string
}

// Line is a payment line as a snapshot counted it.
type Line struct {
	bun.BaseModel `bun:"table:snapshot_lines"`

	SnapshotID int64       `bun:"snapshot_id"`
	ID         int64       `bun:"line_id"`
	ProgramID  int64       `bun:"program_id"`
	WardID     int64       `bun:"ward_id"`
	GroupID    int64       `bun:"group_id"`
	FundID     int64       `bun:"fund_id"`
	RoundID    int64       `bun:"round_id"`
	Status     string      `bun:"status"`
	Amount     int64       `bun:"amount"`
	PaidOn     *civil.Date `bun:"paid_on,type:date"`
}

// Figures are a snapshot's cells and lines in memory: what its answers are read from.
type Figures struct {
	Version int64
	cells   map[tableKey][]*Cell
	lines   []Line // by ID
	// parents are the province and district of each ward with lines.
	parents map[int64][2]int64
	// programs are the programmes with lines; groups, funds, rounds, units those in the cells.
	programs []int64
	// allocated is each fund's allocation at the snapshot's version, by fund ID.
	allocated map[int64]int64
	// allocations are the allocation decisions to units recorded by the snapshot's version, each
	// with its unit's code and level.
	allocations []*fund.Allocation
}

// allocationRow is an allocation decision as a snapshot keeps it.
type allocationRow struct {
	bun.BaseModel `bun:"table:snapshot_allocations"`

	SnapshotID   int64      `bun:"snapshot_id"`
	AllocationID int64      `bun:"allocation_id"`
	FundID       int64      `bun:"fund_id"`
	UnitID       int64      `bun:"unit_id"`
	Amount       int64      `bun:"amount"`
	Decision     string     `bun:"decision"`
	DecidedOn    civil.Date `bun:"decided_on,type:date"`
	RecordedBy   string     `bun:"recorded_by"`
	RecordedAt   time.Time  `bun:"recorded_at"`
}

func (r allocationRow) allocation(ref *reference.Snapshot) *fund.Allocation {
	a := &fund.Allocation{ID: r.AllocationID, FundID: r.FundID, UnitID: r.UnitID, Amount: r.Amount, Decision: r.Decision,
		DecidedOn: r.DecidedOn, RecordedBy: r.RecordedBy, RecordedAt: r.RecordedAt}
	if u := ref.Unit(r.UnitID); u != nil {
		a.UnitCode, a.UnitLevel = u.Code, u.Level
	}
	return a
}

// FrozenFund is a fund's allocation to the whole area as a snapshot keeps it.
type FrozenFund struct {
	FundID    int64
	Allocated int64
}

// Funds are the funds' allocations to the whole area as they stood, by fund ID.
func (f *Figures) Funds() []FrozenFund {
	out := make([]FrozenFund, 0, len(f.allocated))
	for id, a := range f.allocated {
		out = append(out, FrozenFund{FundID: id, Allocated: a})
	}
	slices.SortFunc(out, func(a, b FrozenFund) int { return cmp.Compare(a.FundID, b.FundID) })
	return out
}

// Frozen is the allocations as they stood, as fund use reads them.
func (f *Figures) Frozen() *fund.Frozen {
	return &fund.Frozen{Allocated: f.allocated, Allocations: f.allocations}
}

// fundRow is a fund's allocation as a snapshot keeps it.
type fundRow struct {
	bun.BaseModel `bun:"table:snapshot_funds"`

	SnapshotID int64 `bun:"snapshot_id"`
	FundID     int64 `bun:"fund_id"`
	Allocated  int64 `bun:"allocated"`
}

// Allocated is the fund's allocation when the snapshot was made, and whether the snapshot holds one.
func (f *Figures) Allocated(fundID int64) (int64, bool) {
	v, ok := f.allocated[fundID]
	return v, ok
}

type tableKey struct {
	program int64
	table   string
}

// Cells returns the cells of a programme's table (program 0: every programme), in no set order.
func (f *Figures) Cells(program int64, dims []report.Dimension) []*Cell {
	return f.cells[tableKey{program, tableName(dims)}]
}

// Lines returns the lines the snapshot counted, by ID.
func (f *Figures) Lines() []Line { return f.lines }

// Total is the totals of every line (of every programme).
func (f *Figures) Total() report.Totals {
	for _, c := range f.cells[tableKey{0, ""}] {
		return c.Totals
	}
	return report.Totals{}
}

// reader is the identity the tables are read as: every ward, no personal data.
var reader = &auth.Identity{Role: auth.Analyst, Username: "official-snapshot"}

// Build reads the tables from the engine and the lines from db, and checks that they agree: each
// cell counts exactly the lines that fall in it. The caller makes sure the data did not change
// while it ran.
func Build(ctx context.Context, e report.Engine, db bun.IDB, ref *reference.Snapshot, version int64) (*Figures, error) {
	const op = "snapshot: build"
	ctx = auth.WithIdentity(ctx, reader)
	f := &Figures{Version: version, cells: map[tableKey][]*Cell{}, parents: map[int64][2]int64{}}
	programs, err := e.Stats(ctx, report.Query{GroupBy: []report.Dimension{report.Program}})
	if err != nil {
		return nil, errs.E(op, err)
	}
	for _, row := range programs.Rows {
		f.programs = append(f.programs, row.ProgramID)
	}
	slices.Sort(f.programs)
	for _, p := range append([]int64{0}, f.programs...) {
		var filter report.Filter
		if p != 0 {
			filter.ProgramIDs = []int64{p}
		}
		for _, dims := range Tables() {
			res, err := e.Stats(ctx, report.Query{GroupBy: dims, Filter: filter})
			if err != nil {
				return nil, errs.E(op, err)
			}
			rows := res.Rows
			if len(dims) == 0 {
				rows = nil
				if res.Total.Disbursements > 0 {
					rows = []report.Row{{Totals: res.Total}}
				}
			}
			k := tableKey{p, tableName(dims)}
			for _, row := range rows {
				f.cells[k] = append(f.cells[k], &Cell{Program: p, Table: k.table, Key: row.Key, Totals: stored(row.Totals)})
				if p == 0 && k.table == "PROVINCE,DISTRICT,WARD" {
					f.parents[row.WardID] = [2]int64{row.ProvinceID, row.DistrictID}
				}
			}
		}
	}
	lines, err := readLines(ctx, db, ref)
	if err != nil {
		return nil, err
	}
	f.lines = lines
	if err := f.readAllocations(ctx, db, ref); err != nil {
		return nil, err
	}
	if err := f.trace(); err != nil {
		return nil, err
	}
	return f, nil
}

// readAllocations reads every fund's allocation to the whole area and every allocation decision
// to a unit as they stand (the caller checks that the data version did not move meanwhile: an
// allocation moves it).
func (f *Figures) readAllocations(ctx context.Context, db bun.IDB, ref *reference.Snapshot) error {
	const op = "snapshot: allocations"
	var funds []struct {
		ID        int64 `bun:"id"`
		Allocated int64 `bun:"allocated"`
	}
	if err := db.NewRaw("SELECT id, allocated FROM funds ORDER BY id").Scan(ctx, &funds); err != nil {
		return errs.E(op, err)
	}
	f.allocated = make(map[int64]int64, len(funds))
	for _, x := range funds {
		f.allocated[x.ID] = x.Allocated
	}
	var rows []allocationRow
	if err := db.NewRaw(`SELECT id AS allocation_id, fund_id, unit_id, amount, decision, decided_on, recorded_by, recorded_at
		FROM fund_allocations ORDER BY id`).Scan(ctx, &rows); err != nil {
		return errs.E(op, err)
	}
	f.allocations = make([]*fund.Allocation, len(rows))
	for i, r := range rows {
		f.allocations[i] = r.allocation(ref)
	}
	return nil
}

// stored is the measures a cell keeps: those the engines add up. What Arrange derives from them
// (shares, undefined measures) is derived again for every answer, as the live engines do, so a
// cell reads the same from memory as from the database.
func stored(t report.Totals) report.Totals {
	return report.Totals{AmountPaid: t.AmountPaid, AmountListed: t.AmountListed, AmountApproved: t.AmountApproved,
		PeopleSupported: t.PeopleSupported, Beneficiaries: t.Beneficiaries, Disbursements: t.Disbursements,
		AmountReturned: t.AmountReturned, AmountCancelled: t.AmountCancelled}
}

// readLines reads every payment line as it stands, with the round of its group.
func readLines(ctx context.Context, db bun.IDB, ref *reference.Snapshot) ([]Line, error) {
	var lines []Line
	err := db.NewRaw(`SELECT id AS line_id, program_id, ward_id, group_id, fund_id, status, amount, paid_on
		FROM disbursements ORDER BY id`).Scan(ctx, &lines)
	if err != nil {
		return nil, errs.E("snapshot: lines", err)
	}
	for i := range lines {
		lines[i].RoundID = ref.RoundOfGroup(lines[i].GroupID)
	}
	return lines, nil
}

// coords are where a line falls: the values of every dimension a table may have.
type coords struct {
	program, province, district, ward, group, fund, round int64
	month, week                                           string
}

// Unpaid is the period label of lines without a paid date.
const Unpaid = "-"

func (f *Figures) coordsOf(l Line) coords {
	c := coords{program: l.ProgramID, ward: l.WardID, group: l.GroupID, fund: l.FundID, round: l.RoundID, month: Unpaid, week: Unpaid}
	p := f.parents[l.WardID]
	c.province, c.district = p[0], p[1]
	if l.PaidOn != nil {
		c.month = report.PeriodOf(report.Month, *l.PaidOn).Label
		c.week = report.PeriodOf(report.Week, *l.PaidOn).Label
	}
	return c
}

// cellID identifies a cell within a programme's table by its values.
type cellID struct {
	province, district, ward, group, fund, round int64
	period                                       string
}

func idOfKey(tbl string, k report.Key) cellID {
	id := cellID{province: k.ProvinceID, district: k.DistrictID, ward: k.WardID, group: k.GroupID, fund: k.FundID, round: k.RoundID}
	if timeDim(tbl) != "" {
		id.period = Unpaid
		if k.Period != nil {
			id.period = k.Period.Label
		}
	}
	return id
}

// idOfLine is the cell of the table the line falls in.
func idOfLine(tbl string, dims []report.Dimension, c coords) cellID {
	var id cellID
	for _, d := range dims {
		switch d {
		case report.Province:
			id.province = c.province
		case report.District:
			id.district = c.district
		case report.Ward:
			id.ward = c.ward
		case report.Group:
			id.group = c.group
		case report.Fund:
			id.fund = c.fund
		case report.Round:
			id.round = c.round
		case report.Month:
			id.period = c.month
		case report.Week:
			id.period = c.week
		}
	}
	return id
}

// trace gives every cell its provenance from the lines, and refuses tables and lines that
// disagree (a line outside every cell, a cell whose lines are not its disbursements).
func (f *Figures) trace() error {
	const op = "snapshot: trace"
	type acc struct {
		cell *Cell
		n    int64
		hash hash.Hash
	}
	tables := Tables()
	index := map[tableKey]map[cellID]*acc{}
	for k, cells := range f.cells {
		m := map[cellID]*acc{}
		for _, c := range cells {
			m[idOfKey(k.table, c.Key)] = &acc{cell: c, hash: sha256.New()}
		}
		index[k] = m
	}
	var buf []byte
	for _, l := range f.lines {
		c := f.coordsOf(l)
		buf = strconv.AppendInt(buf[:0], l.ID, 10)
		buf = append(buf, '\n')
		for _, p := range []int64{0, l.ProgramID} {
			for _, dims := range tables {
				tbl := tableName(dims)
				a := index[tableKey{p, tbl}][idOfLine(tbl, dims, c)]
				if a == nil {
					return errs.E(op, errs.Internal, errs.Msgf("Dòng chi trả %d không thuộc ô nào của bảng %q: số liệu tổng hợp chưa khớp với các dòng, hãy thử lại.", l.ID, tbl))
				}
				a.n++
				a.hash.Write(buf)
			}
		}
	}
	for _, m := range index {
		for _, a := range m {
			if a.n != a.cell.Totals.Disbursements {
				return errs.E(op, errs.Internal, errs.Msgf("Một ô của bảng %q có %d dòng chi trả nhưng số liệu tổng hợp đếm %d: số liệu tổng hợp chưa khớp với các dòng, hãy thử lại.", a.cell.Table, a.n, a.cell.Totals.Disbursements))
			}
			a.cell.Lines = a.n
			a.cell.LineDigest = hex.EncodeToString(a.hash.Sum(nil))
		}
	}
	return nil
}

// LineDigest is the digest of a set of line IDs as a snapshot writes it: the SHA-256 of the IDs in
// ascending order, each in decimal followed by a newline, in hex.
func LineDigest(ids []int64) string {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	h := sha256.New()
	var buf []byte
	for _, id := range ids {
		buf = strconv.AppendInt(buf[:0], id, 10)
		h.Write(append(buf, '\n'))
	}
	return hex.EncodeToString(h.Sum(nil))
}
