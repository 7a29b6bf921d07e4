package intake

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"hotro/internal/auth"
	"hotro/internal/beneficiary"
	hotrodb "hotro/internal/db"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/program"
	"hotro/internal/vntext"
)

// known is what the database already holds about the people of one chunk of rows.
type known struct {
	byCitizen map[string][]*beneficiary.Beneficiary  // recipients of any kind with the ID
	lines     map[int64][]*disbursement.Disbursement // their active lines in the programme
	byName    map[string][]*beneficiary.Beneficiary  // recipients with a folded name of the chunk
}

// lookup reads, in a few queries, what the database holds about the chunk's IDs and names.
func lookup(ctx context.Context, db bun.IDB, t *Target, chunk []*candidate) (*known, error) {
	const op = "intake: lookup"
	k := &known{byCitizen: map[string][]*beneficiary.Beneficiary{}, lines: map[int64][]*disbursement.Disbursement{},
		byName: map[string][]*beneficiary.Beneficiary{}}
	var ids, names []string
	for _, c := range chunk {
		if c.citizenID != "" {
			ids = append(ids, c.citizenID)
		}
		if c.nameKey != "" && c.birth != nil {
			names = append(names, c.nameKey)
		}
	}
	if len(ids) == 0 && len(names) == 0 {
		return k, nil
	}
	bens, err := recipientsOf(ctx, db, ids, names)
	if err != nil {
		return nil, errs.E(op, err)
	}
	wanted := make(map[string]bool, len(ids))
	for _, id := range ids {
		wanted[id] = true
	}
	var benIDs []int64
	for _, b := range bens {
		if b.CitizenID != nil && wanted[*b.CitizenID] {
			k.byCitizen[*b.CitizenID] = append(k.byCitizen[*b.CitizenID], b)
			benIDs = append(benIDs, b.ID)
		}
		k.byName[b.NameKey] = append(k.byName[b.NameKey], b)
	}
	if len(benIDs) > 0 {
		var lines []*disbursement.Disbursement
		if err := db.NewSelect().Model(&lines).Where("d.program_id = ?", t.Program.ID).
			Where("d.beneficiary_id IN (?)", bun.List(benIDs)).
			Where("d.status NOT IN (?)", bun.List([]disbursement.Status{disbursement.Returned, disbursement.Cancelled})).
			OrderExpr("d.id").Scan(ctx); err != nil {
			return nil, errs.E(op, err)
		}
		for _, l := range lines {
			k.lines[l.BeneficiaryID] = append(k.lines[l.BeneficiaryID], l)
		}
	}
	return k, nil
}

// judge holds one row against what the database knows: the same person on this or another list of
// the programme, the programme's overlap rule, an ID that belongs to someone else, near-duplicates.
// hide, when not nil, is the pass of a ward-scoped caller: what concerns people on record outside
// the caller's wards goes to its reconciliation queue instead of the row's issues.
func judge(c *candidate, k *known, t *Target, idCol, nameCol string, hide *pass) {
	if c.citizenID == "" {
		return
	}
	if hide != nil && hide.hideOutside(c, k) {
		return
	}
	kind := beneficiary.Person
	if householdGroup(t.Group) {
		kind = beneficiary.Household
	}
	var lines []*disbursement.Disbursement
	for _, b := range k.byCitizen[c.citizenID] {
		lines = append(lines, k.lines[b.ID]...)
		if b.Kind != kind {
			continue
		}
		switch {
		case b.NameKey != c.nameKey && c.nameKey != "":
			c.fail(idCol, CodeIDOtherPerson, "Số CCCD/CMND này đã có trong hệ thống với họ tên khác. Hãy kiểm tra lại số giấy tờ và họ tên.")
		case kind == beneficiary.Household && c.members > b.Members:
			c.fail(idCol, CodeMembersMismatch, fmt.Sprintf("Hộ này đã có trong hệ thống với %d nhân khẩu, ít hơn số nhân khẩu trong tệp (%d). Hãy kiểm tra lại với danh sách hộ.", b.Members, c.members))
		default:
			c.recipientID, c.personBase = b.ID, b.PersonBase
		}
	}
	var others []*disbursement.Disbursement // lines of other groups
	for _, l := range lines {
		if l.GroupID != t.Group.ID {
			others = append(others, l)
			continue
		}
		if l.WardID == t.Ward.ID {
			c.skip = true
			c.warn(idCol, CodeAlreadyListed, fmt.Sprintf("Đã có trong danh sách nhóm này của phường/xã (dòng chi trả %d, trạng thái \"%s\"); dòng này được bỏ qua.", l.ID, l.Status.Label()))
		} else {
			c.fail(idCol, CodeListedElsewhere, "Người này đã có trong danh sách nhóm này của một phường/xã khác. Mỗi người chỉ được lập danh sách ở một nơi.")
		}
	}
	if len(others) > 0 && !c.skip && c.amount > 0 {
		overlap(c, others, t, idCol)
	}
	if c.birth != nil {
		for _, b := range k.byName[c.nameKey] {
			if b.DateOfBirth != nil && *b.DateOfBirth == *c.birth && b.CitizenID != nil && *b.CitizenID != c.citizenID {
				msg := fmt.Sprintf("Đã có người cùng họ tên và ngày sinh %s với số giấy tờ khác (%s). Hãy kiểm tra có phải cùng một người không.",
					c.birth.Vietnamese(), auth.MaskID(*b.CitizenID))
				if hide != nil && hide.hideNearDuplicate(c, b, msg) {
					continue
				}
				c.warn(nameCol, CodeNearDuplicate, msg)
				break
			}
		}
	}
}

