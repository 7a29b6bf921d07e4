package supervision

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/errs"
	"hotro/internal/program"
)

// Kind is what an anomaly is.
type Kind string

// The kinds of anomaly, in the board's order (see the package documentation for their rules).
const (
	AmountOffRule            Kind = "AMOUNT_OFF_RULE"
	SamePersonTwoWards       Kind = "SAME_PERSON_TWO_WARDS"
	SamePersonTwiceInProgram Kind = "SAME_PERSON_TWICE_IN_PROGRAM"
	Reconciliation           Kind = "RECONCILIATION"
	LargeHousehold           Kind = "LARGE_HOUSEHOLD"
	PaidLongAfterApproval    Kind = "PAID_LONG_AFTER_APPROVAL"
	ApprovedLongAfterPosting Kind = "APPROVED_LONG_AFTER_POSTING"
	PaidPerRecipientOutlier  Kind = "PAID_PER_RECIPIENT_OUTLIER"
	ReturnedShareOutlier     Kind = "RETURNED_SHARE_OUTLIER"
	SharedReceipt            Kind = "SHARED_RECEIPT"
	SharedAddress            Kind = "SHARED_ADDRESS"
	SpotCheckFailed          Kind = "SPOT_CHECK_FAILED"
)

// Kinds lists the kinds in the board's order.
var Kinds = []Kind{AmountOffRule, SamePersonTwoWards, SamePersonTwiceInProgram, Reconciliation, LargeHousehold,
	PaidLongAfterApproval, ApprovedLongAfterPosting, PaidPerRecipientOutlier, ReturnedShareOutlier,
	SharedReceipt, SharedAddress, SpotCheckFailed}

// Anomaly is one finding, with its lines.
type Anomaly struct {
	Kind Kind
	// WardID is the ward it is found in; OtherWardID the second ward where there is one.
	WardID      int64
	OtherWardID *int64
	// RecipientID names the recipient for the kinds about one person or household.
	RecipientID *int64
	// GroupID names the group for AMOUNT_OFF_RULE.
	GroupID *int64
	// Key is the receipt number (SHARED_RECEIPT), the address (SHARED_ADDRESS) or the finding's code
	// (RECONCILIATION).
	Key string
	// Measure is what was measured and Typical what it is compared with (see Kind's rule):
	// amount listed and amount due; wards or groups and 1; members and the ward's median household;
	// the longest wait in days and the rule's days; the ward's value and the wards' median;
	// recipients sharing a receipt or an address and 1 or the ward's median per address; failed
	// visits and nothing.
	Measure float64
	Typical *float64
	// LineIDs are its lines, at most Rules.MaxLines of them, by ID; LineCount counts them all.
	LineIDs   []int64
	LineCount int
}

// WardSummary is one ward's row on the board.
type WardSummary struct {
	WardID int64
	// Anomalies found in the ward (as WardID or OtherWardID).
	Anomalies int
	// Lines not cancelled; PaidRecipients distinct recipients with a PAID line; AmountPaid the sum
	// of PAID lines; ReturnedLines RETURNED ones.
	Lines          int
	PaidRecipients int
	AmountPaid     int64
	ReturnedLines  int
	// PaidPerRecipient is AmountPaid / PaidRecipients (nil without any); ReturnedShare is
	// ReturnedLines / Lines (nil without lines).
	PaidPerRecipient *float64
	ReturnedShare    *float64
	// SpotChecks tallies the ward's spot-checked lines and their visits.
	SpotChecks Tally
}

// Tally counts spot-checked lines and what their visits found.
type Tally struct {
	Drawn, Visited, Confirmed, WrongPerson, NotFound, AmountNotReceived int
}

// Board is the working group's board.
type Board struct {
	Anomalies []*Anomaly
	// Truncated says that more than Rules.MaxAnomalies anomalies were found; the first are kept.
	Truncated bool
	Wards     []*WardSummary
	Rules     Rules
}

// BoardQuery narrows the board to a programme (its code) and to wards (their codes); empty means
// every programme and every ward. Outliers are judged among all the wards either way.
type BoardQuery struct {
	Program string
	Wards   []string
}

