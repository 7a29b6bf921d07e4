package snapshot

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/audit"
	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/dataset"
	"hotro/internal/errs"
	"hotro/internal/fund"
	"hotro/internal/logging"
	"hotro/internal/reference"
	"hotro/internal/report"
)

// Snapshot is the record of one snapshot: what it backs, who made it and when, at which data
// version, and whether it was withdrawn.
type Snapshot struct {
	bun.BaseModel `bun:"table:snapshots,alias:s"`

	ID          int64     `bun:"id,pk,autoincrement"`
	Name        string    `bun:"name,notnull"`
	Document    string    `bun:"document,notnull"` // "Báo cáo số 123/BC-UBND ngày 20/05/2020"
	CreatedBy   string    `bun:"created_by,notnull"`
	CreatedAt   time.Time `bun:"created_at,notnull"`
	DataVersion int64     `bun:"data_version,notnull"`
	Lines       int64     `bun:"lines,notnull"`
	Cells       int64     `bun:"cells,notnull"`

	WithdrawnAt     *time.Time `bun:"withdrawn_at"`
	WithdrawnBy     *string    `bun:"withdrawn_by"`
	WithdrawnReason *string    `bun:"withdrawn_reason"`
}

// Official reports whether the snapshot stands (it was not withdrawn).
func (s *Snapshot) Official() bool { return s.WithdrawnAt == nil }

// cellRow is a cell as stored.
type cellRow struct {
	bun.BaseModel `bun:"table:snapshot_cells"`

	SnapshotID      int64       `bun:"snapshot_id"`
	ProgramID       int64       `bun:"program_id"`
	Table           string      `bun:"tbl"`
	ProvinceID      int64       `bun:"province_id"`
	DistrictID      int64       `bun:"district_id"`
	WardID          int64       `bun:"ward_id"`
	GroupID         int64       `bun:"group_id"`
	FundID          int64       `bun:"fund_id"`
	RoundID         int64       `bun:"round_id"`
	PeriodStart     *civil.Date `bun:"period_start,type:date"`
	AmountPaid      int64       `bun:"amount_paid"`
	AmountListed    int64       `bun:"amount_listed"`
	AmountApproved  int64       `bun:"amount_approved"`
	PeopleSupported int64       `bun:"people_supported"`
	Beneficiaries   int64       `bun:"beneficiaries"`
	Disbursements   int64       `bun:"disbursements"`
	AmountReturned  int64       `bun:"amount_returned"`
	AmountCancelled int64       `bun:"amount_cancelled"`
	LineDigest      string      `bun:"line_digest"`
}

// Limits of what a snapshot records about itself.
const (
	MaxNameLength   = 200
	MaxReasonLength = 1000
)

// Service makes, lists, withdraws and answers snapshots.
type Service struct {
	db        bun.IDB
	engine    report.Engine
	reference *reference.Cache
	version   func(context.Context) (int64, error)
	now       func() time.Time
	minCount  int

	mu      sync.Mutex // guards figures and releases
	figures map[int64]*Figures
	public  map[int64]*publicFigures

	nowMu      sync.Mutex // held while the figures of the data now are built, so they are built once
	nowFigures *Figures
}

// NewService returns a service over db (the primary: snapshots are written there) reading the
// tables from the engine; minCount is the public protection level (HOTRO_PUBLIC_MIN_COUNT).
func NewService(db bun.IDB, e report.Engine, ref *reference.Cache, version func(context.Context) (int64, error), now func() time.Time, minCount int) *Service {
	if minCount < 1 {
		minCount = report.DefaultMinCount
	}
	return &Service{db: db, engine: e, reference: ref, version: version, now: now, minCount: minCount,
		figures: map[int64]*Figures{}, public: map[int64]*publicFigures{}}
}

// CreateInput is what a snapshot backs.
type CreateInput struct {
	Name     string // "Báo cáo 123"
	Document string // "Báo cáo số 123/BC-UBND ngày 20/05/2020"
}

func canMake(id *auth.Identity, op string) error {
	if !id.SignedIn() {
		return errs.E(op, errs.Unauthorized, errs.Msg("Vui lòng đăng nhập để chốt số liệu chính thức."))
	}
	if id.Role != auth.Leader && id.Role != auth.Admin {
		return errs.E(op, errs.Permission, errs.Msg("Chỉ lãnh đạo và quản trị viên được chốt hoặc rút số liệu chính thức."))
	}
	return nil
}