// overlap applies the programme's overlap rule to a row whose person is already on lists of other
// groups. ALLOW_ALL notes it. HIGHEST_ONLY keeps one benefit, the highest: a row that is not higher
// than every line of the other groups is refused; a higher row replaces the lower lines, which the
// commit cancels, unless one of them is already approved or paid.
func overlap(c *candidate, others []*disbursement.Disbursement, t *Target, idCol string) {
	name := func(l *disbursement.Disbursement) string {
		if g := t.Groups[l.GroupID]; g != nil {
			return g.Name
		}
		return fmt.Sprint(l.GroupID)
	}
	if t.Program.OverlapRule == program.AllowAll {
		c.warn(idCol, CodeOverlapAllowed, fmt.Sprintf("Người này cũng có trong danh sách nhóm \"%s\"; chương trình cho phép hưởng nhiều chế độ.", name(others[0])))
		return
	}
	highest := others[0]
	for _, l := range others[1:] {
		if l.Amount > highest.Amount {
			highest = l
		}
	}
	if c.amount <= highest.Amount {
		c.fail(idCol, CodeOverlapRefused, fmt.Sprintf("Người này đã có trong danh sách nhóm \"%s\" với số tiền %s đồng, không thấp hơn dòng này (%s đồng). Theo quy định của chương trình, mỗi người chỉ hưởng một mức cao nhất; hãy bỏ dòng này.",
			name(highest), vntext.Number(highest.Amount), vntext.Number(c.amount)))
		return
	}
	for _, l := range others {
		if l.Status == disbursement.Approved || l.Status == disbursement.Paid {
			c.fail(idCol, CodeOverlapLocked, fmt.Sprintf("Người này đã được %s ở nhóm \"%s\" (%s đồng, mức thấp hơn). Không thể thay bằng mức cao hơn khi nhập danh sách; hãy báo cấp trên xử lý.",
				map[disbursement.Status]string{disbursement.Approved: "phê duyệt", disbursement.Paid: "chi trả"}[l.Status], name(l), vntext.Number(l.Amount)))
			return
		}
	}
	c.replace = others
	c.warn(idCol, CodeOverlapReplaces, fmt.Sprintf("Người này đang có trong danh sách nhóm \"%s\" với mức thấp hơn (%s đồng). Theo quy định chỉ hưởng một mức cao nhất, dòng cũ sẽ bị huỷ khi xác nhận nhập danh sách này.",
		name(highest), vntext.Number(highest.Amount)))
}

// recipientsOf finds, in one query, the recipients with the IDs and those with the folded names.
// On PostgreSQL the lists go as array parameters of an unchanging statement, which the server plans
// once.
func recipientsOf(ctx context.Context, db bun.IDB, ids, names []string) ([]*beneficiary.Beneficiary, error) {
	if raw, ok := hotrodb.SQLOf(db); ok && db.Dialect().Name() == dialect.PG {
		rows, err := raw.QueryContext(ctx, `SELECT id, kind, full_name, name_key, citizen_id, date_of_birth, members, person_base, ward_id
			FROM beneficiaries WHERE citizen_id = ANY($1::text[]) OR name_key = ANY($2::text[])`, ids, names)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []*beneficiary.Beneficiary
		for rows.Next() {
			b := new(beneficiary.Beneficiary)
			if err := rows.Scan(&b.ID, &b.Kind, &b.FullName, &b.NameKey, &b.CitizenID, &b.DateOfBirth, &b.Members, &b.PersonBase, &b.WardID); err != nil {
				return nil, err
			}
			out = append(out, b)
		}
		return out, rows.Err()
	}
	var bens []*beneficiary.Beneficiary
	q := db.NewSelect().Model(&bens)
	switch {
	case len(ids) > 0 && len(names) > 0:
		q = q.Where("b.citizen_id IN (?) OR b.name_key IN (?)", bun.List(ids), bun.List(names))
	case len(ids) > 0:
		q = q.Where("b.citizen_id IN (?)", bun.List(ids))
	default:
		q = q.Where("b.name_key IN (?)", bun.List(names))
	}
	return bens, q.Scan(ctx)
}
