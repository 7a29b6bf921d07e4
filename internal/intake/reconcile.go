package intake

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/audit"
	"hotro/internal/auth"
	"hotro/internal/beneficiary"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/logging"
	"hotro/internal/page"
)

// A ward officer's upload is not an oracle over the other wards: for a person on record outside the
// officer's wards, the row says only CodeElsewhere, the same words whatever the other ward holds
// (group, amount, whether the name matches). What an admin would have been told, with the new row
// and the lines on record, goes to the reconciliation queue (import_reconciliations) for the city
// office, and every such row counts towards the officer's daily alarm (see lookups.go).

// CodeElsewhere is the one thing a ward officer learns of a person on record outside their wards.
const CodeElsewhere = "reconcile_elsewhere" // error: on record outside the caller's wards; the city office reconciles it

const msgElsewhere = "Số CCCD/CMND này đã có trong danh sách ở nơi khác của chương trình. Phòng Lao động - Thương binh và Xã hội thành phố sẽ đối chiếu; hãy bỏ dòng này khỏi tệp, dòng sẽ được xử lý sau khi đối chiếu xong."

// Reconciliation is one row of an officer's upload that names a person on record outside the
// officer's wards, with what an admin would have been told.
type Reconciliation struct {
	bun.BaseModel `bun:"table:import_reconciliations,alias:r"`

	ID          int64     `bun:"id,pk,autoincrement"`
	CreatedAt   time.Time `bun:"created_at,notnull"`
	Actor       string    `bun:"actor,notnull"`
	ProgramID   int64     `bun:"program_id,notnull"`
	GroupID     int64     `bun:"group_id,notnull"`
	WardID      int64     `bun:"ward_id,notnull"` // the ward of the upload
	OtherWardID *int64    `bun:"other_ward_id"`   // where the person is on record
	FileName    string    `bun:"file_name,notnull"`
	FileSHA256  string    `bun:"file_sha256,notnull"`
	Row         int       `bun:"row_number,notnull"`
	CitizenID   string    `bun:"citizen_id,notnull"`
	// Code and Message are what an admin would have been told of the row (CodeOnRecord when the
	// person is on record elsewhere and nothing else is wrong).
	Code    string `bun:"code,notnull"`
	Message string `bun:"message,notnull"`
	// NewLine is the row of the upload (newLine); Existing the recipients and lines on record
	// (existingState), both JSON.
	NewLine  json.RawMessage `bun:"new_line,type:jsonb,notnull"`
	Existing json.RawMessage `bun:"existing,type:jsonb,notnull"`
}

// CodeOnRecord names a reconciliation whose person is on record in another ward with nothing else
// to say (an admin's import would reuse the recipient).
const CodeOnRecord = "on_record_elsewhere"

// newLine is what the queue keeps of the uploaded row.
type newLine struct {
	Row         int    `json:"row"`
	Group       string `json:"group"`
	Ward        string `json:"ward"`
	FullName    string `json:"fullName"`
	CitizenID   string `json:"citizenId"`
	DateOfBirth string `json:"dateOfBirth,omitempty"`
	Members     int    `json:"members"`
	Months      int    `json:"months"`
	Amount      int64  `json:"amount"`
}

// existingState is what the queue keeps of what is on record.
type existingState struct {
	Recipients []existingRecipient `json:"recipients"`
	Lines      []existingLine      `json:"lines"`
}

type existingRecipient struct {
	ID          int64  `json:"id"`
	Kind        string `json:"kind"`
	FullName    string `json:"fullName"`
	CitizenID   string `json:"citizenId,omitempty"`
	DateOfBirth string `json:"dateOfBirth,omitempty"`
	Members     int    `json:"members"`
	WardID      int64  `json:"wardId"`
}

