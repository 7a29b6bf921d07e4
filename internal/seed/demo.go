package seed

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/adminunit"
	"hotro/internal/audit"
	"hotro/internal/beneficiary"
	"hotro/internal/civil"
	"hotro/internal/dataset"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/fund"
	"hotro/internal/program"
	"hotro/internal/vntext"
)

// DemoOptions shape the synthetic data set.
type DemoOptions struct {
	Seed  uint64  // the same seed gives the same data set, row for row
	Scale float64 // 1 is the size of the city's first round (about 13,000 people); 10 is ten times that
	// Observer is told of the new payment lines, to keep aggregates current (nil: none).
	Observer disbursement.Observer
}

// DemoSummary counts what the demo generator wrote.
type DemoSummary struct {
	Beneficiaries, Disbursements, Batches int
	FirstRoundPeople                      int
	FirstRoundAmount                      int64
}

// The plan of the demo data set: recipients per group at scale 1, and whether the group belongs to
// the first round (paid in May 2020) or to the later groups (listed from late May, some paid in June).
var demoPlan = []struct {
	group      string
	recipients int
	firstRound bool
}{
	{"NGUOI_CO_CONG", 5300, true},
	{"BAO_TRO_XA_HOI", 4300, true},
	{"HO_NGHEO", 520, true},
	{"HO_CAN_NGHEO", 470, true},
	{"LAO_DONG_TU_DO", 900, false},
	{"HO_KINH_DOANH", 320, false},
	{"TAM_HOAN_HDLD", 260, false},
	{"CHAM_DUT_HDLD", 130, false},
}

// Demo generates the demo data set for Thái Nguyên city into a database that holds reference data
// and no payment lines, and marks the data set as demo data.
func Demo(ctx context.Context, db *bun.DB, opt DemoOptions) (DemoSummary, error) {
	const op = "seed: demo"
	if opt.Scale <= 0 || opt.Scale > 1000 || math.IsNaN(opt.Scale) {
		return DemoSummary{}, errs.E(op, errs.Invalid, errs.Msgf("--scale must be between 0 and 1000, got %v", opt.Scale))
	}
	var sum DemoSummary
	err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		n, err := tx.NewSelect().Table("disbursements").Count(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return errs.E(op, errs.Conflict, errs.Msgf("the database already holds %d payment lines; demo data goes only into an empty database", n))
		}
		g, err := newDemoGen(ctx, tx, opt)
		if err != nil {
			return err
		}
		if err := g.generate(); err != nil {
			return err
		}
		if sum, err = g.write(ctx, tx); err != nil {
			return err
		}
		if _, err := g.writeAllocations(ctx, tx); err != nil {
			return err
		}
		if err := g.writeFigures(ctx, tx); err != nil {
			return err
		}
		ds := dataset.NewStore(tx)
		if err := ds.MarkDemo(ctx, fmt.Sprint(opt.Seed), time.Now()); err != nil {
			return err
		}
		if err := ds.Bump(ctx); err != nil {
			return err
		}
		return audit.NewStore(tx).Record(ctx, &audit.Event{
			Actor: "system", Action: "seed.demo", Entity: "dataset", EntityID: "demo",
			After: audit.JSON(map[string]any{"seed": opt.Seed, "scale": opt.Scale, "beneficiaries": sum.Beneficiaries, "disbursements": sum.Disbursements}),
		})
	})
	if err != nil {
		return DemoSummary{}, errs.E(op, err)
	}
	return sum, nil
}

type demoWard struct {
	unit   *adminunit.Unit
	weight float64 // share of the city's population (synthetic)
	rural  bool
	payDay civil.Date // first day this ward pays the first round
}

type demoGen struct {
	r      *rand.Rand
	opt    DemoOptions
	prog   *program.Program
	groups map[string]*program.Group
	funds  []*fund.Fund
	wards  []*demoWard
	ids    map[string]bool
	serial int

	bens    []*beneficiary.Beneficiary
	lines   []*disbursement.Disbursement
	lineBen []int // index into bens for each line
	batches []*disbursement.Batch
	lineBat []int // index into batches for each line
	batchOf map[string]int
}

