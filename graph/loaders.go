package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/vikstrous/dataloadgen"

	"hotro/internal/adminunit"
	"hotro/internal/audit"
	"hotro/internal/beneficiary"
	"hotro/internal/civil"
	"hotro/internal/disbursement"
	"hotro/internal/fund"
	"hotro/internal/program"
	"hotro/internal/reference"
	"hotro/internal/report"
	"hotro/internal/wardfigure"
)

// Loaders batch the lookups of one operation, so that a list of N rows costs a constant number of
// queries, not N.
type Loaders struct {
	Unit         *dataloadgen.Loader[int64, *adminunit.Unit]
	Successors   *dataloadgen.Loader[int64, []int64]
	Predecessors *dataloadgen.Loader[int64, []int64]
	// SameCode holds the other units of each unit's code, in other periods.
	SameCode    *dataloadgen.Loader[int64, []int64]
	Program     *dataloadgen.Loader[int64, *program.Program]
	Group       *dataloadgen.Loader[int64, *program.Group]
	Fund        *dataloadgen.Loader[int64, *fund.Fund]
	Round       *dataloadgen.Loader[int64, *program.Round]
	Totals      *dataloadgen.Loader[totalsKey, *report.Totals]
	Beneficiary *dataloadgen.Loader[int64, *beneficiary.Beneficiary]
	// Line holds payment lines by ID, within the caller's scope (residents' reports name them).
	Line *dataloadgen.Loader[int64, *disbursement.Disbursement]
	// Figures holds each unit's reference figures, latest year first.
	Figures *dataloadgen.Loader[int64, []*wardfigure.Figure]
	// History holds the audit events of each recipient's lines.
	History *dataloadgen.Loader[int64, []*audit.Event]

	reference *reference.Cache // nil: names come from the loaders
}

// loaderWait is how long a loader gathers keys before it fetches, unless Resolver.LoaderWait says
// otherwise: long enough for sibling fields resolved concurrently (the rows of a list start within
// microseconds of each other), short against a request, which waits for it at each level of nesting.
const loaderWait = 500 * time.Microsecond

// NewLoaders returns fresh loaders for one operation.
func (r *Resolver) NewLoaders() *Loaders {
	wait := loaderWait
	if r.LoaderWait > 0 {
		wait = r.LoaderWait
	}
	opt := dataloadgen.WithWait(wait)
	return &Loaders{
		Unit:         dataloadgen.NewMappedLoader(r.Units.ByIDs, opt),
		Successors:   dataloadgen.NewMappedLoader(r.Units.SuccessorIDs, opt),
		Predecessors: dataloadgen.NewMappedLoader(r.Units.PredecessorIDs, opt),
		SameCode:     dataloadgen.NewMappedLoader(r.Units.SameCodeIDs, opt),
		Program:      dataloadgen.NewMappedLoader(r.Programs.ProgramsByIDs, opt),
		Group:        dataloadgen.NewMappedLoader(r.Programs.GroupsByIDs, opt),
		Fund:         dataloadgen.NewMappedLoader(r.Funds.ByIDs, opt),
		Round:        dataloadgen.NewMappedLoader(r.Programs.RoundsByIDs, opt),
		Totals:       dataloadgen.NewMappedLoader(r.fetchTotals, opt),
		Beneficiary:  dataloadgen.NewMappedLoader(r.Recipients.ByIDs, opt),
		Line:         dataloadgen.NewMappedLoader(r.Lines.ByIDs, opt),
		History:      dataloadgen.NewMappedLoader(r.Lines.History, opt),
		Figures:      dataloadgen.NewMappedLoader(r.Figures.ForUnits, opt),
		reference:    r.Reference,
	}
}

type loadersKey struct{}

// WithLoaders returns ctx carrying l.
func WithLoaders(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, loadersKey{}, &lazyLoaders{made: l})
}

// withLazyLoaders returns ctx carrying r's loaders for one operation, made when first asked for:
// most operations (the stats answered from memory, with names from reference data) need none.
func withLazyLoaders(ctx context.Context, r *Resolver) context.Context {
	return context.WithValue(ctx, loadersKey{}, &lazyLoaders{r: r})
}