type existingLine struct {
	ID          int64               `json:"id"`
	RecipientID int64               `json:"recipientId"`
	Group       string              `json:"group"`
	WardID      int64               `json:"wardId"`
	Amount      int64               `json:"amount"`
	Status      disbursement.Status `json:"status"`
	ListedOn    string              `json:"listedOn"`
}

// hideOutside judges a row whose ID names someone on record outside the caller's wards: the row
// gets the one generic error and the details go to the queue. It reports false, doing nothing, for
// callers who are not ward-scoped and for people on record only within the caller's wards.
func (p *pass) hideOutside(c *candidate, k *known) bool {
	if p.visible == nil {
		return false
	}
	bens := k.byCitizen[c.citizenID]
	var lines []*disbursement.Disbursement
	for _, b := range bens {
		lines = append(lines, k.lines[b.ID]...)
	}
	var other *int64
	for _, l := range lines {
		if !p.visible(l.WardID) {
			other = &l.WardID
			break
		}
	}
	if other == nil {
		for _, b := range bens {
			if !p.visible(b.WardID) {
				other = &b.WardID
				break
			}
		}
	}
	if other == nil {
		return false
	}
	// What an admin would have been told, for the queue.
	detail := *c
	detail.issues, detail.skip, detail.replace = nil, false, nil
	judge(&detail, k, p.t, p.idCol, p.nameCol, nil)
	code, msg := CodeOnRecord, "Người này đã có hồ sơ ở phường/xã khác."
	for _, i := range detail.issues {
		if i.Row == c.row && (!i.Warning || code == CodeOnRecord) && i.Code != CodeNearDuplicate {
			code, msg = i.Code, i.Message
			if !i.Warning {
				break
			}
		}
	}
	c.fail(p.idCol, CodeElsewhere, msgElsewhere)
	p.queue(c, other, code, msg, bens, lines)
	return true
}

// hideNearDuplicate reports whether a near-duplicate found in another ward must not be shown to the
// caller; it queues it instead.
func (p *pass) hideNearDuplicate(c *candidate, b *beneficiary.Beneficiary, msg string) bool {
	if p.visible == nil || p.visible(b.WardID) {
		return false
	}
	ward := b.WardID
	p.queue(c, &ward, CodeNearDuplicate, msg, []*beneficiary.Beneficiary{b}, nil)
	return true
}

// queue keeps a finding for the reconciliation queue; the service writes them after the pass,
// outside the commit's transaction (which a row with an error rolls back).
func (p *pass) queue(c *candidate, otherWard *int64, code, msg string, bens []*beneficiary.Beneficiary, lines []*disbursement.Disbursement) {
	t := p.t
	nl := newLine{Row: c.row, Group: t.Group.Code, Ward: t.Ward.Code, FullName: c.fullName, CitizenID: c.citizenID,
		Members: c.members, Months: c.months, Amount: c.amount}
	if c.birth != nil {
		nl.DateOfBirth = c.birth.String()
	}
	ex := existingState{Recipients: []existingRecipient{}, Lines: []existingLine{}}
	for _, b := range bens {
		r := existingRecipient{ID: b.ID, Kind: string(b.Kind), FullName: b.FullName, Members: b.Members, WardID: b.WardID}
		if b.CitizenID != nil {
			r.CitizenID = *b.CitizenID
		}
		if b.DateOfBirth != nil {
			r.DateOfBirth = b.DateOfBirth.String()
		}
		ex.Recipients = append(ex.Recipients, r)
	}
	for _, l := range lines {
		group := ""
		if g := t.Groups[l.GroupID]; g != nil {
			group = g.Code
		}
		ex.Lines = append(ex.Lines, existingLine{ID: l.ID, RecipientID: l.BeneficiaryID, Group: group, WardID: l.WardID,
			Amount: l.Amount, Status: l.Status, ListedOn: l.ListedOn.String()})
	}
	nlJSON, _ := json.Marshal(nl)
	exJSON, _ := json.Marshal(ex)
	p.found = append(p.found, &Reconciliation{CreatedAt: p.now.UTC(), Actor: p.actor, ProgramID: t.Program.ID,
		GroupID: t.Group.ID, WardID: t.Ward.ID, OtherWardID: otherWard, FileName: p.rep.FileName, FileSHA256: p.rep.SHA256,
		Row: c.row, CitizenID: c.citizenID, Code: code, Message: msg, NewLine: nlJSON, Existing: exJSON})
}