// Service reads the board and keeps the spot checks.
type Service struct {
	db    *bun.DB
	rules Rules
	now   func() time.Time
}

// New returns a Service over db (the primary: spot checks are written and read back at once) with
// the rules and a clock (nil: time.Now).
func New(db *bun.DB, rules Rules, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, rules: rules, now: now}
}

// scope is a board query resolved to IDs.
type scope struct {
	programID int64 // 0: every programme
	wards     map[int64]bool
	wardIDs   []int64
}

func (s *Service) resolve(ctx context.Context, q BoardQuery) (*scope, error) {
	const op = "supervision: scope"
	sc := &scope{}
	if code := strings.TrimSpace(q.Program); code != "" {
		p, err := program.NewStore(s.db).Program(ctx, strings.ToUpper(code))
		if err != nil {
			return nil, errs.E(op, err)
		}
		sc.programID = p.ID
	}
	if len(q.Wards) > 0 {
		if len(q.Wards) > 100 {
			return nil, errs.E(op, errs.Invalid, errs.Msg("Chọn tối đa 100 phường/xã."))
		}
		ids, err := wardIDs(ctx, s.db, q.Wards)
		if err != nil {
			return nil, errs.E(op, err)
		}
		sc.wards, sc.wardIDs = map[int64]bool{}, ids
		for _, id := range ids {
			sc.wards[id] = true
		}
	}
	return sc, nil
}

// wardIDs returns the units (of any period) of the ward codes; an unknown code is refused by name.
func wardIDs(ctx context.Context, db bun.IDB, codes []string) ([]int64, error) {
	var rows []struct {
		ID   int64  `bun:"id"`
		Code string `bun:"code"`
	}
	if err := db.NewRaw("SELECT id, code FROM admin_units WHERE level = 'COMMUNE' AND code IN (?)", bun.List(codes)).Scan(ctx, &rows); err != nil {
		return nil, err
	}
	found := map[string]bool{}
	var ids []int64
	for _, r := range rows {
		found[r.Code] = true
		ids = append(ids, r.ID)
	}
	for _, c := range codes {
		if !found[c] {
			return nil, errs.E("supervision: ward", errs.Invalid, errs.Msgf("Không có phường/xã mã %q.", c))
		}
	}
	return ids, nil
}

// lineFilter is the programme and ward condition on lines d.
func (sc *scope) lineFilter() (string, []any) {
	cond, args := sc.programFilter()
	if sc.wardIDs != nil {
		cond += " AND d.ward_id IN (?)"
		args = append(args, bun.List(sc.wardIDs))
	}
	return cond, args
}

// programFilter is the programme condition on lines d alone: outliers are judged among every ward,
// and a person's lines in other wards belong to the finding.
func (sc *scope) programFilter() (string, []any) {
	if sc.programID == 0 {
		return "1 = 1", nil
	}
	return "d.program_id = ?", []any{sc.programID}
}

