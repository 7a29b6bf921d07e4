package national

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"hotro/internal/beneficiary"
	"hotro/internal/civil"
	"hotro/internal/disbursement"
	"hotro/internal/program"
	"hotro/internal/rollup"
	"hotro/internal/seed"
	"hotro/internal/vntext"
)

// wardUnit is a commune of 2020 with the units above it.
type wardUnit struct {
	id, district, province int64
	code, name             string
	rural                  bool
	weight                 float64
}

type provinceUnit struct {
	index      int
	id         int64
	code, name string
	wards      []*wardUnit
}

// groupPlan is how one group of NQ42 is drawn: its share of recipients, and how it is paid.
type groupPlan struct {
	code       string
	share      float64
	rural      float64 // weight in communes (xã) relative to wards (phường)
	firstRound bool    // paid once, in the first round (late April to May 2020)
	g          *program.Group
}

// The groups' shares of the nation's recipients: persons with merit and social-protection
// beneficiaries on the monthly rolls, poor and near-poor households, and the workers and household
// businesses paid month by month (see DESIGN.md, national figures of programs.json).
var groupPlans = []groupPlan{
	{code: "NGUOI_CO_CONG", share: 0.065, rural: 1.1, firstRound: true},
	{code: "BAO_TRO_XA_HOI", share: 0.145, rural: 1.2, firstRound: true},
	{code: "HO_NGHEO", share: 0.055, rural: 3.5, firstRound: true},
	{code: "HO_CAN_NGHEO", share: 0.060, rural: 2.5, firstRound: true},
	{code: "LAO_DONG_TU_DO", share: 0.450, rural: 0.9},
	{code: "TAM_HOAN_HDLD", share: 0.100, rural: 0.5},
	{code: "HO_KINH_DOANH", share: 0.075, rural: 0.6},
	{code: "CHAM_DUT_HDLD", share: 0.050, rural: 0.8},
}

// sink writes rows in COPY's binary format into a pipe that a COPY reads from. Binary rows cost
// PostgreSQL about half the work of text ones: no number, date or timestamp is parsed. Every field
// must be written with the method of its column's type (int8 for bigint, int4 for integer...).
type sink struct {
	pw     *io.PipeWriter
	pr     *io.PipeReader
	w      *bufio.Writer
	buf    []byte
	fields uint16
	open   int // where the length of the field being written goes
	n      int64
	err    error
}

// copyHeader starts a COPY binary stream: the signature, no flags, no header extension.
var copyHeader = []byte("PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00")

func newSink() *sink {
	pr, pw := io.Pipe()
	s := &sink{pr: pr, pw: pw, w: bufio.NewWriterSize(pw, 1<<20)}
	_, s.err = s.w.Write(copyHeader)
	return s
}

// row starts a row; fields follow with the field methods, and end finishes it.
func (s *sink) row() { s.buf, s.fields = append(s.buf[:0], 0, 0), 0 }

// begin starts a field of variable length, whose bytes are then appended to buf; finish ends it.
func (s *sink) begin() {
	s.fields++
	s.open = len(s.buf)
	s.buf = append(s.buf, 0, 0, 0, 0)
}

func (s *sink) finish() {
	binary.BigEndian.PutUint32(s.buf[s.open:], uint32(len(s.buf)-s.open-4))
}

func (s *sink) int8(v int64) {
	s.fields++
	s.buf = binary.BigEndian.AppendUint32(s.buf, 8)
	s.buf = binary.BigEndian.AppendUint64(s.buf, uint64(v))
}

func (s *sink) int4(v int32) {
	s.fields++
	s.buf = binary.BigEndian.AppendUint32(s.buf, 4)
	s.buf = binary.BigEndian.AppendUint32(s.buf, uint32(v))
}

func (s *sink) int2(v int16) {
	s.fields++
	s.buf = binary.BigEndian.AppendUint32(s.buf, 2)
	s.buf = binary.BigEndian.AppendUint16(s.buf, uint16(v))
}

func (s *sink) null() {
	s.fields++
	s.buf = binary.BigEndian.AppendUint32(s.buf, 0xFFFFFFFF)
}

func (s *sink) text(v string) {
	s.begin()
	s.buf = append(s.buf, v...)
	s.finish()
}

func (s *sink) bytea(v []byte) {
	if v == nil {
		s.null()
		return
	}
	s.begin()
	s.buf = append(s.buf, v...)
	s.finish()
}

// postgresEpoch is where PostgreSQL counts dates and timestamps from.
var postgresEpoch = civil.New(2000, time.January, 1)