// saveReconciliations adds findings to the queue; one already there (the same officer, list,
// person and finding) is kept as it was.
func saveReconciliations(ctx context.Context, db bun.IDB, found []*Reconciliation) error {
	for len(found) > 0 {
		n := min(len(found), 200)
		chunk := found[:n]
		if _, err := db.NewInsert().Model(&chunk).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
			return errs.E("intake: reconciliation queue", err)
		}
		found = found[n:]
	}
	return nil
}

// ReconciliationPage is one page of the reconciliation queue, newest first.
type ReconciliationPage struct {
	Items   []*Reconciliation
	Cursors []string
	HasNext bool
}

// ReconciliationReadAction is the audit trail's action for an entry of the reconciliation queue (it
// holds the citizen ID and what is on record) read by a caller whose full reads are audited.
const ReconciliationReadAction = "reconciliation.read"

// Reconciliations returns a page of the reconciliation queue, newest first (admins and the working
// group; each entry the working group reads is recorded in the audit trail before it is given).
func (s *Service) Reconciliations(ctx context.Context, first int, after *page.Cursor) (*ReconciliationPage, error) {
	const op = "intake: reconciliations"
	id := auth.FromContext(ctx)
	if err := id.CanSupervise(); err != nil {
		return nil, err
	}
	var items []*Reconciliation
	q := s.db.NewSelect().Model(&items)
	if after != nil {
		q = q.Where("r.id < ?", after.ID)
	}
	if err := q.OrderExpr("r.id DESC").Limit(int64(first + 1)).Scan(ctx); err != nil {
		return nil, errs.E(op, err)
	}
	p := &ReconciliationPage{HasNext: len(items) > first}
	if p.HasNext {
		items = items[:first]
	}
	p.Items = items
	for _, r := range items {
		p.Cursors = append(p.Cursors, page.Cursor{ID: r.ID}.Encode())
	}
	if err := RecordReconciliationReads(ctx, s.db, items); err != nil {
		return nil, errs.E(op, err)
	}
	return p, nil
}

// RecordReconciliationReads writes one audit event per entry of the queue given to a caller whose
// full reads are audited (the working group); nothing for other callers.
func RecordReconciliationReads(ctx context.Context, db bun.IDB, items []*Reconciliation) error {
	id := auth.FromContext(ctx)
	if !id.AuditsFullReads() || len(items) == 0 {
		return nil
	}
	now := time.Now()
	events := make([]*audit.Event, 0, len(items))
	for _, r := range items {
		ward := r.WardID
		events = append(events, &audit.Event{At: now, Actor: id.Username, Action: ReconciliationReadAction, Entity: "reconciliation",
			EntityID: strconv.FormatInt(r.ID, 10), WardID: &ward, RequestID: logging.RequestID(ctx)})
	}
	if err := audit.NewStore(db).Record(ctx, events...); err != nil {
		return errs.E("intake: record read", errs.Internal, errs.Msg("Không ghi được nhật ký truy cập dữ liệu cá nhân, nên không hiển thị dữ liệu."), err)
	}
	return nil
}

// CountReconciliations counts the queue (admins and the working group).
func (s *Service) CountReconciliations(ctx context.Context) (int, error) {
	if err := auth.FromContext(ctx).CanSupervise(); err != nil {
		return 0, err
	}
	n, err := s.db.NewSelect().Model((*Reconciliation)(nil)).Count(ctx)
	if err != nil {
		return 0, errs.E("intake: reconciliations", err)
	}
	return int(n), nil
}
