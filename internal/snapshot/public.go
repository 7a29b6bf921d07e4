package snapshot

import (
	"context"
	"slices"

	"hotro/internal/auth"
	"hotro/internal/errs"
	"hotro/internal/release"
	"hotro/internal/report"
)

// publicFigures are the release tables of a snapshot with their suppression pattern.
type publicFigures struct {
	release *release.Release
}

// cellEngine answers the release tables' questions from a snapshot's cells, so that package
// release computes the public protection over the snapshot exactly as over the live figures.
type cellEngine struct{ f *Figures }

func (e cellEngine) Stats(_ context.Context, q report.Query) (*report.Result, error) {
	program := int64(0)
	if len(q.Filter.ProgramIDs) == 1 {
		program = q.Filter.ProgramIDs[0]
	}
	res := &report.Result{}
	for _, c := range e.f.cells[tableKey{program, ""}] {
		res.Total = c.Totals
	}
	if slices.Equal(q.GroupBy, []report.Dimension{report.Program}) {
		for _, p := range e.f.programs {
			for _, c := range e.f.cells[tableKey{p, ""}] {
				res.Rows = append(res.Rows, report.Row{Key: report.Key{ProgramID: p}, Totals: c.Totals})
			}
		}
		report.Arrange(res, q)
		return res, nil
	}
	cells, ok := e.f.cells[tableKey{program, tableName(q.GroupBy)}]
	if !ok && len(q.GroupBy) > 0 && len(e.f.cells[tableKey{program, ""}]) > 0 {
		return nil, errs.E("snapshot: public", errs.Internal, errs.Msgf("Bản số liệu không có bảng %s.", tableName(q.GroupBy)))
	}
	for _, c := range cells {
		res.Rows = append(res.Rows, report.Row{Key: c.Key, Totals: c.Totals})
	}
	report.Arrange(res, q)
	return res, nil
}

// PublicStats answers a visitor's question from an official snapshot with the public protection
// (package release) computed over the snapshot's cells: the same tables, questions and withheld
// cells rules as the live public figures. Anyone may ask; a withdrawn snapshot answers no one.
func (s *Service) PublicStats(ctx context.Context, snap *Snapshot, q report.Query) (*report.PublicResult, error) {
	const op = "snapshot: public"
	if !snap.Official() {
		return nil, errs.E(op, errs.NotFound, errs.Msgf("Bản số liệu %q đã được rút; không còn là số liệu chính thức.", snap.Name))
	}
	ref, err := s.reference.Get(ctx)
	if err != nil {
		return nil, err
	}
	if err := q.Filter.CheckCodesKnown(ref.Known); err != nil {
		return nil, err
	}
	s.mu.Lock()
	pub := s.public[snap.ID]
	s.mu.Unlock()
	if pub == nil {
		f, err := s.Figures(ctx, snap)
		if err != nil {
			return nil, err
		}
		r, err := release.Build(ctx, cellEngine{f}, ref, snap.DataVersion, s.minCount)
		if err != nil {
			return nil, errs.E(op, err)
		}
		pub = &publicFigures{release: r}
		s.mu.Lock()
		s.public[snap.ID] = pub
		s.mu.Unlock()
	}
	return pub.release.Answer(q)
}

// PublicGet returns a snapshot for anyone when it is official (withdrawn ones only to roles that
// read snapshots in full).
func (s *Service) PublicGet(ctx context.Context, id int64) (*Snapshot, error) {
	snap, err := s.get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !snap.Official() {
		if err := CanRead(auth.FromContext(ctx), "snapshot: get"); err != nil {
			return nil, errs.E("snapshot: get", errs.NotFound, errs.Msgf("Không có bản số liệu chính thức số %d.", id))
		}
	}
	return snap, nil
}
