package beneficiary

import (
	"context"

	"github.com/uptrace/bun"

	"hotro/internal/auth"
	"hotro/internal/errs"
	"hotro/internal/page"
)

// maskFor returns b as id may see it: in full, masked (name as initials, ID with its last four
// digits, no date of birth or address), or nil when id may not see it at all.
func maskFor(b *Beneficiary, id *auth.Identity) *Beneficiary {
	v := id.PersonalData(b.WardID)
	if v == auth.Hidden {
		return nil
	}
	out := *b
	out.Visibility = v
	if v == auth.Masked {
		out.FullName = auth.MaskName(b.FullName)
		out.NameKey = ""
		if b.CitizenID != nil {
			masked := auth.MaskID(*b.CitizenID)
			out.CitizenID = &masked
		}
		out.DateOfBirth = nil
		out.Address = ""
	}
	return &out
}

// Filter selects recipients. Search looks in names (without diacritics) and ID numbers as
// SearchCondition allows the caller.
type Filter struct {
	Wards  []string
	Kinds  []Kind
	Search string
}

// ListQuery asks for one page of recipients, by ID.
type ListQuery struct {
	Filter Filter
	First  int
	After  *page.Cursor
}

// Page is one page of recipients.
type Page struct {
	Beneficiaries []*Beneficiary
	Cursors       []string
	HasNext       bool
}

// Reader reads recipients as the caller in the context may see them.
type Reader struct{ db bun.IDB }

// NewReader returns a Reader over db.
func NewReader(db bun.IDB) *Reader { return &Reader{db: db} }

func (r *Reader) filtered(ctx context.Context, q *bun.SelectQuery, f Filter) (*bun.SelectQuery, error) {
	id := auth.FromContext(ctx)
	if err := id.CanList(); err != nil {
		return nil, err
	}
	if err := auth.CheckWardCodes(ctx, r.db, id, f.Wards); err != nil {
		return nil, err
	}
	if len(f.Wards) > 0 {
		q = q.Where("b.ward_id IN (SELECT id FROM admin_units WHERE level = 'COMMUNE' AND code IN (?))", bun.List(f.Wards))
	}
	for _, k := range f.Kinds {
		if k != Person && k != Household {
			return nil, errs.E("beneficiary: list", errs.Invalid, errs.Msgf("Loại đối tượng %q không tồn tại.", k))
		}
	}
	if len(f.Kinds) > 0 {
		q = q.Where("b.kind IN (?)", bun.List(f.Kinds))
	}
	cond, args, err := SearchCondition(id, f.Search)
	if err != nil {
		return nil, err
	}
	if cond != "" {
		q = q.Where(cond, args...)
	}
	if ids := id.ScopeWardIDs(); ids != nil {
		q = q.Where("b.ward_id IN (?)", bun.List(append([]int64{0}, ids...)))
	}
	return q, nil
}

// List returns one page of the recipients matching q that the caller may see, masked for them.
func (r *Reader) List(ctx context.Context, q ListQuery) (*Page, error) {
	const op = "beneficiary: list"
	var bens []*Beneficiary
	sel, err := r.filtered(ctx, r.db.NewSelect().Model(&bens), q.Filter)
	if err != nil {
		return nil, errs.E(op, err)
	}
	if q.After != nil {
		sel = sel.Where("b.id > ?", q.After.ID)
	}
	if err := sel.OrderExpr("b.id").Limit(int64(q.First + 1)).Scan(ctx); err != nil {
		return nil, errs.E(op, err)
	}
	p := &Page{HasNext: len(bens) > q.First}
	if p.HasNext {
		bens = bens[:q.First]
	}
	id := auth.FromContext(ctx)
	for _, b := range bens {
		if m := maskFor(b, id); m != nil {
			p.Beneficiaries = append(p.Beneficiaries, m)
			p.Cursors = append(p.Cursors, page.Cursor{ID: b.ID}.Encode())
		}
	}
	return p, nil
}

// Count returns how many recipients match the filter for the caller.
func (r *Reader) Count(ctx context.Context, f Filter) (int, error) {
	sel, err := r.filtered(ctx, r.db.NewSelect().Model((*Beneficiary)(nil)), f)
	if err != nil {
		return 0, errs.E("beneficiary: count", err)
	}
	n, err := sel.Count(ctx)
	if err != nil {
		return 0, errs.E("beneficiary: count", err)
	}
	return int(n), nil
}

// ByIDs returns the recipients with the IDs that the caller may see, masked for them.
func (r *Reader) ByIDs(ctx context.Context, ids []int64) (map[int64]*Beneficiary, error) {
	const op = "beneficiary: by ids"
	id := auth.FromContext(ctx)
	if err := id.CanList(); err != nil {
		return nil, errs.E(op, err)
	}
	var bens []*Beneficiary
	if err := r.db.NewSelect().Model(&bens).Where("b.id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, errs.E(op, err)
	}
	out := make(map[int64]*Beneficiary, len(bens))
	for _, b := range bens {
		if m := maskFor(b, id); m != nil {
			out[b.ID] = m
		}
	}
	return out, nil
}

// Get returns the recipient, if the caller may see it; otherwise it is not found.
func (r *Reader) Get(ctx context.Context, id int64) (*Beneficiary, error) {
	m, err := r.ByIDs(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	b, ok := m[id]
	if !ok {
		return nil, errs.E("beneficiary: get", errs.NotFound, errs.Msg("Không tìm thấy đối tượng."))
	}
	return b, nil
}