// CanRead refuses callers who may not read a snapshot in full: its cells cover every ward, which a
// ward officer may not see (they and visitors read the public figures of an official snapshot).
func CanRead(id *auth.Identity, op string) error {
	if !id.SignedIn() {
		return errs.E(op, errs.Unauthorized, errs.Msg("Vui lòng đăng nhập để xem đầy đủ số liệu chính thức; khách xem số liệu công khai của bản chính thức."))
	}
	if id.WardScoped() {
		return errs.E(op, errs.Permission, errs.Msg("Số liệu chính thức gồm mọi phường/xã; cán bộ phường/xã xem phần công khai của bản chính thức."))
	}
	return nil
}

// Create freezes the figures of the current data version. The tables are read in several queries,
// so they are read again until the data version is the same after as before.
func (s *Service) Create(ctx context.Context, in CreateInput) (*Snapshot, error) {
	const op = "snapshot: create"
	id := auth.FromContext(ctx)
	if err := canMake(id, op); err != nil {
		return nil, err
	}
	in.Name, in.Document = strings.TrimSpace(in.Name), strings.TrimSpace(in.Document)
	switch {
	case in.Name == "":
		return nil, errs.E(op, errs.Invalid, errs.Msg("Cần tên bản số liệu, ví dụ “Báo cáo 123”."))
	case in.Document == "":
		return nil, errs.E(op, errs.Invalid, errs.Msg("Cần văn bản mà số liệu làm căn cứ, ví dụ “Báo cáo số 123/BC-UBND ngày 20/05/2020”."))
	case len([]rune(in.Name)) > MaxNameLength || len([]rune(in.Document)) > MaxNameLength:
		return nil, errs.E(op, errs.Invalid, errs.Msgf("Tên và văn bản dài tối đa %d ký tự.", MaxNameLength))
	}
	for range 3 {
		v, err := s.version(ctx)
		if err != nil {
			return nil, err
		}
		ref, err := s.reference.Get(ctx)
		if err != nil {
			return nil, err
		}
		f, err := Build(ctx, s.engine, s.db, ref, v)
		if err != nil {
			return nil, err
		}
		snap, err := s.store(ctx, id, in, f)
		if errs.KindOf(err) == errs.Conflict {
			continue // the data moved while the tables were read
		}
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		s.figures[snap.ID] = f
		s.mu.Unlock()
		return snap, nil
	}
	return nil, errs.E(op, errs.Unavailable, errs.Msg("Số liệu đang được cập nhật liên tục; vui lòng chốt lại sau ít phút."))
}