// date writes d as days since 2000-01-01.
func (s *sink) date(d civil.Date) { s.int4(int32(daysSince(postgresEpoch, d))) }

// timestamp writes t as microseconds since 2000-01-01 00:00 UTC (a timestamptz).
func (s *sink) timestamp(t time.Time) {
	s.int8(t.Sub(postgresEpoch.Time()).Microseconds())
}

// at writes 08:00 in Hanoi (01:00 UTC) on d.
func (s *sink) at(d civil.Date) {
	s.int8((int64(daysSince(postgresEpoch, d))*24 + 1) * int64(time.Hour/time.Microsecond))
}

func daysSince(from, d civil.Date) int {
	return int(d.Time().Sub(from.Time()) / (24 * time.Hour))
}

func (s *sink) end() {
	binary.BigEndian.PutUint16(s.buf, s.fields)
	if s.err == nil {
		_, s.err = s.w.Write(s.buf)
	}
	s.n++
}

// close ends the stream with COPY's trailer: the COPY reading it finishes.
func (s *sink) close() {
	if s.err == nil {
		_, s.err = s.w.Write([]byte{0xFF, 0xFF})
	}
	if s.err == nil {
		s.err = s.w.Flush()
	}
	s.pw.CloseWithError(s.err)
}

// abort makes the COPY reading the stream fail.
func (s *sink) abort(err error) { s.pw.CloseWithError(err) }

// generator draws the national data set, province by province, ward by ward, and list by list:
// recipients of one list get consecutive IDs (as an import of the list gives them), its lines are
// paid in list order over a day or two, through one or two channels.
type generator struct {
	seed      uint64
	scale     float64
	programID int64
	funds     [2]int64 // central budget, local budgets
	provinces []*provinceUnit
	groups    []groupPlan
	now       time.Time

	nextBen, nextLine, nextBatch, nextPerson int64
	serial                                   map[[3]int]int // citizen ID serials per province, century and sex, year
	createdAt                                time.Time      // of every recipient

	facts   disbursement.Facts // the last line's, reused
	paidOn  civil.Date
	channel disbursement.Channel

	bens, lines, batches, rollups *sink
	builder                       *rollup.Builder
	stop                          <-chan struct{}

	names []nameChoice
}

type nameChoice struct{ full, key string }

// run generates everything; it stops early when stop is closed.
func (g *generator) run() (err error) {
	defer func() {
		for _, s := range []*sink{g.bens, g.lines, g.batches, g.rollups} {
			if err != nil {
				s.abort(err)
			} else {
				s.close()
			}
		}
	}()
	g.serial = map[[3]int]int{}
	g.createdAt = g.now
	g.builder = rollup.NewBuilder()
	g.prepareNames()
	totalWeight := 0.0
	for _, p := range g.provinces {
		for _, w := range p.wards {
			totalWeight += w.weight
		}
	}
	recipients := 20_000_000 * g.scale
	for pi, p := range g.provinces {
		r := rand.New(rand.NewPCG(g.seed, uint64(pi)+1))
		days := provinceDays(r)
		for _, w := range p.wards {
			select {
			case <-g.stop:
				return errStopped
			default:
			}
			expected := recipients * w.weight / totalWeight
			n := int(expected)
			if r.Float64() < expected-float64(n) {
				n++
			}
			if err := g.ward(r, p, w, n, days); err != nil {
				return err
			}
		}
		if err := g.builder.Flush(g.rollupRow); err != nil {
			return err
		}
	}
	return nil
}

var errStopped = fmt.Errorf("stopped")

// payDays are a province's pay days: the first round, and the three monthly instalments.
type payDays struct {
	firstRound civil.Date
	monthly    [3]civil.Date
}

func provinceDays(r *rand.Rand) payDays {
	var d payDays
	d.firstRound = civil.MustParse("2020-04-24").AddDays(r.IntN(15))
	for k := range d.monthly {
		d.monthly[k] = civil.MustParse("2020-05-11").AddDays(30*k + r.IntN(12))
	}
	return d
}

