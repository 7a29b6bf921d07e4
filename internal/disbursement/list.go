package disbursement

import (
	"context"
	"fmt"
	"strconv"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"hotro/internal/auth"
	"hotro/internal/beneficiary"
	"hotro/internal/errs"
	"hotro/internal/page"
	"hotro/internal/program"
)

// ListOrder is what lines are listed by; ties are broken by ID.
type ListOrder string

// The list orders.
const (
	OrderByID       ListOrder = "ID"
	OrderByAmount   ListOrder = "AMOUNT"
	OrderByListedOn ListOrder = "LISTED_ON"
	OrderByPaidOn   ListOrder = "PAID_ON" // lines not paid come last
	// OrderByName sorts by the recipient's name folded as searches fold it (beneficiaries.name_key:
	// lower case, without diacritics, đ as d), compared byte by byte on both dialects (the column is
	// COLLATE "C" on PostgreSQL). Neither database has a Vietnamese collation we can count on: their
	// default orders put "Đ" after "Z" and an accented initial ("Ánh") after every plain letter. On
	// the folded key Đặng sorts with Dương among the D, Ánh with Anh; names that differ only in their
	// diacritics ("Lê"/"Lệ") tie and keep the order of their line IDs. The name is compared as
	// written, family name first, as ward lists are read. Roles that see names masked (initials
	// after the family name) are sorted by the family name alone, then by line ID: an order on the
	// whole name would tell them what the initials hide.
	OrderByName ListOrder = "NAME"
)

// ListQuery asks for one page of lines.
type ListQuery struct {
	Filter Filter
	Order  ListOrder
	Desc   bool
	First  int
	After  *page.Cursor
	// BeneficiaryIDs limits the list to these recipients' lines.
	BeneficiaryIDs []int64
	// BreaksRule keeps only lines whose amount differs from what their group's rule grants.
	BreaksRule bool
}

// Page is one page of lines.
type Page struct {
	Lines   []*Disbursement
	Cursors []string
	HasNext bool
}

// Reader reads payment lines as the caller in the context may see them: a ward officer sees only
// their wards' lines.
type Reader struct {
	db bun.IDB
	// audit is where searches by callers whose full reads are audited are recorded (the primary).
	audit bun.IDB
}

// NewReader returns a Reader over db.
func NewReader(db bun.IDB) *Reader { return &Reader{db: db, audit: db} }

// NewReplicaReader returns a Reader over read (a replica, or the primary) that records audited
// searches in write (the primary).
func NewReplicaReader(read, write bun.IDB) *Reader { return &Reader{db: read, audit: write} }

// sortColumn returns the SQL of an order and the cursor value of a line for it.
func sortColumn(o ListOrder) (string, func(*Disbursement) string, error) {
	switch o {
	case "", OrderByID:
		return "", nil, nil
	case OrderByAmount:
		return "d.amount", func(d *Disbursement) string { return strconv.FormatInt(d.Amount, 10) }, nil
	case OrderByListedOn:
		return "d.listed_on", func(d *Disbursement) string { return d.ListedOn.String() }, nil
	case OrderByName:
		return "nb.name_key", func(d *Disbursement) string { return d.NameKey }, nil
	case OrderByPaidOn:
		return "COALESCE(d.paid_on, '9999-12-31')", func(d *Disbursement) string {
			if d.PaidOn == nil {
				return "9999-12-31"
			}
			return d.PaidOn.String()
		}, nil
	}
	return "", nil, errs.E("disbursement: list", errs.Invalid, errs.Msgf("Không thể sắp xếp theo %q.", o))
}

// where builds the FROM and WHERE of a list or count under the caller's scope.
func (r *Reader) where(ctx context.Context, q *bun.SelectQuery, f Filter, benIDs []int64) (*bun.SelectQuery, error) {
	search := f.Search
	f.Search = "" // lists search; Validate refuses it elsewhere
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if err := f.CheckCodes(ctx, r.db); err != nil {
		return nil, err
	}
	id := auth.FromContext(ctx)
	if err := id.CanList(); err != nil {
		return nil, err
	}
	if err := id.CheckWards(f.WardIDs...); err != nil {
		return nil, err
	}
	if err := auth.CheckWardCodes(ctx, r.db, id, f.Wards); err != nil {
		return nil, err
	}
	q = q.Join("JOIN admin_units AS w ON w.id = d.ward_id").
		Join("LEFT JOIN admin_units AS wp ON wp.id = w.parent_id").
		Join("LEFT JOIN admin_units AS wpp ON wpp.id = wp.parent_id")
	for _, c := range f.Conditions() {
		q = q.Where(c.SQL, c.Args...)
	}
	if ids := id.ScopeWardIDs(); ids != nil {
		q = q.Where("d.ward_id IN (?)", bun.List(append([]int64{0}, ids...)))
	}
	if benIDs != nil {
		q = q.Where("d.beneficiary_id IN (?)", bun.List(append([]int64{0}, benIDs...)))
	}
	cond, args, err := beneficiary.SearchCondition(id, search)
	if err != nil {
		return nil, err
	}
	if err := beneficiary.RecordSearch(ctx, r.audit, id, search); err != nil {
		return nil, err
	}
	if cond != "" {
		q = q.Where("d.beneficiary_id IN (SELECT b.id FROM beneficiaries AS b WHERE "+cond+")", args...)
	}
	return q, nil
}