// Board computes the working group's board for the caller (the working group or an admin).
func (s *Service) Board(ctx context.Context, q BoardQuery) (*Board, error) {
	const op = "supervision: board"
	if err := auth.FromContext(ctx).CanSupervise(); err != nil {
		return nil, err
	}
	sc, err := s.resolve(ctx, q)
	if err != nil {
		return nil, err
	}
	cond, args := sc.lineFilter()
	var lines int
	if err := s.db.NewRaw("SELECT COUNT(*) FROM disbursements AS d WHERE "+cond, args...).Scan(ctx, &lines); err != nil {
		return nil, errs.E(op, err)
	}
	if lines > s.rules.MaxBoardLines {
		return nil, errs.E(op, errs.TooComplex, errs.Msgf("Bảng giám sát đọc tối đa %d dòng chi trả; phạm vi này có %d. Hãy chọn một chương trình hoặc ít phường/xã hơn.", s.rules.MaxBoardLines, lines))
	}
	b := &Board{Rules: s.rules}
	var found []*Anomaly
	steps := []func(context.Context, *scope) ([]*Anomaly, error){
		s.amountOffRule, s.samePerson, s.reconciliations, s.largeHouseholds, s.slowSteps,
		s.sharedReceipts, s.sharedAddresses, s.failedVisits,
	}
	for _, step := range steps {
		as, err := step(ctx, sc)
		if err != nil {
			return nil, errs.E(op, err)
		}
		found = append(found, as...)
	}
	wards, outliers, err := s.wardFigures(ctx, sc)
	if err != nil {
		return nil, errs.E(op, err)
	}
	found = append(found, outliers...)
	if err := s.tallies(ctx, sc, wards); err != nil {
		return nil, errs.E(op, err)
	}
	// Keep the wards asked for.
	if sc.wards != nil {
		found = slices.DeleteFunc(found, func(a *Anomaly) bool {
			return !sc.wards[a.WardID] && (a.OtherWardID == nil || !sc.wards[*a.OtherWardID])
		})
	}
	order := map[Kind]int{}
	for i, k := range Kinds {
		order[k] = i
	}
	slices.SortStableFunc(found, func(x, y *Anomaly) int {
		return cmp.Or(cmp.Compare(order[x.Kind], order[y.Kind]), cmp.Compare(x.WardID, y.WardID), cmp.Compare(y.Measure, x.Measure), cmp.Compare(x.Key, y.Key))
	})
	for _, a := range found {
		if w := wards[a.WardID]; w != nil {
			w.Anomalies++
		}
		if a.OtherWardID != nil && *a.OtherWardID != a.WardID {
			if w := wards[*a.OtherWardID]; w != nil {
				w.Anomalies++
			}
		}
	}
	if len(found) > s.rules.MaxAnomalies {
		found, b.Truncated = found[:s.rules.MaxAnomalies], true
	}
	b.Anomalies = found
	for id, w := range wards {
		if sc.wards == nil || sc.wards[id] {
			b.Wards = append(b.Wards, w)
		}
	}
	slices.SortFunc(b.Wards, func(x, y *WardSummary) int {
		return cmp.Or(cmp.Compare(y.Anomalies, x.Anomalies), cmp.Compare(x.WardID, y.WardID))
	})
	return b, nil
}

// lineRow is a line as the rules read it.
type lineRow struct {
	ID            int64       `bun:"id"`
	WardID        int64       `bun:"ward_id"`
	BeneficiaryID int64       `bun:"beneficiary_id"`
	GroupID       int64       `bun:"group_id"`
	ProgramID     int64       `bun:"program_id"`
	Status        string      `bun:"status"`
	Amount        int64       `bun:"amount"`
	Due           *int64      `bun:"due"`
	PostedOn      *civil.Date `bun:"posted_on"`
	ApprovedOn    *civil.Date `bun:"approved_on"`
	PaidOn        *civil.Date `bun:"paid_on"`
}

// grouped makes one anomaly per key of the lines, in the lines' order.
func (s *Service) grouped(lines []lineRow, key func(lineRow) string, make func(first lineRow) *Anomaly, add func(a *Anomaly, l lineRow)) []*Anomaly {
	byKey := map[string]*Anomaly{}
	var out []*Anomaly
	for _, l := range lines {
		k := key(l)
		a := byKey[k]
		if a == nil {
			a = make(l)
			byKey[k] = a
			out = append(out, a)
		}
		s.addLine(a, l.ID)
		if add != nil {
			add(a, l)
		}
	}
	return out
}

func (s *Service) addLine(a *Anomaly, id int64) {
	a.LineCount++
	if len(a.LineIDs) < s.rules.MaxLines {
		a.LineIDs = append(a.LineIDs, id)
	}
}

func ptr[T any](v T) *T { return &v }

func (s *Service) amountOffRule(ctx context.Context, sc *scope) ([]*Anomaly, error) {
	cond, args := sc.lineFilter()
	var lines []lineRow
	err := s.db.NewRaw("SELECT d.id, d.ward_id, d.group_id, d.amount, "+program.AmountDueSQL+" AS due FROM disbursements AS d "+
		"JOIN beneficiary_groups AS g ON g.id = d.group_id WHERE d.status <> 'CANCELLED' AND "+cond+
		" AND d.amount <> "+program.AmountDueSQL+" ORDER BY d.ward_id, d.group_id, d.id", args...).Scan(ctx, &lines)
	if err != nil {
		return nil, err
	}
	return s.grouped(lines, func(l lineRow) string { return key2(l.WardID, l.GroupID) },
		func(l lineRow) *Anomaly {
			return &Anomaly{Kind: AmountOffRule, WardID: l.WardID, GroupID: ptr(l.GroupID), Typical: ptr(0.0)}
		},
		func(a *Anomaly, l lineRow) {
			a.Measure += float64(l.Amount)
			if l.Due != nil {
				*a.Typical += float64(*l.Due)
			}
		}), nil
}