// ward draws a ward's lists: n recipients split over the groups.
func (g *generator) ward(r *rand.Rand, p *provinceUnit, w *wardUnit, n int, days payDays) error {
	weights := make([]float64, len(g.groups))
	total := 0.0
	for i, gp := range g.groups {
		weights[i] = gp.share
		if w.rural {
			weights[i] *= gp.rural
		}
		weights[i] *= 0.8 + 0.4*r.Float64()
		total += weights[i]
	}
	left := n
	for i, gp := range g.groups {
		count := int(math.Round(float64(n) * weights[i] / total))
		if i == len(g.groups)-1 || count > left {
			count = left
		}
		left -= count
		if count == 0 {
			continue
		}
		var err error
		if gp.firstRound {
			err = g.list(r, p, w, gp, count, days.firstRound, 1)
		} else {
			err = g.list(r, p, w, gp, count, days.monthly[0], 3)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// listState is where one list (a ward's group for one instalment) stands.
type listState struct {
	batch                               int64
	status                              disbursement.Status
	listed, posted, appraised, approved civil.Date
	paid                                [2]civil.Date // the list is paid over two days, in order
	split                               float64       // the share paid on the first day
	channels                            [2]disbursement.Channel
	channelSplit                        float64
	decision, issuer                    string
	rows                                int
}

// list draws count recipients of a group in a ward and their lines: one line each for the first
// round; one to three monthly instalments for the other groups.
func (g *generator) list(r *rand.Rand, p *provinceUnit, w *wardUnit, gp groupPlan, count int, firstPay civil.Date, instalments int) error {
	fund := g.funds[0]
	if r.IntN(10) >= 7 {
		fund = g.funds[1]
	}
	states := make([]*listState, instalments)
	for k := range states {
		pay := firstPay
		if instalments > 1 {
			pay = firstPay.AddDays(30*k + r.IntN(7))
		} else {
			pay = firstPay.AddDays(r.IntN(8))
		}
		states[k] = g.listState(r, p, gp, k+1, instalments, seed.Workday(pay))
	}
	household := gp.g.SupportUnit != program.PerPerson
	months := 1
	if gp.firstRound && gp.g.MaxMonths != nil {
		months = *gp.g.MaxMonths
	}
	for i := range count {
		members := 1
		kind := beneficiary.Person
		if household {
			members = seed.HouseholdSize(r)
			kind = beneficiary.Household
		}
		ben := g.nextBen
		g.nextBen++
		base := g.nextPerson
		g.nextPerson += int64(members)
		g.recipient(r, p, w, ben, kind, members, base, gp)
		people := gp.g.PeopleCovered(members)
		amount, ok := gp.g.AmountDue(months, people)
		if !ok || amount <= 0 {
			return fmt.Errorf("group %s has no amount due for %d months and %d people: its rule in the programme data is incomplete", gp.code, months, people)
		}
		// How many instalments this recipient was listed for: all three for most, fewer for those
		// who went back to work.
		n := 1
		if instalments > 1 {
			switch x := r.IntN(100); {
			case x < 45:
				n = 1
			case x < 81:
				n = 2
			default:
				n = 3
			}
		}
		position := float64(i) / float64(count)
		for k := range n {
			st := states[k]
			st.rows++
			facts := g.line(r, w, gp, st, ben, base, people, amount, months, k+1, fund, position)
			if err := g.builder.Add(facts, w.district, w.province); err != nil {
				return err
			}
		}
	}
	for k, st := range states {
		if st.rows == 0 {
			continue
		}
		sum := sha256.Sum256([]byte(fmt.Sprintf("national:%d:%s:%s:%d", g.seed, w.code, gp.code, k+1)))
		b := g.batches
		b.row()
		b.int8(st.batch)
		b.int8(g.programID)
		b.int8(gp.g.ID)
		b.int8(w.id)
		b.text(fmt.Sprintf("danh-sach-%s-%s-dot%d.xlsx", gp.code, w.code, k+1))
		b.text(hex.EncodeToString(sum[:]))
		b.int4(int32(st.rows))
		b.text("national")
		b.at(st.listed)
		b.end()
	}
	return nil
}

// rollupRow writes one rollup row built from the lines.
func (g *generator) rollupRow(values []any) error {
	s := g.rollups
	s.row()
	for _, v := range values {
		switch v := v.(type) {
		case int16:
			s.int2(v)
		case int32:
			s.int4(v)
		case int64:
			s.int8(v)
		case string:
			s.text(v)
		case []byte:
			s.bytea(v)
		case nil:
			s.null()
		default:
			return fmt.Errorf("rollup value of type %T", v)
		}
	}
	s.end()
	return nil
}

func (g *generator) listState(r *rand.Rand, p *provinceUnit, gp groupPlan, instalment, instalments int, pay civil.Date) *listState {
	st := &listState{batch: g.nextBatch, split: 0.5 + 0.4*r.Float64(), channelSplit: 0.75 + 0.25*r.Float64()}
	g.nextBatch++
	st.status = disbursement.Paid
	if instalments > 1 {
		// Later instalments of some lists were still on their way on the data set's date.
		x := r.IntN(100)
		switch {
		case instalment == 2 && x >= 88:
			st.status = []disbursement.Status{disbursement.Approved, disbursement.Approved, disbursement.Appraised}[x%3]
		case instalment == 3 && x >= 70:
			st.status = []disbursement.Status{disbursement.Approved, disbursement.Approved, disbursement.Appraised, disbursement.Posted, disbursement.Listed}[x%5]
		}
	}
	st.listed = pay.AddDays(-14 - r.IntN(6))
	st.posted = st.listed.AddDays(1 + r.IntN(2))
	st.appraised = st.posted.AddDays(4 + r.IntN(3))
	st.approved = st.appraised.AddDays(2 + r.IntN(2))
	if st.approved.After(pay) {
		st.approved = pay
	}
	st.paid = [2]civil.Date{pay, seed.Workday(pay.AddDays(1))}
	st.channels = channelsOf(r, gp.code)
	st.decision = fmt.Sprintf("%d/QĐ-UBND", 1000+r.IntN(3000))
	st.issuer = "UBND " + p.name
	return st
}

// channelsOf picks a list's main channel and the one its last recipients were paid through.
func channelsOf(r *rand.Rand, group string) [2]disbursement.Channel {
	var main disbursement.Channel
	x := r.IntN(100)
	switch group {
	case "NGUOI_CO_CONG":
		main = pickChannel(x, 60, 95) // post office, cash, bank
	case "BAO_TRO_XA_HOI":
		main = pickChannel(x, 30, 95)
	case "HO_NGHEO", "HO_CAN_NGHEO", "HO_KINH_DOANH":
		main = pickChannel(x, 5, 92)
	default:
		main = pickChannel(x, 5, 60)
	}
	second := []disbursement.Channel{disbursement.CashAtWard, disbursement.PostOffice, disbursement.Bank}[r.IntN(3)]
	return [2]disbursement.Channel{main, second}
}

// pickChannel: post office below post, cash at the ward below cash, else bank.
func pickChannel(x, post, cash int) disbursement.Channel {
	switch {
	case x < post:
		return disbursement.PostOffice
	case x < cash:
		return disbursement.CashAtWard
	}
	return disbursement.Bank
}

var lineColumns = []string{"id", "program_id", "beneficiary_id", "group_id", "fund_id", "ward_id", "amount", "people_covered",
	"months_covered", "instalment", "status", "listed_on", "posted_on", "appraised_on", "approved_on", "decision_number",
	"decision_issuer", "paid_on", "channel", "receipt_number", "status_reason", "batch_id", "created_at", "updated_at"}

var reasons = map[disbursement.Status]string{
	disbursement.Returned:  "Đối tượng không còn cư trú tại địa phương",
	disbursement.Cancelled: "Trùng với danh sách nhóm khác",
}

// line draws one payment line of a list, writes it and returns its facts (valid until the next call).
func (g *generator) line(r *rand.Rand, w *wardUnit, gp groupPlan, st *listState, ben, base int64, people int, amount int64,
	months, instalment int, fund int64, position float64) *disbursement.Facts {
	id := g.nextLine
	g.nextLine++
	status := st.status
	if x := r.IntN(1000); x < 8 {
		status = disbursement.Returned
	} else if x < 10 {
		status = disbursement.Cancelled
	}
	reached := reachedOf[status]
	f := &g.facts
	*f = disbursement.Facts{ID: id, BeneficiaryID: ben, PersonBase: base, People: people, ProgramID: g.programID,
		GroupID: gp.g.ID, FundID: fund, WardID: w.id, Status: status, Amount: amount}
	s := g.lines
	s.row()
	s.int8(id)
	s.int8(g.programID)
	s.int8(ben)
	s.int8(gp.g.ID)
	s.int8(fund)
	s.int8(w.id)
	s.int8(amount)
	s.int4(int32(people))
	s.int4(int32(months))
	s.int4(int32(instalment))
	s.text(string(status))
	s.date(st.listed)
	for i, d := range []civil.Date{st.posted, st.appraised} {
		if reached > i {
			s.date(d)
		} else {
			s.null()
		}
	}
	if reached >= 3 && status != disbursement.Returned {
		s.date(st.approved)
		s.text(st.decision)
		s.text(st.issuer)
	} else {
		s.null()
		s.null()
		s.null()
	}
	updated := st.listed
	if status == disbursement.Paid {
		day := st.paid[0]
		if position >= st.split {
			day = st.paid[1]
		}
		ch := st.channels[0]
		if position >= st.channelSplit {
			ch = st.channels[1]
		}
		s.date(day)
		s.text(string(ch))
		s.begin()
		s.buf = append(s.buf, "PC-"...)
		s.buf = append(s.buf, w.code...)
		s.buf = append(s.buf, '-')
		s.buf = strconv.AppendInt(s.buf, id, 10)
		s.finish()
		updated = day
		g.paidOn, g.channel = day, ch
		f.PaidOn, f.Channel = &g.paidOn, &g.channel
	} else {
		s.null()
		s.null()
		s.null()
	}
	if reason, ok := reasons[status]; ok {
		s.text(reason)
	} else {
		s.null()
	}
	s.int8(st.batch)
	s.at(st.listed)
	s.at(updated)
	s.end()
	return f
}

var reachedOf = map[disbursement.Status]int{disbursement.Listed: 0, disbursement.Posted: 1, disbursement.Appraised: 2,
	disbursement.Approved: 3, disbursement.Paid: 4, disbursement.Returned: 3, disbursement.Cancelled: 1}

var benColumns = []string{"id", "kind", "full_name", "name_key", "citizen_id", "date_of_birth", "gender", "members",
	"person_base", "ward_id", "address", "created_at"}

var batchColumns = []string{"id", "program_id", "group_id", "ward_id", "file_name", "file_sha256", "row_count", "created_by", "created_at"}

// recipient writes one recipient: a person, or a household named by its head.
func (g *generator) recipient(r *rand.Rand, p *provinceUnit, w *wardUnit, id int64, kind beneficiary.Kind, members int, base int64, gp groupPlan) {
	born := [2]int{1940, 2000}
	switch gp.code {
	case "NGUOI_CO_CONG":
		born = [2]int{1930, 1965}
	case "BAO_TRO_XA_HOI":
		born = [2]int{1925, 2015}
	}
	female := r.IntN(100) < 52
	year := born[0] + r.IntN(born[1]-born[0]+1)
	dob := civil.New(year, time.Month(1+r.IntN(12)), 1+r.IntN(28))
	name := g.names[r.IntN(len(g.names)/2)*2+boolInt(female)]
	gender := "MALE"
	if female {
		gender = "FEMALE"
	}
	// 12-digit citizen ID: birth province, century and sex, year, serial.
	century := (year-1900)/100*2 + boolInt(female)
	key := [3]int{p.index, century, year % 100}
	g.serial[key]++
	s := g.bens
	s.row()
	s.int8(id)
	s.text(string(kind))
	s.text(name.full)
	s.text(name.key)
	s.begin()
	s.buf = append(s.buf, '0')
	s.buf = append(s.buf, p.code...)
	s.buf = append(s.buf, byte('0'+century), byte('0'+year%100/10), byte('0'+year%10))
	s.buf = appendPadded(s.buf, g.serial[key], 6)
	s.finish()
	s.date(dob)
	s.text(gender)
	s.int4(int32(members))
	s.int8(base)
	s.int8(w.id)
	s.begin()
	if w.rural {
		s.buf = append(s.buf, "Xóm "...)
		s.buf = strconv.AppendInt(s.buf, int64(1+r.IntN(18)), 10)
	} else {
		s.buf = append(s.buf, "Tổ "...)
		s.buf = strconv.AppendInt(s.buf, int64(1+r.IntN(40)), 10)
	}
	s.buf = append(s.buf, ", "...)
	s.buf = append(s.buf, w.name...)
	s.finish()
	s.timestamp(g.createdAt)
	s.end()
}

func appendPadded(b []byte, n, width int) []byte {
	var digits [20]byte
	i := len(digits)
	for n > 0 || i == len(digits) {
		i--
		digits[i] = byte('0' + n%10)
		n /= 10
	}
	for range width - (len(digits) - i) {
		b = append(b, '0')
	}
	return append(b, digits[i:]...)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// prepareNames lists male and female names alternately, with their folded search keys, so that
// drawing a name costs nothing.
func (g *generator) prepareNames() {
	families, maleMiddle, maleGiven, femaleMiddle, femaleGiven := seed.NameParts()
	for i := range len(maleGiven) * len(maleMiddle) * len(families) {
		f := families[i%len(families)]
		m := i / len(families)
		male := f + " " + maleMiddle[m%len(maleMiddle)] + " " + maleGiven[m/len(maleMiddle)%len(maleGiven)]
		female := f + " " + femaleMiddle[m%len(femaleMiddle)] + " " + femaleGiven[m/len(femaleMiddle)%len(femaleGiven)]
		g.names = append(g.names, nameChoice{male, vntext.Fold(male)}, nameChoice{female, vntext.Fold(female)})
	}
}