func newDemoGen(ctx context.Context, tx bun.Tx, opt DemoOptions) (*demoGen, error) {
	ps := program.NewStore(tx)
	prog, err := ps.Program(ctx, "NQ42-2020")
	if err != nil {
		return nil, fmt.Errorf("reference data missing (run hotro seed first): %w", err)
	}
	groups, err := ps.Groups(ctx, prog.Code)
	if err != nil {
		return nil, err
	}
	funds, err := fund.NewStore(tx).List(ctx, prog.Code)
	if err != nil {
		return nil, err
	}
	if len(funds) == 0 {
		return nil, fmt.Errorf("no funds for %s: run hotro seed first", prog.Code)
	}
	day := civil.MustParse("2020-05-01")
	units, err := adminunit.NewStore(tx).List(ctx, adminunit.Filter{Level: adminunit.Commune, ParentCodes: []string{"164"}, AsOf: &day})
	if err != nil {
		return nil, err
	}
	if len(units) != 32 {
		return nil, fmt.Errorf("expected the 32 wards and communes of Thái Nguyên city, found %d: run hotro seed first", len(units))
	}
	g := &demoGen{
		r:   rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15)),
		opt: opt, prog: prog, groups: map[string]*program.Group{}, funds: funds,
		ids: map[string]bool{}, batchOf: map[string]int{},
	}
	for _, gr := range groups {
		g.groups[gr.Code] = gr
	}
	for _, u := range units {
		w := &demoWard{unit: u, rural: u.Kind == "XA"}
		w.weight = 0.5 + g.r.Float64()
		if !w.rural {
			w.weight *= 1.4
		}
		// Wards paid the first round between 4 and 12 May 2020, Monday to Saturday.
		w.payDay = Workday(civil.MustParse("2020-05-04").AddDays(g.r.IntN(9)))
		g.wards = append(g.wards, w)
	}
	return g, nil
}

// Workday moves a Sunday to the Monday after: lists are paid on working days (the demo and the
// national data sets both use it).
func Workday(d civil.Date) civil.Date {
	if d.Time().Weekday() == time.Sunday {
		return d.AddDays(1)
	}
	return d
}

func (g *demoGen) generate() error {
	for _, p := range demoPlan {
		grp, ok := g.groups[p.group]
		if !ok {
			return fmt.Errorf("group %s missing from the reference data", p.group)
		}
		n := max(1, int(math.Round(float64(p.recipients)*g.opt.Scale)))
		for range n {
			w := g.pickWard(grp)
			if p.firstRound {
				g.firstRoundLine(grp, w)
			} else {
				g.laterLines(grp, w)
			}
		}
	}
	return nil
}

// pickWard draws a ward by population, with poor and near-poor households more common in communes.
func (g *demoGen) pickWard(grp *program.Group) *demoWard {
	weight := func(w *demoWard) float64 {
		if (grp.Code == "HO_NGHEO" || grp.Code == "HO_CAN_NGHEO") && w.rural {
			return w.weight * 3
		}
		return w.weight
	}
	total := 0.0
	for _, w := range g.wards {
		total += weight(w)
	}
	x := g.r.Float64() * total
	for _, w := range g.wards {
		if x < weight(w) {
			return w
		}
		x -= weight(w)
	}
	return g.wards[len(g.wards)-1]
}

func (g *demoGen) newBeneficiary(grp *program.Group, w *demoWard, born [2]int) *beneficiary.Beneficiary {
	female := g.r.IntN(100) < 52
	gender := beneficiary.Male
	if female {
		gender = beneficiary.Female
	}
	dob := civil.New(born[0]+g.r.IntN(born[1]-born[0]+1), time.Month(1+g.r.IntN(12)), 1+g.r.IntN(28))
	name := fullName(g.r, female)
	kind, members := beneficiary.Person, 1
	if grp.SupportUnit != program.PerPerson {
		kind = beneficiary.Household
		members = HouseholdSize(g.r)
	}
	id := g.citizenID(dob, female)
	b := &beneficiary.Beneficiary{
		Kind: kind, FullName: name, NameKey: vntext.Fold(name), CitizenID: &id, DateOfBirth: &dob,
		Gender: &gender, Members: members, WardID: w.unit.ID, Address: address(g.r, w),
	}
	g.bens = append(g.bens, b)
	return b
}