func key2(a, b int64) string {
	j, _ := json.Marshal([2]int64{a, b})
	return string(j)
}

// samePerson finds recipients with lines of one programme in two wards, or live lines in two
// groups of a programme whose overlap rule is not ALLOW_ALL.
func (s *Service) samePerson(ctx context.Context, sc *scope) ([]*Anomaly, error) {
	// The recipients with a line in scope that has a sibling elsewhere in the programme or group,
	// then all their live lines of the programme: the other ward's line belongs to the finding.
	cond, args := sc.lineFilter()
	var recipients []int64
	err := s.db.NewRaw("SELECT DISTINCT d.beneficiary_id FROM disbursements AS d "+
		"WHERE d.status <> 'CANCELLED' AND "+cond+" AND EXISTS (SELECT 1 FROM disbursements AS o WHERE o.beneficiary_id = d.beneficiary_id "+
		"AND o.program_id = d.program_id AND o.status <> 'CANCELLED' AND (o.ward_id <> d.ward_id OR o.group_id <> d.group_id)) "+
		"ORDER BY d.beneficiary_id", args...).Scan(ctx, &recipients)
	if err != nil {
		return nil, err
	}
	pcond, pargs := sc.programFilter()
	var lines []lineRow
	for chunk := range slices.Chunk(recipients, 500) {
		var some []lineRow
		if err := s.db.NewRaw("SELECT d.id, d.ward_id, d.beneficiary_id, d.group_id, d.program_id, d.status FROM disbursements AS d "+
			"WHERE d.status <> 'CANCELLED' AND "+pcond+" AND d.beneficiary_id IN (?) ORDER BY d.beneficiary_id, d.program_id, d.id",
			append(slices.Clone(pargs), bun.List(chunk))...).Scan(ctx, &some); err != nil {
			return nil, err
		}
		lines = append(lines, some...)
	}
	var overlapAllowed []int64
	if err := s.db.NewRaw("SELECT id FROM programs WHERE overlap_rule = 'ALLOW_ALL'").Scan(ctx, &overlapAllowed); err != nil {
		return nil, err
	}
	type pair struct{ ben, prog int64 }
	by := map[pair][]lineRow{}
	var order []pair
	for _, l := range lines {
		p := pair{l.BeneficiaryID, l.ProgramID}
		if by[p] == nil {
			order = append(order, p)
		}
		by[p] = append(by[p], l)
	}
	var out []*Anomaly
	for _, p := range order {
		ls := by[p]
		wards := distinct(ls, func(l lineRow) int64 { return l.WardID })
		if len(wards) > 1 {
			a := &Anomaly{Kind: SamePersonTwoWards, WardID: wards[0], OtherWardID: ptr(wards[1]), RecipientID: ptr(p.ben),
				Measure: float64(len(wards)), Typical: ptr(1.0)}
			for _, l := range ls {
				s.addLine(a, l.ID)
			}
			out = append(out, a)
		}
		var live []lineRow // a returned line was sent back: listing the person elsewhere is no overlap
		for _, l := range ls {
			if l.Status != "RETURNED" {
				live = append(live, l)
			}
		}
		groups := distinct(live, func(l lineRow) int64 { return l.GroupID })
		if len(groups) > 1 && !slices.Contains(overlapAllowed, p.prog) {
			a := &Anomaly{Kind: SamePersonTwiceInProgram, WardID: ls[0].WardID, RecipientID: ptr(p.ben),
				Measure: float64(len(groups)), Typical: ptr(1.0)}
			for _, l := range live {
				s.addLine(a, l.ID)
			}
			out = append(out, a)
		}
	}
	return out, nil
}

func distinct(ls []lineRow, f func(lineRow) int64) []int64 {
	var out []int64
	for _, l := range ls {
		if v := f(l); !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}
