package supervision

import (
	"context"
	"encoding/json"
	"math"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"hotro/internal/civil"
	"hotro/internal/vntext"
)

// reconciliations turns the reconciliation queue's entries into anomalies, with the lines on record.
func (s *Service) reconciliations(ctx context.Context, sc *scope) ([]*Anomaly, error) {
	var rows []struct {
		ID          int64           `bun:"id"`
		WardID      int64           `bun:"ward_id"`
		OtherWardID *int64          `bun:"other_ward_id"`
		ProgramID   int64           `bun:"program_id"`
		Code        string          `bun:"code"`
		Existing    json.RawMessage `bun:"existing"`
	}
	q := "SELECT id, ward_id, other_ward_id, program_id, code, existing FROM import_reconciliations WHERE 1 = 1"
	var args []any
	if sc.programID != 0 {
		q += " AND program_id = ?"
		args = append(args, sc.programID)
	}
	if sc.wardIDs != nil {
		q += " AND (ward_id IN (?) OR other_ward_id IN (?))"
		args = append(args, bun.List(sc.wardIDs), bun.List(sc.wardIDs))
	}
	if err := s.db.NewRaw(q+" ORDER BY id", args...).Scan(ctx, &rows); err != nil {
		return nil, err
	}
	var out []*Anomaly
	for _, r := range rows {
		a := &Anomaly{Kind: Reconciliation, WardID: r.WardID, OtherWardID: r.OtherWardID, Key: r.Code, Measure: 1}
		var existing struct {
			Lines []struct {
				ID int64 `json:"id"`
			} `json:"lines"`
			Recipients []struct {
				ID int64 `json:"id"`
			} `json:"recipients"`
		}
		if json.Unmarshal(r.Existing, &existing) == nil {
			for _, l := range existing.Lines {
				s.addLine(a, l.ID)
			}
			if len(existing.Recipients) > 0 {
				a.RecipientID = ptr(existing.Recipients[0].ID)
			}
		}
		out = append(out, a)
	}
	return out, nil
}

// largeHouseholds finds households far larger than their ward's median household.
func (s *Service) largeHouseholds(ctx context.Context, sc *scope) ([]*Anomaly, error) {
	cond, args := sc.lineFilter()
	var rows []struct {
		ID      int64 `bun:"id"`
		WardID  int64 `bun:"ward_id"`
		Members int   `bun:"members"`
	}
	// An uncorrelated IN (not EXISTS): SQLite would walk the ward's lines once per recipient.
	err := s.db.NewRaw("SELECT b.id, b.ward_id, b.members FROM beneficiaries AS b WHERE b.kind = 'HOUSEHOLD' AND b.id IN "+
		"(SELECT d.beneficiary_id FROM disbursements AS d WHERE d.status <> 'CANCELLED' AND "+cond+") ORDER BY b.ward_id, b.id", args...).Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	sizes := map[int64][]float64{}
	for _, r := range rows {
		sizes[r.WardID] = append(sizes[r.WardID], float64(r.Members))
	}
	medians := map[int64]float64{}
	for w, xs := range sizes {
		medians[w] = median(xs)
	}
	var flagged []int64
	byBen := map[int64]*Anomaly{}
	var out []*Anomaly
	for _, r := range rows {
		m := medians[r.WardID]
		if float64(r.Members) >= s.rules.LargeHouseholdFactor*m && float64(r.Members) >= m+float64(s.rules.LargeHouseholdMargin) {
			a := &Anomaly{Kind: LargeHousehold, WardID: r.WardID, RecipientID: ptr(r.ID), Measure: float64(r.Members), Typical: ptr(m)}
			byBen[r.ID] = a
			flagged = append(flagged, r.ID)
			out = append(out, a)
		}
	}
	if err := s.linesOf(ctx, sc, flagged, byBen); err != nil {
		return nil, err
	}
	return out, nil
}

// linesOf adds the live lines of the recipients (in scope) to their anomalies.
func (s *Service) linesOf(ctx context.Context, sc *scope, recipients []int64, byRecipient map[int64]*Anomaly) error {
	cond, args := sc.lineFilter()
	for chunk := range slices.Chunk(recipients, 500) {
		var lines []lineRow
		err := s.db.NewRaw("SELECT d.id, d.beneficiary_id FROM disbursements AS d WHERE d.status <> 'CANCELLED' AND "+cond+
			" AND d.beneficiary_id IN (?) ORDER BY d.id", append(args, bun.List(chunk))...).Scan(ctx, &lines)
		if err != nil {
			return err
		}
		for _, l := range lines {
			s.addLine(byRecipient[l.BeneficiaryID], l.ID)
		}
	}
	return nil
}

