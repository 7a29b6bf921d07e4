package supervision

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"hotro/internal/audit"
	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/errs"
	"hotro/internal/logging"
	"hotro/internal/program"
)

// Result is what a visit to a spot-checked line found.
type Result string

// The results of a visit.
const (
	Confirmed         Result = "CONFIRMED"           // the right person received the amount
	WrongPerson       Result = "WRONG_PERSON"        // someone else than the listed person
	NotFound          Result = "NOT_FOUND"           // nobody by that name at the address
	AmountNotReceived Result = "AMOUNT_NOT_RECEIVED" // the person did not receive the amount listed
)

// Results lists the results.
var Results = []Result{Confirmed, WrongPerson, NotFound, AmountNotReceived}

// Valid reports whether r is a result.
func (r Result) Valid() bool { return slices.Contains(Results, r) }

// The bounds of a spot check.
const (
	MaxSampleSize = 200
	MaxSeedLength = 64
	MaxNoteLength = 1000
)

// Check is one spot check: a sample of a ward's paid lines drawn from a recorded seed.
type Check struct {
	bun.BaseModel `bun:"table:spot_checks,alias:c"`

	ID        int64     `bun:"id,pk,autoincrement"`
	CreatedAt time.Time `bun:"created_at,notnull"`
	Actor     string    `bun:"actor,notnull"`
	WardID    int64     `bun:"ward_id,notnull"`
	ProgramID *int64    `bun:"program_id"`
	Seed      string    `bun:"seed,notnull"`
	// SampleSize is the number asked for; fewer lines are drawn when the population is smaller.
	SampleSize int `bun:"sample_size,notnull"`
	// Population counts the lines the sample was drawn from; PopulationDigest is the SHA-256 of
	// their IDs, ascending, in decimal, each followed by a newline.
	Population       int    `bun:"population,notnull"`
	PopulationDigest string `bun:"population_digest,notnull"`
	// DrawNumber is the draw's number among its ward's draws of its day, DrawLimit the bound in
	// force then, SeedGiven whether the drawer typed the seed; nil for draws made before draws
	// were numbered.
	DrawNumber *int  `bun:"draw_number,scanonly"`
	DrawLimit  *int  `bun:"draw_limit,scanonly"`
	SeedGiven  *bool `bun:"seed_given,scanonly"`

	Lines []*CheckLine `bun:"-"`
}

// CheckLine is one drawn line and its visit.
type CheckLine struct {
	bun.BaseModel `bun:"table:spot_check_lines,alias:l"`

	CheckID        int64       `bun:"check_id,pk"`
	DisbursementID int64       `bun:"disbursement_id,pk"`
	Position       int         `bun:"position,notnull"`
	Result         *Result     `bun:"result"`
	Note           string      `bun:"note,notnull"`
	VisitedOn      *civil.Date `bun:"visited_on"`
	RecordedBy     *string     `bun:"recorded_by"`
	RecordedAt     *time.Time  `bun:"recorded_at"`
}