// store writes the snapshot in one transaction, if the data is still at the figures' version.
func (s *Service) store(ctx context.Context, id *auth.Identity, in CreateInput, f *Figures) (*Snapshot, error) {
	const op = "snapshot: create"
	snap := &Snapshot{Name: in.Name, Document: in.Document, CreatedBy: id.Username, CreatedAt: s.now().UTC().Truncate(time.Millisecond),
		DataVersion: f.Version, Lines: int64(len(f.lines))}
	var rows []cellRow
	for _, cells := range f.cells {
		for _, c := range cells {
			rows = append(rows, rowOf(c))
		}
	}
	snap.Cells = int64(len(rows))
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		v, err := dataset.NewStore(tx).Version(ctx)
		if err != nil {
			return err
		}
		if v != f.Version {
			return errs.E(op, errs.Conflict, errs.Msg("Số liệu vừa thay đổi."))
		}
		if _, err := tx.NewInsert().Model(snap).Returning("id").Exec(ctx); err != nil {
			return errs.E(op, err)
		}
		for i := range rows {
			rows[i].SnapshotID = snap.ID
		}
		for start := 0; start < len(rows); start += 500 {
			chunk := rows[start:min(start+500, len(rows))]
			if _, err := tx.NewInsert().Model(&chunk).Exec(ctx); err != nil {
				return errs.E(op, err)
			}
		}
		lines := f.lines
		for i := range lines {
			lines[i].SnapshotID = snap.ID
		}
		for start := 0; start < len(lines); start += 1000 {
			chunk := lines[start:min(start+1000, len(lines))]
			if _, err := tx.NewInsert().Model(&chunk).Exec(ctx); err != nil {
				return errs.E(op, err)
			}
		}
		var funds []fundRow
		for id, allocated := range f.allocated {
			funds = append(funds, fundRow{SnapshotID: snap.ID, FundID: id, Allocated: allocated})
		}
		if len(funds) > 0 {
			if _, err := tx.NewInsert().Model(&funds).Exec(ctx); err != nil {
				return errs.E(op, err)
			}
		}
		allocations := make([]allocationRow, len(f.allocations))
		for i, a := range f.allocations {
			allocations[i] = allocationRow{SnapshotID: snap.ID, AllocationID: a.ID, FundID: a.FundID, UnitID: a.UnitID, Amount: a.Amount,
				Decision: a.Decision, DecidedOn: a.DecidedOn, RecordedBy: a.RecordedBy, RecordedAt: a.RecordedAt.UTC()}
		}
		for start := 0; start < len(allocations); start += 1000 {
			chunk := allocations[start:min(start+1000, len(allocations))]
			if _, err := tx.NewInsert().Model(&chunk).Exec(ctx); err != nil {
				return errs.E(op, err)
			}
		}
		total := f.Total()
		return audit.NewStore(tx).Record(ctx, &audit.Event{
			At: snap.CreatedAt, Actor: id.Username, Action: "snapshot.create", Entity: "snapshot",
			EntityID: fmt.Sprint(snap.ID), RequestID: logging.RequestID(ctx),
			After: audit.JSON(map[string]any{"name": snap.Name, "document": snap.Document, "data_version": snap.DataVersion,
				"lines": snap.Lines, "cells": snap.Cells, "amount_paid": total.AmountPaid, "people_supported": total.PeopleSupported}),
		})
	})
	if err != nil {
		return nil, err
	}
	return snap, nil
}

func rowOf(c *Cell) cellRow {
	r := cellRow{ProgramID: c.Program, Table: c.Table, ProvinceID: c.Key.ProvinceID, DistrictID: c.Key.DistrictID, WardID: c.Key.WardID,
		GroupID: c.Key.GroupID, FundID: c.Key.FundID, RoundID: c.Key.RoundID,
		AmountPaid: c.Totals.AmountPaid, AmountListed: c.Totals.AmountListed, AmountApproved: c.Totals.AmountApproved,
		PeopleSupported: c.Totals.PeopleSupported, Beneficiaries: c.Totals.Beneficiaries, Disbursements: c.Totals.Disbursements,
		AmountReturned: c.Totals.AmountReturned, AmountCancelled: c.Totals.AmountCancelled, LineDigest: c.LineDigest}
	if c.Key.Period != nil {
		start := c.Key.Period.Start
		r.PeriodStart = &start
	}
	return r
}

// List returns every snapshot, the newest first, withdrawn ones included.
func (s *Service) List(ctx context.Context) ([]*Snapshot, error) {
	if err := CanRead(auth.FromContext(ctx), "snapshot: list"); err != nil {
		return nil, err
	}
	var out []*Snapshot
	if err := s.db.NewSelect().Model(&out).OrderExpr("id DESC").Scan(ctx); err != nil {
		return nil, errs.E("snapshot: list", err)
	}
	return out, nil
}

// Get returns one snapshot, for roles that read them in full.
func (s *Service) Get(ctx context.Context, id int64) (*Snapshot, error) {
	const op = "snapshot: get"
	if err := CanRead(auth.FromContext(ctx), op); err != nil {
		return nil, err
	}
	return s.get(ctx, id)
}

func (s *Service) get(ctx context.Context, id int64) (*Snapshot, error) {
	const op = "snapshot: get"
	snap := new(Snapshot)
	err := s.db.NewSelect().Model(snap).Where("id = ?", id).Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(op, errs.NotFound, errs.Msgf("Không có bản số liệu chính thức số %d.", id))
	}
	if err != nil {
		return nil, errs.E(op, err)
	}
	return snap, nil
}