// slowSteps finds lines paid long after their decision, or approved long after posting, per ward.
func (s *Service) slowSteps(ctx context.Context, sc *scope) ([]*Anomaly, error) {
	cond, args := sc.lineFilter()
	var lines []lineRow
	err := s.db.NewRaw("SELECT d.id, d.ward_id, d.posted_on, d.approved_on, d.paid_on FROM disbursements AS d "+
		"WHERE d.approved_on IS NOT NULL AND "+cond+" ORDER BY d.ward_id, d.id", args...).Scan(ctx, &lines)
	if err != nil {
		return nil, err
	}
	days := func(from, to *civil.Date) int {
		return int(to.Time().Sub(from.Time()).Hours() / 24)
	}
	paid := map[int64]*Anomaly{}
	approved := map[int64]*Anomaly{}
	var out []*Anomaly
	note := func(m map[int64]*Anomaly, kind Kind, limit int, l lineRow, wait int) {
		a := m[l.WardID]
		if a == nil {
			a = &Anomaly{Kind: kind, WardID: l.WardID, Typical: ptr(float64(limit))}
			m[l.WardID] = a
			out = append(out, a)
		}
		a.Measure = math.Max(a.Measure, float64(wait))
		s.addLine(a, l.ID)
	}
	for _, l := range lines {
		if l.PaidOn != nil {
			if w := days(l.ApprovedOn, l.PaidOn); w > s.rules.PaidAfterApprovalDays {
				note(paid, PaidLongAfterApproval, s.rules.PaidAfterApprovalDays, l, w)
			}
		}
		if l.PostedOn != nil {
			if w := days(l.PostedOn, l.ApprovedOn); w > s.rules.ApprovedAfterPostingDays {
				note(approved, ApprovedLongAfterPosting, s.rules.ApprovedAfterPostingDays, l, w)
			}
		}
	}
	return out, nil
}

// sharedReceipts finds receipt numbers on the paid lines of several recipients of a ward.
func (s *Service) sharedReceipts(ctx context.Context, sc *scope) ([]*Anomaly, error) {
	cond, args := sc.lineFilter()
	var shared []struct {
		WardID     int64  `bun:"ward_id"`
		Receipt    string `bun:"receipt_number"`
		Recipients int    `bun:"recipients"`
	}
	err := s.db.NewRaw("SELECT d.ward_id, d.receipt_number, COUNT(DISTINCT d.beneficiary_id) AS recipients FROM disbursements AS d "+
		"WHERE d.status = 'PAID' AND d.receipt_number IS NOT NULL AND d.receipt_number <> '' AND "+cond+
		" GROUP BY d.ward_id, d.receipt_number HAVING COUNT(DISTINCT d.beneficiary_id) >= ? ORDER BY d.ward_id, d.receipt_number",
		append(args, s.rules.SharedReceiptMin)...).Scan(ctx, &shared)
	if err != nil || len(shared) == 0 {
		return nil, err
	}
	type key struct {
		ward    int64
		receipt string
	}
	by := map[key]*Anomaly{}
	var out []*Anomaly
	var receipts []string
	for _, r := range shared {
		a := &Anomaly{Kind: SharedReceipt, WardID: r.WardID, Key: r.Receipt, Measure: float64(r.Recipients), Typical: ptr(1.0)}
		by[key{r.WardID, r.Receipt}] = a
		out = append(out, a)
		receipts = append(receipts, r.Receipt)
	}
	for chunk := range slices.Chunk(receipts, 500) {
		var lines []struct {
			ID      int64  `bun:"id"`
			WardID  int64  `bun:"ward_id"`
			Receipt string `bun:"receipt_number"`
		}
		if err := s.db.NewRaw("SELECT d.id, d.ward_id, d.receipt_number FROM disbursements AS d WHERE d.status = 'PAID' AND "+cond+
			" AND d.receipt_number IN (?) ORDER BY d.id", append(args, bun.List(chunk))...).Scan(ctx, &lines); err != nil {
			return nil, err
		}
		for _, l := range lines {
			if a := by[key{l.WardID, l.Receipt}]; a != nil {
				s.addLine(a, l.ID)
			}
		}
	}
	return out, nil
}