// Sample draws up to n of the population's line IDs from the seed: each line's key is
// SHA-256("seed:ID") and the lines with the smallest keys are drawn, smallest first. The same seed
// and population give the same sample, in any order of the population.
func Sample(seed string, population []int64, n int) []int64 {
	type keyed struct {
		key [32]byte
		id  int64
	}
	ks := make([]keyed, len(population))
	for i, id := range population {
		ks[i] = keyed{sha256.Sum256([]byte(seed + ":" + strconv.FormatInt(id, 10))), id}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if c := strings.Compare(string(a.key[:]), string(b.key[:])); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	out := make([]int64, 0, min(n, len(ks)))
	for _, k := range ks[:min(n, len(ks))] {
		out = append(out, k.id)
	}
	return out
}

// PopulationDigest is the SHA-256 of the line IDs, ascending, each in decimal followed by a newline.
func PopulationDigest(population []int64) string {
	ids := slices.Clone(population)
	slices.Sort(ids)
	h := sha256.New()
	for _, id := range ids {
		fmt.Fprintf(h, "%d\n", id)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// DrawRequest asks for a spot check of a ward's paid lines (of a programme, if named). An empty
// Seed is drawn at random and recorded; a given one (letters, digits, '-' and '_', at most 64)
// draws again a sample made before.
type DrawRequest struct {
	Ward    string
	Program string
	Size    int
	Seed    string
}

// Draw draws and records a spot check, with its seed, population and lines, and audits it.
func (s *Service) Draw(ctx context.Context, req DrawRequest) (*Check, error) {
	const op = "supervision: draw"
	id := auth.FromContext(ctx)
	if err := id.CanSupervise(); err != nil {
		return nil, err
	}
	if req.Size < 1 || req.Size > MaxSampleSize {
		return nil, errs.E(op, errs.Invalid, errs.Msgf("Số dòng cần kiểm tra phải từ 1 đến %d.", MaxSampleSize))
	}
	seed := strings.TrimSpace(req.Seed)
	if seed == "" {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, errs.E(op, err)
		}
		seed = hex.EncodeToString(b[:])
	} else if !validSeed(seed) {
		return nil, errs.E(op, errs.Invalid, errs.Msgf("Hạt giống (seed) chỉ gồm chữ cái không dấu, chữ số, '-' và '_', tối đa %d ký tự.", MaxSeedLength))
	}
	code := strings.TrimSpace(req.Ward)
	if code == "" {
		return nil, errs.E(op, errs.Invalid, errs.Msg("Cần chọn phường/xã để kiểm tra."))
	}
	check := &Check{Actor: id.Username, Seed: seed, SampleSize: req.Size}
	seedGiven := strings.TrimSpace(req.Seed) != ""
	limit := s.rules.dailyDraws()
	var refused error
	err := s.inTx(ctx, func(tx bun.Tx) error {
		ward, err := currentWard(ctx, tx, code)
		if err != nil {
			return err
		}
		check.WardID = ward
		q := tx.NewSelect().Table("disbursements").Column("id").Where("ward_id = ?", ward).Where("status = 'PAID'").OrderExpr("id")
		if p := strings.TrimSpace(req.Program); p != "" {
			prog, err := program.NewStore(tx).Program(ctx, strings.ToUpper(p))
			if err != nil {
				return err
			}
			check.ProgramID = &prog.ID
			q = q.Where("program_id = ?", prog.ID)
		}
		// The ward's draws of the day, raised before anything is drawn: the upsert locks the ward's
		// row for the rest of the transaction, so concurrent draws of the ward count one by one.
		check.CreatedAt = s.now().UTC()
		day := civil.Of(check.CreatedAt)
		var number int
		if err := tx.NewRaw(`INSERT INTO spot_check_days (ward_id, day, draws) VALUES (?, ?, 1)
			ON CONFLICT (ward_id, day) DO UPDATE SET draws = spot_check_days.draws + 1 RETURNING draws`,
			ward, day.String()).Scan(ctx, &number); err != nil {
			return err
		}
		if number > limit {
			refused = errs.E(op, errs.TooComplex, errs.Msgf("Phường/xã này đã được rút mẫu kiểm tra %d lần trong ngày %s (giới hạn %d lần mỗi ngày): "+
				"không rút lại để chọn mẫu khác. Hãy kiểm tra các mẫu đã rút (số %s), hoặc rút tiếp vào ngày mai.",
				number-1, day.Vietnamese(), limit, drawList(number-1)))
			return refused
		}
		check.DrawNumber, check.DrawLimit, check.SeedGiven = &number, &limit, &seedGiven
		var population []int64
		if err := q.Scan(ctx, &population); err != nil {
			return err
		}
		if len(population) == 0 {
			return errs.E(op, errs.Invalid, errs.Msg("Phường/xã này chưa có dòng đã chi trả nào để kiểm tra."))
		}
		check.Population, check.PopulationDigest = len(population), PopulationDigest(population)
		if _, err := tx.NewInsert().Model(check).Returning("id").Exec(ctx); err != nil {
			return err
		}
		if _, err := tx.NewRaw(`INSERT INTO spot_check_draws (check_id, ward_id, day, number, daily_limit, seed_given) VALUES (?, ?, ?, ?, ?, ?)`,
			check.ID, ward, day.String(), number, limit, seedGiven).Exec(ctx); err != nil {
			return err
		}
		for i, lineID := range Sample(seed, population, req.Size) {
			check.Lines = append(check.Lines, &CheckLine{CheckID: check.ID, DisbursementID: lineID, Position: i + 1})
		}
		if _, err := tx.NewInsert().Model(&check.Lines).Exec(ctx); err != nil {
			return err
		}
		drawn := make([]int64, len(check.Lines))
		for i, l := range check.Lines {
			drawn[i] = l.DisbursementID
		}
		return audit.NewStore(tx).Record(ctx, &audit.Event{At: check.CreatedAt, Actor: id.Username, Action: "spotcheck.draw",
			Entity: "spot_check", EntityID: strconv.FormatInt(check.ID, 10), WardID: &check.WardID,
			After: audit.JSON(map[string]any{"seed": seed, "seedGiven": seedGiven, "sampleSize": req.Size, "population": check.Population,
				"populationDigest": check.PopulationDigest, "programId": check.ProgramID, "lines": drawn,
				"drawNumber": number, "dailyLimit": limit, "day": day.String()}),
			RequestID: logging.RequestID(ctx)})
	})
	if refused != nil {
		// The refusal is kept too: who tried to draw past the bound, and when.
		if err := s.recordRefusal(ctx, id, check, limit, seedGiven); err != nil {
			return nil, errs.E(op, err)
		}
		return nil, refused
	}
	if err != nil {
		return nil, errs.E(op, err)
	}
	return check, nil
}

// recordRefusal audits a draw refused at the daily bound (spotcheck.draw_refused), in its own
// transaction: the draw's was rolled back.
func (s *Service) recordRefusal(ctx context.Context, id *auth.Identity, check *Check, limit int, seedGiven bool) error {
	return audit.NewStore(s.db).Record(ctx, &audit.Event{At: check.CreatedAt, Actor: id.Username, Action: "spotcheck.draw_refused",
		Entity: "ward", EntityID: strconv.FormatInt(check.WardID, 10), WardID: &check.WardID,
		After: audit.JSON(map[string]any{"dailyLimit": limit, "day": civil.Of(check.CreatedAt).String(), "seedGiven": seedGiven,
			"sampleSize": check.SampleSize}),
		RequestID: logging.RequestID(ctx)})
}

// drawList names the draws of a day up to the bound: "1, 2 và 3".
func drawList(limit int) string {
	if limit == 1 {
		return "1"
	}
	parts := make([]string, limit-1)
	for i := range parts {
		parts[i] = strconv.Itoa(i + 1)
	}
	return strings.Join(parts, ", ") + " và " + strconv.Itoa(limit)
}

func validSeed(s string) bool {
	if s == "" || len(s) > MaxSeedLength {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// currentWard returns the ID of the ward with the code that is valid now (or, failing that, the
// latest one).
func currentWard(ctx context.Context, db bun.IDB, code string) (int64, error) {
	var ids []int64
	err := db.NewRaw("SELECT id FROM admin_units WHERE level = 'COMMUNE' AND code = ? ORDER BY valid_to IS NULL DESC, valid_from DESC", code).Scan(ctx, &ids)
	if err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return 0, errs.E("supervision: ward", errs.Invalid, errs.Msgf("Không có phường/xã mã %q.", code))
	}
	return ids[0], nil
}

// VisitRequest records what the visit to a drawn line found, on which day, with a note.
type VisitRequest struct {
	CheckID   int64
	LineID    int64
	Result    Result
	VisitedOn civil.Date
	Note      string
}

// RecordVisit records (or corrects) the result of the visit to one drawn line, audited with the
// state before and after.
func (s *Service) RecordVisit(ctx context.Context, req VisitRequest) (*CheckLine, error) {
	const op = "supervision: visit"
	id := auth.FromContext(ctx)
	if err := id.CanSupervise(); err != nil {
		return nil, err
	}
	if !req.Result.Valid() {
		return nil, errs.E(op, errs.Invalid, errs.Msgf("Kết quả %q không có; chọn CONFIRMED, WRONG_PERSON, NOT_FOUND hoặc AMOUNT_NOT_RECEIVED.", req.Result))
	}
	if req.VisitedOn.IsZero() {
		return nil, errs.E(op, errs.Invalid, errs.Msg("Cần chọn ngày đến kiểm tra."))
	}
	if today := civil.Of(s.now()); req.VisitedOn.After(today) {
		return nil, errs.E(op, errs.Invalid, errs.Msgf("Ngày kiểm tra %s ở sau hôm nay (%s).", req.VisitedOn.Vietnamese(), today.Vietnamese()))
	}
	note := strings.TrimSpace(req.Note)
	if utf8.RuneCountInString(note) > MaxNoteLength || !utf8.ValidString(note) {
		return nil, errs.E(op, errs.Invalid, errs.Msgf("Ghi chú dài tối đa %d ký tự.", MaxNoteLength))
	}
	var line CheckLine
	err := s.inTx(ctx, func(tx bun.Tx) error {
		var check Check
		if err := tx.NewSelect().Model(&check).Where("c.id = ?", req.CheckID).Scan(ctx); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return errs.E(op, errs.NotFound, errs.Msg("Không tìm thấy đợt kiểm tra."))
			}
			return err
		}
		if err := tx.NewSelect().Model(&line).Where("l.check_id = ? AND l.disbursement_id = ?", req.CheckID, req.LineID).Scan(ctx); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return errs.E(op, errs.NotFound, errs.Msg("Dòng này không thuộc mẫu của đợt kiểm tra."))
			}
			return err
		}
		if drawn := civil.Of(check.CreatedAt); req.VisitedOn.Before(drawn) {
			return errs.E(op, errs.Invalid, errs.Msgf("Ngày kiểm tra %s ở trước ngày chọn mẫu (%s).", req.VisitedOn.Vietnamese(), drawn.Vietnamese()))
		}
		before := visitState(&line)
		now := s.now().UTC()
		line.Result, line.VisitedOn, line.Note, line.RecordedBy, line.RecordedAt = &req.Result, &req.VisitedOn, note, &id.Username, &now
		if _, err := tx.NewUpdate().Model(&line).Column("result", "visited_on", "note", "recorded_by", "recorded_at").
			Where("check_id = ? AND disbursement_id = ?", line.CheckID, line.DisbursementID).Exec(ctx); err != nil {
			return err
		}
		return audit.NewStore(tx).Record(ctx, &audit.Event{At: now, Actor: id.Username, Action: "spotcheck.visit",
			Entity: "disbursement", EntityID: strconv.FormatInt(line.DisbursementID, 10), WardID: &check.WardID,
			Before: before, After: visitState(&line), RequestID: logging.RequestID(ctx)})
	})
	if err != nil {
		return nil, errs.E(op, err)
	}
	return &line, nil
}