// HouseholdSize draws 1 to 7 members, around 3.4 on average like poor households' lists (the demo
// and the national data sets both draw with it).
func HouseholdSize(r *rand.Rand) int {
	cum := []int{15, 35, 57, 77, 89, 96, 100}
	x := r.IntN(100)
	for i, c := range cum {
		if x < c {
			return i + 1
		}
	}
	return 4
}

func address(r *rand.Rand, w *demoWard) string {
	if w.rural {
		return fmt.Sprintf("Xóm %d, %s", 1+r.IntN(18), w.unit.Name)
	}
	return fmt.Sprintf("Tổ %d, %s", 1+r.IntN(40), w.unit.Name)
}

// citizenID makes a unique ID of valid form: mostly 12-digit IDs registered in Thái Nguyên (019),
// some from neighbouring provinces, and some old 9-digit IDs for people born before 1960.
func (g *demoGen) citizenID(dob civil.Date, female bool) string {
	for {
		g.serial++
		var id string
		if dob.Year < 1960 && g.r.IntN(10) == 0 {
			id = fmt.Sprintf("09%07d", g.r.IntN(10_000_000))
		} else {
			prov := "019"
			if g.r.IntN(10) == 0 {
				prov = pick(g.r, []string{"006", "008", "020", "024", "025", "001"})
			}
			century := (dob.Year - 1900) / 100 * 2
			if female {
				century++
			}
			id = fmt.Sprintf("%s%d%02d%06d", prov, century, dob.Year%100, g.r.IntN(1_000_000))
		}
		if !g.ids[id] {
			g.ids[id] = true
			return id
		}
	}
}

func (g *demoGen) pickFund() *fund.Fund {
	// Most lines are paid from the central budget, the rest from the province and the city.
	x := g.r.IntN(100)
	switch {
	case x < 70 || len(g.funds) == 1:
		return g.funds[0]
	case x < 90 || len(g.funds) == 2:
		return g.funds[1]
	default:
		return g.funds[2]
	}
}

func (g *demoGen) batch(grp *program.Group, w *demoWard, round int, listed civil.Date) int {
	key := fmt.Sprintf("%s/%s/%d", grp.Code, w.unit.Code, round)
	if i, ok := g.batchOf[key]; ok {
		return i
	}
	sum := sha256.Sum256([]byte(fmt.Sprintf("demo:%d:%s", g.opt.Seed, key)))
	g.batches = append(g.batches, &disbursement.Batch{
		ProgramID: g.prog.ID, GroupID: grp.ID, WardID: w.unit.ID,
		FileName:   fmt.Sprintf("danh-sach-%s-%s-dot%d.xlsx", grp.Code, w.unit.Code, round),
		FileSHA256: hex.EncodeToString(sum[:]), CreatedBy: "demo", CreatedAt: at(listed),
	})
	g.batchOf[key] = len(g.batches) - 1
	return len(g.batches) - 1
}

// at is 08:00 in Hanoi on d, the time the demo records for writes of that day.
func at(d civil.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 8, 0, 0, 0, civil.Location)
}

func (g *demoGen) add(b *beneficiary.Beneficiary, bat int, d *disbursement.Disbursement) {
	g.lines = append(g.lines, d)
	g.lineBen = append(g.lineBen, len(g.bens)-1)
	if b != g.bens[len(g.bens)-1] {
		panic("seed: a line must follow its beneficiary")
	}
	g.lineBat = append(g.lineBat, bat)
	d.CreatedAt, d.UpdatedAt = at(d.ListedOn), at(d.ListedOn)
	if d.PaidOn != nil {
		d.UpdatedAt = at(*d.PaidOn)
	}
}

var firstRoundDecisions = map[string]string{
	"NGUOI_CO_CONG": "1421/QĐ-UBND", "BAO_TRO_XA_HOI": "1422/QĐ-UBND", "HO_NGHEO": "1423/QĐ-UBND", "HO_CAN_NGHEO": "1424/QĐ-UBND",
}