// sharedAddresses finds addresses given by far more recipients than the ward's typical address.
func (s *Service) sharedAddresses(ctx context.Context, sc *scope) ([]*Anomaly, error) {
	cond, args := sc.lineFilter()
	var rows []struct {
		ID      int64  `bun:"id"`
		WardID  int64  `bun:"ward_id"`
		Address string `bun:"address"`
	}
	err := s.db.NewRaw("SELECT b.id, b.ward_id, b.address FROM beneficiaries AS b WHERE b.address <> '' AND b.id IN "+
		"(SELECT d.beneficiary_id FROM disbursements AS d WHERE d.status <> 'CANCELLED' AND "+cond+") ORDER BY b.ward_id, b.id", args...).Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	type key struct {
		ward int64
		addr string
	}
	members := map[key][]int64{}
	shown := map[key]string{}
	var keys []key
	for _, r := range rows {
		k := key{r.WardID, strings.Join(strings.Fields(vntext.Fold(r.Address)), " ")}
		if members[k] == nil {
			keys = append(keys, k)
			shown[k] = strings.Join(strings.Fields(r.Address), " ")
		}
		members[k] = append(members[k], r.ID)
	}
	perWard := map[int64][]float64{}
	for _, k := range keys {
		perWard[k.ward] = append(perWard[k.ward], float64(len(members[k])))
	}
	medians := map[int64]float64{}
	for w, xs := range perWard {
		medians[w] = median(xs)
	}
	var out []*Anomaly
	var flagged []int64
	byRecipient := map[int64]*Anomaly{}
	for _, k := range keys {
		n, m := float64(len(members[k])), medians[k.ward]
		if n >= float64(s.rules.SharedAddressMin) && n >= s.rules.SharedAddressFactor*m {
			a := &Anomaly{Kind: SharedAddress, WardID: k.ward, Key: shown[k], Measure: n, Typical: ptr(m)}
			out = append(out, a)
			for _, id := range members[k] {
				byRecipient[id] = a
				flagged = append(flagged, id)
			}
		}
	}
	if err := s.linesOf(ctx, sc, flagged, byRecipient); err != nil {
		return nil, err
	}
	return out, nil
}

// failedVisits gathers, per ward, the spot-checked lines whose visit did not confirm the payment.
func (s *Service) failedVisits(ctx context.Context, sc *scope) ([]*Anomaly, error) {
	cond, args := sc.lineFilter()
	var lines []lineRow
	err := s.db.NewRaw("SELECT DISTINCT d.id, d.ward_id FROM spot_check_lines AS l JOIN disbursements AS d ON d.id = l.disbursement_id "+
		"WHERE l.result IN ('WRONG_PERSON', 'NOT_FOUND', 'AMOUNT_NOT_RECEIVED') AND "+cond+" ORDER BY d.ward_id, d.id", args...).Scan(ctx, &lines)
	if err != nil {
		return nil, err
	}
	return s.grouped(lines, func(l lineRow) string { return key2(l.WardID, 0) },
		func(l lineRow) *Anomaly { return &Anomaly{Kind: SpotCheckFailed, WardID: l.WardID} },
		func(a *Anomaly, _ lineRow) { a.Measure++ }), nil
}