func visitState(l *CheckLine) []byte {
	if l.Result == nil {
		return audit.JSON(map[string]any{"check": l.CheckID, "result": nil})
	}
	return audit.JSON(map[string]any{"check": l.CheckID, "result": *l.Result, "visitedOn": l.VisitedOn.String(), "note": l.Note})
}

// ChecksQuery lists spot checks, newest first, of some wards (codes; empty: all), at most First.
type ChecksQuery struct {
	Wards []string
	First int
}

// Checks returns spot checks with their lines, newest first.
func (s *Service) Checks(ctx context.Context, q ChecksQuery) ([]*Check, error) {
	const op = "supervision: checks"
	if err := auth.FromContext(ctx).CanSupervise(); err != nil {
		return nil, err
	}
	var checks []*Check
	sel := withDraw(s.db.NewSelect().Model(&checks))
	if len(q.Wards) > 0 {
		ids, err := wardIDs(ctx, s.db, q.Wards)
		if err != nil {
			return nil, errs.E(op, err)
		}
		sel = sel.Where("c.ward_id IN (?)", bun.List(ids))
	}
	if err := sel.OrderExpr("c.id DESC").Limit(int64(q.First)).Scan(ctx); err != nil {
		return nil, errs.E(op, err)
	}
	if err := s.withLines(ctx, checks); err != nil {
		return nil, errs.E(op, err)
	}
	return checks, nil
}