func (g *demoGen) firstRoundLine(grp *program.Group, w *demoWard) {
	born := [2]int{1935, 1965}
	if grp.Code == "BAO_TRO_XA_HOI" {
		born = [2]int{1925, 2015}
	} else if grp.SupportUnit != program.PerPerson {
		born = [2]int{1950, 1992}
	}
	b := g.newBeneficiary(grp, w, born)
	listed := civil.MustParse("2020-04-20").AddDays(g.r.IntN(4))
	months := *grp.MaxMonths
	people := grp.PeopleCovered(b.Members)
	amount, _ := grp.AmountDue(months, people)
	posted, appraised, approved := listed.AddDays(1), listed.AddDays(4+g.r.IntN(2)), civil.MustParse("2020-04-30")
	decision, issuer := firstRoundDecisions[grp.Code], "UBND thành phố Thái Nguyên"
	d := &disbursement.Disbursement{
		ProgramID: g.prog.ID, GroupID: grp.ID, FundID: g.pickFund().ID, WardID: w.unit.ID,
		Amount: amount, PeopleCovered: people, MonthsCovered: months, Instalment: 1,
		ListedOn: listed, PostedOn: &posted, AppraisedOn: &appraised, ApprovedOn: &approved,
		DecisionNumber: &decision, DecisionIssuer: &issuer,
	}
	if g.r.IntN(200) == 0 {
		// A few lines are sent back: the person has died or moved away before payment.
		d.Status = disbursement.Returned
		reason := pick(g.r, []string{"Đối tượng đã chết trước thời điểm chi trả", "Đối tượng không còn cư trú tại địa phương"})
		d.StatusReason = &reason
	} else {
		d.Status = disbursement.Paid
		paid := Workday(w.payDay.AddDays(g.r.IntN(3)))
		ch := g.firstRoundChannel(grp)
		receipt := fmt.Sprintf("PC-%s-%05d", w.unit.Code, len(g.lines)+1)
		d.PaidOn, d.Channel, d.ReceiptNumber = &paid, &ch, &receipt
	}
	g.add(b, g.batch(grp, w, 1, listed), d)
}

func (g *demoGen) firstRoundChannel(grp *program.Group) disbursement.Channel {
	x := g.r.IntN(100)
	switch {
	case x < 4:
		return disbursement.Bank
	case grp.Code == "NGUOI_CO_CONG" && x < 64, grp.Code == "BAO_TRO_XA_HOI" && x < 34:
		return disbursement.PostOffice
	default:
		return disbursement.CashAtWard
	}
}

// laterLines writes the lines of a group paid after the first round: each recipient is at some
// step of the chain; some monthly groups have a second instalment for June.
func (g *demoGen) laterLines(grp *program.Group, w *demoWard) {
	born := [2]int{1965, 2001}
	if grp.SupportUnit != program.PerPerson {
		born = [2]int{1960, 1995}
	}
	b := g.newBeneficiary(grp, w, born)
	listed := civil.MustParse("2020-05-20").AddDays(g.r.IntN(17))
	months := []int{1, 2, 2, 3, 3, 3}[g.r.IntN(6)]
	if grp.Code == "TAM_HOAN_HDLD" {
		months = 2 // April and May; June comes as a second instalment
	}
	status := g.laterStatus()
	d := g.laterLine(grp, w, b, listed, months, 1, status)
	if grp.Code == "TAM_HOAN_HDLD" && status == disbursement.Paid && g.r.IntN(2) == 0 {
		listed2 := d.PaidOn.AddDays(3)
		st2 := []disbursement.Status{disbursement.Listed, disbursement.Approved, disbursement.Paid, disbursement.Paid}[g.r.IntN(4)]
		g.laterLine(grp, w, b, listed2, 1, 2, st2)
	}
}

func (g *demoGen) laterStatus() disbursement.Status {
	x := g.r.IntN(100)
	switch {
	case x < 45:
		return disbursement.Paid
	case x < 70:
		return disbursement.Approved
	case x < 80:
		return disbursement.Appraised
	case x < 88:
		return disbursement.Posted
	case x < 96:
		return disbursement.Listed
	case x < 99:
		return disbursement.Returned
	default:
		return disbursement.Cancelled
	}
}

