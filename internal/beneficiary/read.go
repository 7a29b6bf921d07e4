package beneficiary

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/audit"
	"hotro/internal/auth"
	"hotro/internal/errs"
	"hotro/internal/logging"
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

// Reader reads recipients as the caller in the context may see them. For a caller whose full reads
// are audited (auth.Identity.AuditsFullReads: the working group), every recipient it is given in
// full is recorded in the audit trail before it is given, or the read fails.
type Reader struct {
	db bun.IDB
	// audit is where the reads in full are recorded: the primary database when db is a replica.
	audit bun.IDB
}

// NewReader returns a Reader over db that records audited reads in db.
func NewReader(db bun.IDB) *Reader { return &Reader{db: db, audit: db} }

// NewReplicaReader returns a Reader over read (a replica, or the primary) that records audited
// reads in write (the primary).
func NewReplicaReader(read, write bun.IDB) *Reader { return &Reader{db: read, audit: write} }

// ReadAction is the audit trail's action for a recipient read in full by a caller whose full reads
// are audited; the event names the recipient and its ward.
const ReadAction = "personal.read"

// SearchAction is the audit trail's action for a search by name or ID number made by a caller whose
// full reads are audited: a search that finds nobody tells something about a person too.
const SearchAction = "personal.search"

// RecordSearch writes one audit event for a search by a caller whose full reads are audited (the
// search as typed); nothing for other callers or an empty search.
func RecordSearch(ctx context.Context, db bun.IDB, id *auth.Identity, search string) error {
	search = strings.TrimSpace(search)
	if !id.AuditsFullReads() || search == "" {
		return nil
	}
	if err := audit.NewStore(db).Record(ctx, &audit.Event{At: time.Now(), Actor: id.Username, Action: SearchAction, Entity: "search",
		EntityID: "", After: audit.JSON(map[string]string{"search": search}), RequestID: logging.RequestID(ctx)}); err != nil {
		return errs.E("beneficiary: record search", errs.Internal, errs.Msg("Không ghi được nhật ký truy cập dữ liệu cá nhân, nên không tìm kiếm."), err)
	}
	return nil
}

// recordFullReads writes one audit event per recipient given in full to a caller whose full reads
// are audited. Nothing is written for other callers.
func (r *Reader) recordFullReads(ctx context.Context, id *auth.Identity, op string, bens []*Beneficiary) error {
	if !id.AuditsFullReads() {
		return nil
	}
	var events []*audit.Event
	now := time.Now()
	for _, b := range bens {
		if b.Visibility != auth.Full {
			continue
		}
		ward := b.WardID
		events = append(events, &audit.Event{At: now, Actor: id.Username, Action: ReadAction, Entity: "beneficiary",
			EntityID: strconv.FormatInt(b.ID, 10), WardID: &ward, After: audit.JSON(map[string]string{"read": op}),
			RequestID: logging.RequestID(ctx)})
	}
	if err := audit.NewStore(r.audit).Record(ctx, events...); err != nil {
		return errs.E("beneficiary: record read", errs.Internal, errs.Msg("Không ghi được nhật ký truy cập dữ liệu cá nhân, nên không hiển thị dữ liệu."), err)
	}
	return nil
}

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
	if err := RecordSearch(ctx, r.audit, id, f.Search); err != nil {
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
	if err := r.recordFullReads(ctx, id, "list", p.Beneficiaries); err != nil {
		return nil, errs.E(op, err)
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
	given := make([]*Beneficiary, 0, len(bens))
	for _, b := range bens {
		if m := maskFor(b, id); m != nil {
			out[b.ID] = m
			given = append(given, m)
		}
	}
	if err := r.recordFullReads(ctx, id, "by ids", given); err != nil {
		return nil, errs.E(op, err)
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