// List returns one page of the lines matching q that the caller may see.
func (r *Reader) List(ctx context.Context, q ListQuery) (*Page, error) {
	const op = "disbursement: list"
	col, valueOf, err := sortColumn(q.Order)
	if err != nil {
		return nil, err
	}
	var lines []*Disbursement
	sel, err := r.where(ctx, r.db.NewSelect().Model(&lines), q.Filter, q.BeneficiaryIDs)
	if err != nil {
		return nil, errs.E(op, err)
	}
	if q.Order == OrderByName {
		if !beneficiary.SeesNamesInFull(auth.FromContext(ctx)) {
			col = familyNameSQL(r.db)
		}
		sel = sel.ColumnExpr("d.*").ColumnExpr(col + " AS name_key").Join("JOIN beneficiaries AS nb ON nb.id = d.beneficiary_id")
	}
	if q.BreaksRule {
		sel = breakingRule(sel)
	}
	dir, cmp := "ASC", ">"
	if q.Desc {
		dir, cmp = "DESC", "<"
	}
	if q.After != nil {
		if col == "" {
			sel = sel.Where(fmt.Sprintf("d.id %s ?", cmp), q.After.ID)
		} else {
			sel = sel.Where(fmt.Sprintf("(%s %s ? OR (%s = ? AND d.id %s ?))", col, cmp, col, cmp), q.After.Value, q.After.Value, q.After.ID)
		}
	}
	if col != "" {
		sel = sel.OrderExpr(col + " " + dir)
	}
	sel = sel.OrderExpr("d.id " + dir).Limit(int64(q.First + 1))
	if err := sel.Scan(ctx); err != nil {
		return nil, errs.E(op, err)
	}
	p := &Page{HasNext: len(lines) > q.First}
	if p.HasNext {
		lines = lines[:q.First]
	}
	p.Lines = lines
	for _, l := range lines {
		c := page.Cursor{ID: l.ID}
		if valueOf != nil {
			c.Value = valueOf(l)
		}
		p.Cursors = append(p.Cursors, c.Encode())
	}
	return p, nil
}

// Count returns how many lines match the query's filter for the caller (its page is ignored).
func (r *Reader) Count(ctx context.Context, q ListQuery) (int, error) {
	sel, err := r.where(ctx, r.db.NewSelect().Model((*Disbursement)(nil)), q.Filter, q.BeneficiaryIDs)
	if err != nil {
		return 0, errs.E("disbursement: count", err)
	}
	if q.BreaksRule {
		sel = breakingRule(sel)
	}
	n, err := sel.Count(ctx)
	if err != nil {
		return 0, errs.E("disbursement: count", err)
	}
	return int(n), nil
}

// Get returns the line with the ID, if the caller may see it. A line outside the caller's scope is
// not found, so that its existence does not leak.
func (r *Reader) Get(ctx context.Context, id int64) (*Disbursement, error) {
	lines, err := r.ByIDs(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	d, ok := lines[id]
	if !ok {
		return nil, errs.E("disbursement: get", errs.NotFound, errs.Msg("Không tìm thấy dòng chi trả."))
	}
	return d, nil
}

// ByIDs returns the lines with the IDs that the caller may see.
func (r *Reader) ByIDs(ctx context.Context, ids []int64) (map[int64]*Disbursement, error) {
	const op = "disbursement: by ids"
	id := auth.FromContext(ctx)
	if err := id.CanList(); err != nil {
		return nil, errs.E(op, err)
	}
	var lines []*Disbursement
	q := r.db.NewSelect().Model(&lines).Where("d.id IN (?)", bun.List(ids))
	if scope := id.ScopeWardIDs(); scope != nil {
		q = q.Where("d.ward_id IN (?)", bun.List(append([]int64{0}, scope...)))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, errs.E(op, err)
	}
	out := make(map[int64]*Disbursement, len(lines))
	for _, l := range lines {
		out[l.ID] = l
	}
	return out, nil
}

// familyNameSQL is the first word of the folded name (the family name), byte-ordered on both
// dialects.
func familyNameSQL(db bun.IDB) string {
	if db.Dialect().Name() == dialect.PG {
		return `split_part(nb.name_key, ' ', 1) COLLATE "C"`
	}
	return "substr(nb.name_key, 1, instr(nb.name_key || ' ', ' ') - 1)"
}

// breakingRule keeps lines whose amount is not what their group's rule grants.
func breakingRule(q *bun.SelectQuery) *bun.SelectQuery {
	return q.Join("JOIN beneficiary_groups AS g ON g.id = d.group_id").
		Where("d.amount <> " + program.AmountDueSQL)
}
