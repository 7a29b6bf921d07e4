package intake

import (
	"context"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"hotro/internal/adminunit"
	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/program"
)

// PostingQuery asks for the public posting list (niêm yết công khai) of a ward.
type PostingQuery struct {
	Ward    string // official code
	Program string // default: the programme of the ward's lines, if only one
	Group   string // one group, or every group
	// Draft lists the lines still LISTED (to check before posting) instead of the POSTED ones.
	Draft   bool
	BatchID int64 // one imported list only
}

// Posting is the list a ward puts up for residents to check: the recipients of each group, with
// their amounts, the totals and the posting dates. ID numbers are masked; names are in full, as
// the law wants them checked, on the printed list. Online, for anyone but the ward's officers and
// admins (Public), names are masked too and birth years and addresses left out.
type Posting struct {
	// Public: the list as anyone reads it online, each line with its ID for residents' reports.
	Public    bool
	Ward      *adminunit.Unit
	Parents   []string // the units above the ward, the highest first (province, then city or district), as a letterhead lists them
	Program   *program.Program
	Draft     bool
	Groups    []*PostingGroup
	Lines     int
	People    int
	Amount    int64
	PrintedOn civil.Date
}

// PostingGroup is one group's part of a posting list.
type PostingGroup struct {
	Group    *program.Group
	Rows     []PostingRow
	People   int
	Amount   int64
	PostedOn []civil.Date // the posting dates of its lines, in order
}

// PostingRow is one recipient on a posting list.
type PostingRow struct {
	LineID    int64 // the payment line, which a resident's report names
	No        int
	FullName  string
	BirthYear int
	MaskedID  string
	Address   string
	Members   int
	Months    int
	Amount    int64
}

// MaxPostingRows bounds a posting list; a ward's list is a few hundred lines.
const MaxPostingRows = 50_000

// CanPrintPosting says who may print a ward's posting list: it carries full names, so only admins
// and the ward's officers, who put it up, may.
func CanPrintPosting(id *auth.Identity, wardID int64) error {
	return wardWork(id, wardID, "intake: posting", "Vui lòng đăng nhập để in danh sách niêm yết.",
		"Chỉ cán bộ phường/xã và quản trị viên được in danh sách niêm yết.")
}