func (g *demoGen) laterLine(grp *program.Group, w *demoWard, b *beneficiary.Beneficiary, listed civil.Date, months, instalment int, status disbursement.Status) *disbursement.Disbursement {
	people := grp.PeopleCovered(b.Members)
	amount, _ := grp.AmountDue(months, people)
	d := &disbursement.Disbursement{
		ProgramID: g.prog.ID, GroupID: grp.ID, FundID: g.pickFund().ID, WardID: w.unit.ID,
		Amount: amount, PeopleCovered: people, MonthsCovered: months, Instalment: instalment,
		Status: status, ListedOn: listed,
	}
	if status == disbursement.Listed && g.r.IntN(40) == 0 {
		// A typing mistake the rule check should flag before approval.
		d.Amount += 100_000
	}
	steps := []disbursement.Status{disbursement.Posted, disbursement.Appraised, disbursement.Approved, disbursement.Paid}
	reached := map[disbursement.Status]int{disbursement.Listed: 0, disbursement.Posted: 1, disbursement.Appraised: 2,
		disbursement.Approved: 3, disbursement.Paid: 4, disbursement.Returned: 2, disbursement.Cancelled: 1}[status]
	day := listed
	for i, s := range steps[:reached] {
		day = day.AddDays([]int{1, 6, 3, 4}[i] + g.r.IntN(3))
		switch s {
		case disbursement.Posted:
			d.PostedOn = ptr(day)
		case disbursement.Appraised:
			d.AppraisedOn = ptr(day)
		case disbursement.Approved:
			d.ApprovedOn = ptr(day)
			d.DecisionNumber = ptr(fmt.Sprintf("%d/QĐ-UBND", 1700+int(grp.ID)*7+instalment))
			d.DecisionIssuer = ptr("UBND tỉnh Thái Nguyên")
		case disbursement.Paid:
			paid := Workday(day)
			if paid.After(civil.MustParse("2020-06-30")) {
				paid = civil.MustParse("2020-06-30")
			}
			d.PaidOn = &paid
			d.Channel = ptr([]disbursement.Channel{disbursement.CashAtWard, disbursement.CashAtWard, disbursement.Bank, disbursement.PostOffice}[g.r.IntN(4)])
			d.ReceiptNumber = ptr(fmt.Sprintf("PC-%s-%05d", w.unit.Code, len(g.lines)+1))
		}
	}
	switch status {
	case disbursement.Returned:
		d.StatusReason = ptr(pick(g.r, []string{"Không đủ điều kiện: có giao kết hợp đồng lao động", "Không đủ điều kiện: doanh thu trên 100 triệu đồng/năm", "Trùng với danh sách nhóm khác"}))
	case disbursement.Cancelled:
		d.StatusReason = ptr("Người lao động rút hồ sơ")
	}
	g.add(b, g.batch(grp, w, instalment, listed), d)
	return d
}

func ptr[T any](v T) *T { return &v }

func (g *demoGen) write(ctx context.Context, tx bun.Tx) (DemoSummary, error) {
	const chunk = 1000
	for _, b := range g.bens {
		b.CreatedAt = at(civil.MustParse("2020-04-20"))
	}
	for _, bat := range g.lineBat {
		g.batches[bat].RowCount++
	}
	for i := 0; i < len(g.batches); i += chunk {
		part := g.batches[i:min(i+chunk, len(g.batches))]
		if _, err := tx.NewInsert().Model(&part).Returning("id").Exec(ctx); err != nil {
			return DemoSummary{}, err
		}
	}
	if err := beneficiary.AssignPersons(ctx, tx, g.bens); err != nil {
		return DemoSummary{}, err
	}
	for i := 0; i < len(g.bens); i += chunk {
		part := g.bens[i:min(i+chunk, len(g.bens))]
		if _, err := tx.NewInsert().Model(&part).Returning("id").Exec(ctx); err != nil {
			return DemoSummary{}, err
		}
	}
	var sum DemoSummary
	for i, d := range g.lines {
		d.BeneficiaryID = g.bens[g.lineBen[i]].ID
		d.BatchID = &g.batches[g.lineBat[i]].ID
		if d.Status == disbursement.Paid && d.PaidOn.Month == time.May {
			sum.FirstRoundAmount += d.Amount
			sum.FirstRoundPeople += d.PeopleCovered
		}
	}
	if err := disbursement.NewStore(tx, g.opt.Observer).Insert(ctx, g.lines); err != nil {
		return DemoSummary{}, err
	}
	sum.Beneficiaries, sum.Disbursements, sum.Batches = len(g.bens), len(g.lines), len(g.batches)
	return sum, nil
}