// Latest returns the newest official (not withdrawn) snapshot, which everyone may see the public
// figures of; NotFound when there is none.
func (s *Service) Latest(ctx context.Context) (*Snapshot, error) {
	const op = "snapshot: latest"
	snap := new(Snapshot)
	err := s.db.NewSelect().Model(snap).Where("withdrawn_at IS NULL").OrderExpr("id DESC").Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(op, errs.NotFound, errs.Msg("Chưa có bản số liệu chính thức nào."))
	}
	if err != nil {
		return nil, errs.E(op, err)
	}
	return snap, nil
}

// Withdraw withdraws a snapshot with a reason. A snapshot is withdrawn once; it is never edited.
func (s *Service) Withdraw(ctx context.Context, id int64, reason string) (*Snapshot, error) {
	const op = "snapshot: withdraw"
	who := auth.FromContext(ctx)
	if err := canMake(who, op); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return nil, errs.E(op, errs.Invalid, errs.Msg("Cần lý do rút bản số liệu."))
	case len([]rune(reason)) > MaxReasonLength:
		return nil, errs.E(op, errs.Invalid, errs.Msgf("Lý do dài tối đa %d ký tự.", MaxReasonLength))
	}
	var out *Snapshot
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		at := s.now().UTC().Truncate(time.Millisecond)
		res, err := tx.NewUpdate().Model((*Snapshot)(nil)).Set("withdrawn_at = ?", at).Set("withdrawn_by = ?", who.Username).
			Set("withdrawn_reason = ?", reason).Where("id = ?", id).Where("withdrawn_at IS NULL").Exec(ctx)
		if err != nil {
			return errs.E(op, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			snap, err := (&Service{db: tx}).get(ctx, id)
			if err != nil {
				return err
			}
			return errs.E(op, errs.Conflict, errs.Msgf("Bản số liệu %q đã được rút ngày %s.", snap.Name, civil.Of(*snap.WithdrawnAt).Vietnamese()))
		}
		if out, err = (&Service{db: tx}).get(ctx, id); err != nil {
			return err
		}
		return audit.NewStore(tx).Record(ctx, &audit.Event{
			At: at, Actor: who.Username, Action: "snapshot.withdraw", Entity: "snapshot", EntityID: fmt.Sprint(id),
			RequestID: logging.RequestID(ctx), After: audit.JSON(map[string]any{"reason": reason}),
		})
	})
	if err != nil {
		return nil, errs.E(op, err)
	}
	return out, nil
}

// Figures returns a snapshot's cells and lines, read once: they never change.
func (s *Service) Figures(ctx context.Context, snap *Snapshot) (*Figures, error) {
	const op = "snapshot: figures"
	s.mu.Lock()
	f := s.figures[snap.ID]
	s.mu.Unlock()
	if f != nil {
		return f, nil
	}
	ref, err := s.reference.Get(ctx)
	if err != nil {
		return nil, err
	}
	var rows []cellRow
	if err := s.db.NewSelect().Model(&rows).Where("snapshot_id = ?", snap.ID).Scan(ctx); err != nil {
		return nil, errs.E(op, err)
	}
	f = &Figures{Version: snap.DataVersion, cells: map[tableKey][]*Cell{}, parents: map[int64][2]int64{}, allocated: map[int64]int64{}}
	var funds []fundRow
	if err := s.db.NewSelect().Model(&funds).Where("snapshot_id = ?", snap.ID).Scan(ctx); err != nil {
		return nil, errs.E(op, err)
	}
	for _, r := range funds {
		f.allocated[r.FundID] = r.Allocated
	}
	var allocations []allocationRow
	if err := s.db.NewSelect().Model(&allocations).Where("snapshot_id = ?", snap.ID).OrderExpr("allocation_id").Scan(ctx); err != nil {
		return nil, errs.E(op, err)
	}
	for _, r := range allocations {
		f.allocations = append(f.allocations, r.allocation(ref))
	}
	if err := s.db.NewSelect().Model(&f.lines).Where("snapshot_id = ?", snap.ID).OrderExpr("line_id").Scan(ctx); err != nil {
		return nil, errs.E(op, err)
	}
	for _, r := range rows {
		c := &Cell{Program: r.ProgramID, Table: r.Table, Lines: r.Disbursements, LineDigest: r.LineDigest,
			Totals: report.Totals{AmountPaid: r.AmountPaid, AmountListed: r.AmountListed, AmountApproved: r.AmountApproved,
				PeopleSupported: r.PeopleSupported, Beneficiaries: r.Beneficiaries, Disbursements: r.Disbursements,
				AmountReturned: r.AmountReturned, AmountCancelled: r.AmountCancelled},
			Key: report.Key{ProvinceID: r.ProvinceID, DistrictID: r.DistrictID, WardID: r.WardID, GroupID: r.GroupID, FundID: r.FundID, RoundID: r.RoundID}}
		code := func(id int64) string {
			if u := ref.Unit(id); u != nil && id != 0 {
				return u.Code
			}
			return ""
		}
		c.Key.ProvinceCode, c.Key.DistrictCode, c.Key.WardCode = code(r.ProvinceID), code(r.DistrictID), code(r.WardID)
		if d := timeDim(r.Table); d != "" && r.PeriodStart != nil {
			p := report.PeriodOf(d, *r.PeriodStart)
			c.Key.Period = &p
		}
		k := tableKey{r.ProgramID, r.Table}
		f.cells[k] = append(f.cells[k], c)
		if r.ProgramID == 0 && r.Table == "PROVINCE,DISTRICT,WARD" {
			f.parents[r.WardID] = [2]int64{r.ProvinceID, r.DistrictID}
		}
		if r.ProgramID != 0 && r.Table == "" {
			f.programs = append(f.programs, r.ProgramID)
		}
	}
	slices.Sort(f.programs)
	s.mu.Lock()
	s.figures[snap.ID] = f
	s.mu.Unlock()
	return f, nil
}