// referenceCache is the operation's reference data cache, nil when the resolver keeps none; asking
// for it makes no loaders.
func referenceCache(ctx context.Context) *reference.Cache {
	l, ok := ctx.Value(loadersKey{}).(*lazyLoaders)
	if !ok {
		panic("graph: no loaders in context; the handler installs them per operation")
	}
	if l.r == nil { // WithLoaders: made from the start
		return l.made.reference
	}
	return l.r.Reference
}

type lazyLoaders struct {
	once sync.Once
	r    *Resolver
	made *Loaders
	// unitCodes gathers the operation's notices of filter codes that named several units.
	unitCodes unitCodeNotices
}

// unitCodesOf is the operation's notices of filter codes that named several units.
func unitCodesOf(ctx context.Context) *unitCodeNotices {
	l, ok := ctx.Value(loadersKey{}).(*lazyLoaders)
	if !ok {
		panic("graph: no loaders in context; the handler installs them per operation")
	}
	return &l.unitCodes
}

func loaders(ctx context.Context) *Loaders {
	l, ok := ctx.Value(loadersKey{}).(*lazyLoaders)
	if !ok {
		panic("graph: no loaders in context; the handler installs them per operation")
	}
	l.once.Do(func() {
		if l.made == nil {
			l.made = l.r.NewLoaders()
		}
	})
	return l.made
}

// totalsKey asks for the totals of one entity (a ward, group, fund or programme) under a filter.
type totalsKey struct {
	dim    report.Dimension
	id     int64
	asOf   civil.Date // for wards: report under units valid on this date
	filter string     // the filter, as JSON
}

func newTotalsKey(dim report.Dimension, id int64, asOf civil.Date, f report.Filter) (totalsKey, error) {
	b, err := json.Marshal(f)
	if err != nil {
		return totalsKey{}, err
	}
	return totalsKey{dim: dim, id: id, asOf: asOf, filter: string(b)}, nil
}

// fetchTotals answers many entities' totals with one grouped stats query per distinct
// (dimension, date, filter).
func (r *Resolver) fetchTotals(ctx context.Context, keys []totalsKey) (map[totalsKey]*report.Totals, error) {
	type batch struct {
		dim    report.Dimension
		asOf   civil.Date
		filter string
	}
	batches := map[batch][]int64{}
	for _, k := range keys {
		b := batch{k.dim, k.asOf, k.filter}
		batches[b] = append(batches[b], k.id)
	}
	out := make(map[totalsKey]*report.Totals, len(keys))
	for b, ids := range batches {
		var f report.Filter
		if err := json.Unmarshal([]byte(b.filter), &f); err != nil {
			return nil, err
		}
		q := report.Query{Filter: f, GroupBy: []report.Dimension{b.dim}}
		switch b.dim {
		case report.Ward:
			f.WardIDs = ids
			q.UnitsAsOf = &b.asOf
		case report.Group:
			f.GroupIDs = ids
		case report.Fund:
			f.FundIDs = ids
		case report.Program:
			f.ProgramIDs = ids
		default:
			return nil, fmt.Errorf("graph: totals by %s", b.dim)
		}
		q.Filter = f
		res, err := r.Stats.Stats(ctx, q)
		if err != nil {
			return nil, err
		}
		got := map[int64]report.Totals{}
		for _, row := range res.Rows {
			got[map[report.Dimension]int64{report.Ward: row.WardID, report.Group: row.GroupID, report.Fund: row.FundID, report.Program: row.ProgramID}[b.dim]] = row.Totals
		}
		for _, id := range ids {
			t, ok := got[id]
			if !ok {
				t = report.Totals{Undefined: q.UndefinedMeasures()}
			}
			// The share of a total made of the entities batched together would mean nothing.
			t.ShareOfTotal = nil
			out[totalsKey{dim: b.dim, id: id, asOf: b.asOf, filter: b.filter}] = &t
		}
	}
	return out, nil
}

// entityTotals loads the totals of one entity through the batching loader.
func entityTotals(ctx context.Context, dim report.Dimension, id int64, asOf civil.Date, f report.Filter) (*report.Totals, error) {
	key, err := newTotalsKey(dim, id, asOf, f)
	if err != nil {
		return nil, err
	}
	return loaders(ctx).Totals.Load(ctx, key)
}

// loadUnits loads several units at once, keeping order.
func loadUnits(ctx context.Context, ids []int64) ([]*adminunit.Unit, error) {
	return loaders(ctx).Unit.LoadAll(ctx, ids)
}