// wardFigures sums each ward's lines and finds the wards whose paid-per-recipient or returned share
// is an outlier among the wards under the same parent.
func (s *Service) wardFigures(ctx context.Context, sc *scope) (map[int64]*WardSummary, []*Anomaly, error) {
	cond, args := sc.programFilter()
	var rows []struct {
		WardID         int64  `bun:"ward_id"`
		ParentID       *int64 `bun:"parent_id"`
		Lines          int    `bun:"lines"`
		PaidRecipients int    `bun:"paid_recipients"`
		AmountPaid     int64  `bun:"amount_paid"`
		Returned       int    `bun:"returned"`
	}
	err := s.db.NewRaw("SELECT d.ward_id, w.parent_id, COUNT(*) AS lines, "+
		"COUNT(DISTINCT CASE WHEN d.status = 'PAID' THEN d.beneficiary_id END) AS paid_recipients, "+
		"COALESCE(SUM(CASE WHEN d.status = 'PAID' THEN d.amount ELSE 0 END), 0) AS amount_paid, "+
		"COALESCE(SUM(CASE WHEN d.status = 'RETURNED' THEN 1 ELSE 0 END), 0) AS returned "+
		"FROM disbursements AS d JOIN admin_units AS w ON w.id = d.ward_id WHERE d.status <> 'CANCELLED' AND "+cond+
		" GROUP BY d.ward_id, w.parent_id ORDER BY d.ward_id", args...).Scan(ctx, &rows)
	if err != nil {
		return nil, nil, err
	}
	wards := map[int64]*WardSummary{}
	byParent := map[int64][]*WardSummary{}
	var parents []int64
	for _, r := range rows {
		w := &WardSummary{WardID: r.WardID, Lines: r.Lines, PaidRecipients: r.PaidRecipients, AmountPaid: r.AmountPaid, ReturnedLines: r.Returned}
		if r.PaidRecipients > 0 {
			w.PaidPerRecipient = ptr(float64(r.AmountPaid) / float64(r.PaidRecipients))
		}
		if r.Lines > 0 {
			w.ReturnedShare = ptr(float64(r.Returned) / float64(r.Lines))
		}
		wards[r.WardID] = w
		var p int64
		if r.ParentID != nil {
			p = *r.ParentID
		}
		if byParent[p] == nil {
			parents = append(parents, p)
		}
		byParent[p] = append(byParent[p], w)
	}
	var out []*Anomaly
	judge := func(kind Kind, ws []*WardSummary, value func(*WardSummary) *float64) {
		var xs []float64
		var who []*WardSummary
		for _, w := range ws {
			if v := value(w); v != nil {
				xs = append(xs, *v)
				who = append(who, w)
			}
		}
		if len(xs) < s.rules.OutlierMinWards {
			return
		}
		z, med := modifiedZ(xs)
		for i, w := range who {
			if math.Abs(z[i]) > s.rules.OutlierZ {
				out = append(out, &Anomaly{Kind: kind, WardID: w.WardID, Measure: xs[i], Typical: ptr(med)})
			}
		}
	}
	for _, p := range parents {
		judge(PaidPerRecipientOutlier, byParent[p], func(w *WardSummary) *float64 { return w.PaidPerRecipient })
		judge(ReturnedShareOutlier, byParent[p], func(w *WardSummary) *float64 { return w.ReturnedShare })
	}
	// Their lines: the paid lines, largest first, or the returned lines.
	for _, a := range out {
		status, order := "PAID", "d.amount DESC, d.id"
		if a.Kind == ReturnedShareOutlier {
			status, order = "RETURNED", "d.id"
		}
		var ids []int64
		if err := s.db.NewRaw("SELECT d.id FROM disbursements AS d WHERE d.ward_id = ? AND d.status = ? AND "+cond+" ORDER BY "+order,
			append([]any{a.WardID, status}, args...)...).Scan(ctx, &ids); err != nil {
			return nil, nil, err
		}
		for _, id := range ids {
			s.addLine(a, id)
		}
	}
	return wards, out, nil
}

// tallies counts each ward's spot-checked lines and visits into the summaries (adding wards that
// have spot checks but no line in scope any more).
func (s *Service) tallies(ctx context.Context, sc *scope, wards map[int64]*WardSummary) error {
	q := "SELECT c.ward_id, COUNT(*) AS drawn, COUNT(l.result) AS visited, " +
		"COALESCE(SUM(CASE WHEN l.result = 'CONFIRMED' THEN 1 ELSE 0 END), 0) AS confirmed, " +
		"COALESCE(SUM(CASE WHEN l.result = 'WRONG_PERSON' THEN 1 ELSE 0 END), 0) AS wrong_person, " +
		"COALESCE(SUM(CASE WHEN l.result = 'NOT_FOUND' THEN 1 ELSE 0 END), 0) AS not_found, " +
		"COALESCE(SUM(CASE WHEN l.result = 'AMOUNT_NOT_RECEIVED' THEN 1 ELSE 0 END), 0) AS amount_not_received " +
		"FROM spot_check_lines AS l JOIN spot_checks AS c ON c.id = l.check_id"
	var args []any
	if sc.programID != 0 {
		q += " WHERE c.program_id = ?"
		args = append(args, sc.programID)
	}
	var raw []struct {
		WardID            int64 `bun:"ward_id"`
		Drawn             int   `bun:"drawn"`
		Visited           int   `bun:"visited"`
		Confirmed         int   `bun:"confirmed"`
		WrongPerson       int   `bun:"wrong_person"`
		NotFound          int   `bun:"not_found"`
		AmountNotReceived int   `bun:"amount_not_received"`
	}
	if err := s.db.NewRaw(q+" GROUP BY c.ward_id", args...).Scan(ctx, &raw); err != nil {
		return err
	}
	for _, r := range raw {
		w := wards[r.WardID]
		if w == nil {
			w = &WardSummary{WardID: r.WardID}
			wards[r.WardID] = w
		}
		w.SpotChecks = Tally{Drawn: r.Drawn, Visited: r.Visited, Confirmed: r.Confirmed, WrongPerson: r.WrongPerson,
			NotFound: r.NotFound, AmountNotReceived: r.AmountNotReceived}
	}
	return nil
}