// Posting returns the posting list of a ward for the caller in the context: the printed list for
// the ward's officers and admins, the public list (Posting.Public) for anyone else. The draft (lines
// not posted yet) is for the ward's officers and admins only.
func (s *Service) Posting(ctx context.Context, q PostingQuery) (*Posting, error) {
	const op = "intake: posting"
	id := auth.FromContext(ctx)
	if q.Draft && !id.SignedIn() {
		return nil, CanPrintPosting(id, 0)
	}
	today := civil.Of(s.opt.Now())
	ward, err := findWard(ctx, s.db, strings.TrimSpace(q.Ward), today, civil.New(1900, 1, 1))
	if err != nil {
		return nil, err
	}
	// A code may name several periods of a ward; the caller's scope decides which one they mean.
	units, err := adminunit.NewStore(s.db).List(ctx, adminunit.Filter{Level: adminunit.Commune, Codes: []string{ward.Code}})
	if err != nil {
		return nil, errs.E(op, err)
	}
	var wardIDs, all []int64
	for _, u := range units {
		all = append(all, u.ID)
		if id.SignedIn() && id.InScope(u.ID) && CanPrintPosting(id, u.ID) == nil {
			wardIDs = append(wardIDs, u.ID)
			ward = u
		}
	}
	public := len(wardIDs) == 0
	if public {
		if q.Draft {
			return nil, CanPrintPosting(id, ward.ID)
		}
		wardIDs = all
	}
	status := disbursement.Posted
	if q.Draft {
		status = disbursement.Listed
	}
	var lines []struct {
		ID        int64       `bun:"id"`
		GroupID   int64       `bun:"group_id"`
		ProgramID int64       `bun:"program_id"`
		FullName  string      `bun:"full_name"`
		Birth     *civil.Date `bun:"date_of_birth"`
		CitizenID *string     `bun:"citizen_id"`
		Address   string      `bun:"address"`
		Members   int         `bun:"people_covered"`
		Months    int         `bun:"months_covered"`
		Amount    int64       `bun:"amount"`
		PostedOn  *civil.Date `bun:"posted_on"`
	}
	sel := s.db.NewSelect().TableExpr("disbursements AS d").Join("JOIN beneficiaries AS b ON b.id = d.beneficiary_id").
		ColumnExpr("d.id, d.group_id, d.program_id, b.full_name, b.date_of_birth, b.citizen_id, b.address, d.people_covered, d.months_covered, d.amount, d.posted_on").
		Where("d.ward_id IN (?)", bun.List(wardIDs)).Where("d.status = ?", status)
	if q.Program != "" {
		sel = sel.Where("d.program_id = (SELECT id FROM programs WHERE code = ?)", strings.ToUpper(q.Program))
	}
	if q.Group != "" {
		sel = sel.Where("d.group_id IN (SELECT id FROM beneficiary_groups WHERE code = ?)", strings.ToUpper(q.Group))
	}
	if q.BatchID != 0 {
		sel = sel.Where("d.batch_id = ?", q.BatchID)
	}
	if err := sel.OrderExpr("d.program_id, d.group_id, b.name_key, d.id").Limit(MaxPostingRows+1).Scan(ctx, &lines); err != nil {
		return nil, errs.E(op, err)
	}
	if len(lines) > MaxPostingRows {
		return nil, errs.E(op, errs.Invalid, errs.Msgf("Danh sách quá dài (hơn %d dòng); hãy in từng nhóm đối tượng.", MaxPostingRows))
	}
	p := &Posting{Public: public, Ward: ward, Draft: q.Draft, PrintedOn: today}
	if ward.ParentID != nil {
		if err := s.parents(ctx, p, *ward.ParentID); err != nil {
			return nil, errs.E(op, err)
		}
	}
	programs := program.NewStore(s.db)
	groupIDs := map[int64]bool{}
	for _, l := range lines {
		groupIDs[l.GroupID] = true
	}
	groups, err := programs.GroupsByIDs(ctx, keys(groupIDs))
	if err != nil {
		return nil, errs.E(op, err)
	}
	var cur *PostingGroup
	for _, l := range lines {
		if p.Program == nil || p.Program.ID != l.ProgramID {
			progs, err := programs.ProgramsByIDs(ctx, []int64{l.ProgramID})
			if err != nil {
				return nil, errs.E(op, err)
			}
			p.Program = progs[l.ProgramID]
		}
		if cur == nil || cur.Group.ID != l.GroupID {
			cur = &PostingGroup{Group: groups[l.GroupID]}
			p.Groups = append(p.Groups, cur)
		}
		row := PostingRow{LineID: l.ID, No: len(cur.Rows) + 1, FullName: l.FullName, Address: l.Address, Members: l.Members, Months: l.Months, Amount: l.Amount}
		if l.Birth != nil {
			row.BirthYear = l.Birth.Year
		}
		if public {
			row.FullName, row.Address, row.BirthYear = auth.MaskName(l.FullName), "", 0
		}
		if l.CitizenID != nil {
			row.MaskedID = auth.MaskID(*l.CitizenID)
		}
		cur.Rows = append(cur.Rows, row)
		cur.People += l.Members
		cur.Amount += l.Amount
		if l.PostedOn != nil && !slices.Contains(cur.PostedOn, *l.PostedOn) {
			cur.PostedOn = append(cur.PostedOn, *l.PostedOn)
		}
		p.Lines++
		p.People += l.Members
		p.Amount += l.Amount
	}
	for _, g := range p.Groups {
		slices.SortFunc(g.PostedOn, func(a, b civil.Date) int { return a.Compare(b) })
	}
	if p.Program == nil && q.Program != "" {
		if prog, err := programs.Program(ctx, strings.ToUpper(q.Program)); err == nil {
			p.Program = prog
		}
	}
	return p, nil
}

func (s *Service) parents(ctx context.Context, p *Posting, parentID int64) error {
	for id := parentID; id != 0; {
		units, err := adminunit.NewStore(s.db).ByIDs(ctx, []int64{id})
		if err != nil {
			return err
		}
		u := units[id]
		if u == nil {
			return nil
		}
		p.Parents = append([]string{u.Name}, p.Parents...) // the higher unit goes above
		id = 0
		if u.ParentID != nil {
			id = *u.ParentID
		}
	}
	return nil
}

func keys(m map[int64]bool) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TemplateGroup returns the group a blank template is asked for: by programme and group code, or
// by group code alone when one programme has it.
func (s *Service) TemplateGroup(ctx context.Context, programCode, groupCode string) (*program.Group, error) {
	const op = "intake: template"
	groups, err := program.NewStore(s.db).Groups(ctx, strings.ToUpper(strings.TrimSpace(programCode)))
	if err != nil {
		return nil, errs.E(op, err)
	}
	var found []*program.Group
	for _, g := range groups {
		if g.Code == strings.ToUpper(strings.TrimSpace(groupCode)) {
			found = append(found, g)
		}
	}
	switch len(found) {
	case 0:
		return nil, errs.E(op, errs.NotFound, errs.Msgf("Không có nhóm đối tượng %q.", groupCode))
	case 1:
		return found[0], nil
	}
	return nil, errs.E(op, errs.Invalid, errs.Msgf("Nhiều chương trình có nhóm %q; hãy chọn chương trình (program=...).", groupCode))
}