// Stats answers a stats question from a snapshot (see Figures.Stats), for roles that read
// snapshots in full.
func (s *Service) Stats(ctx context.Context, snap *Snapshot, q report.Query) (*report.Result, error) {
	if err := CanRead(auth.FromContext(ctx), "snapshot: stats"); err != nil {
		return nil, err
	}
	f, err := s.Figures(ctx, snap)
	if err != nil {
		return nil, err
	}
	ref, err := s.reference.Get(ctx)
	if err != nil {
		return nil, err
	}
	return f.Stats(q, ref)
}

// FundUse is fund use (see fund.Store.Use) as it stood when the snapshot was made: what was paid
// from each fund under the filter, from the snapshot's cells (a filter its tables do not hold with
// FUND is refused as Stats refuses it), against the allocations frozen with it, at the same units
// in view. For roles that read snapshots in full.
func (s *Service) FundUse(ctx context.Context, snap *Snapshot, filter report.Filter) ([]*fund.Use, error) {
	if err := CanRead(auth.FromContext(ctx), "snapshot: fund use"); err != nil {
		return nil, err
	}
	f, err := s.Figures(ctx, snap)
	if err != nil {
		return nil, err
	}
	ref, err := s.reference.Get(ctx)
	if err != nil {
		return nil, err
	}
	res, err := f.Stats(report.Query{Filter: filter, GroupBy: []report.Dimension{report.Fund}}, ref)
	if err != nil {
		return nil, err
	}
	return fund.NewStore(s.db).UseFrozen(ctx, filter, fund.PaidByFund(res), f.Frozen())
}

// Funds are the funds' allocations to the whole area as they stood when the snapshot was made:
// anyone the snapshot is given to may read them (they are public figures, as a fund's allocation is).
func (s *Service) Funds(ctx context.Context, snap *Snapshot) ([]FrozenFund, error) {
	f, err := s.Figures(ctx, snap)
	if err != nil {
		return nil, err
	}
	return f.Funds(), nil
}

// Provenance answers a question from a snapshot with each row's provenance (see
// Figures.Provenance), for roles that read snapshots in full.
func (s *Service) Provenance(ctx context.Context, snap *Snapshot, q report.Query) (Traced, []Traced, error) {
	if err := CanRead(auth.FromContext(ctx), "snapshot: provenance"); err != nil {
		return Traced{}, nil, err
	}
	f, err := s.Figures(ctx, snap)
	if err != nil {
		return Traced{}, nil, err
	}
	ref, err := s.reference.Get(ctx)
	if err != nil {
		return Traced{}, nil, err
	}
	return f.Provenance(q, ref)
}