// Check returns one spot check with its lines.
func (s *Service) Check(ctx context.Context, checkID int64) (*Check, error) {
	const op = "supervision: check"
	if err := auth.FromContext(ctx).CanSupervise(); err != nil {
		return nil, err
	}
	var c Check
	if err := withDraw(s.db.NewSelect().Model(&c)).Where("c.id = ?", checkID).Scan(ctx); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errs.E(op, errs.NotFound, errs.Msg("Không tìm thấy đợt kiểm tra."))
		}
		return nil, errs.E(op, err)
	}
	if err := s.withLines(ctx, []*Check{&c}); err != nil {
		return nil, errs.E(op, err)
	}
	return &c, nil
}

// withDraw reads each check with its number among its ward's draws of the day, the bound then in
// force and whether its seed was typed (none for draws made before draws were numbered).
func withDraw(q *bun.SelectQuery) *bun.SelectQuery {
	return q.Column("c.*").ColumnExpr("d.number AS draw_number, d.daily_limit AS draw_limit, d.seed_given AS seed_given").
		Join("LEFT JOIN spot_check_draws AS d ON d.check_id = c.id")
}

func (s *Service) withLines(ctx context.Context, checks []*Check) error {
	if len(checks) == 0 {
		return nil
	}
	ids := make([]int64, len(checks))
	byID := map[int64]*Check{}
	for i, c := range checks {
		ids[i], byID[c.ID] = c.ID, c
	}
	var lines []*CheckLine
	if err := s.db.NewSelect().Model(&lines).Where("l.check_id IN (?)", bun.List(ids)).OrderExpr("l.check_id, l.position").Scan(ctx); err != nil {
		return err
	}
	for _, l := range lines {
		byID[l.CheckID].Lines = append(byID[l.CheckID].Lines, l)
	}
	return nil
}

// Redraw draws the check's sample again from its seed over the ward's paid lines as they are now,
// and reports whether the population and the sample are still those recorded.
func (s *Service) Redraw(ctx context.Context, checkID int64) (samePopulation, sameSample bool, err error) {
	c, err := s.Check(ctx, checkID)
	if err != nil {
		return false, false, err
	}
	q := s.db.NewSelect().Table("disbursements").Column("id").Where("ward_id = ?", c.WardID).Where("status = 'PAID'")
	if c.ProgramID != nil {
		q = q.Where("program_id = ?", *c.ProgramID)
	}
	var population []int64
	if err := q.Scan(ctx, &population); err != nil {
		return false, false, errs.E("supervision: redraw", err)
	}
	again := Sample(c.Seed, population, c.SampleSize)
	drawn := make([]int64, len(c.Lines))
	for i, l := range c.Lines {
		drawn[i] = l.DisbursementID
	}
	return PopulationDigest(population) == c.PopulationDigest, slices.Equal(again, drawn), nil
}

func (s *Service) inTx(ctx context.Context, fn func(tx bun.Tx) error) error {
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return fn(tx) })
}
