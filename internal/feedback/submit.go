package feedback

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"hotro/internal/adminunit"
	"hotro/internal/audit"
	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/logging"
)

// Bounds on what one report may hold and how many one address may send. A ward's residents send a
// few reports a day; an address sending more is a script.
const (
	MaxBodyRunes  = 2000
	MaxNameRunes  = 100
	MaxPlaceRunes = 200
	// PerHour and PerDay bound the reports one address (an IPv6 /64) may send.
	PerHour = 5
	PerDay  = 20
)

// Input is a report as a resident sends it.
type Input struct {
	Ward   string // the ward's official code
	Kind   Kind
	Reason Reason // for a line: one of LineReasons; for a missing person, MissingPerson (or empty)
	LineID int64  // the posted line reported (kind LINE)
	// The person missing from the list (kind MISSING): name, group code (optional), where they live.
	MissingName, MissingGroup, MissingPlace string
	Body                                    string // what is wrong, in the resident's words
	ContactPhone                            string // optional, for the ward to call back
	// Website is the honeypot: a field people do not see and robots fill in.
	Website string
}

// Receipt is what the sender gets back: the tracking code and the deadline.
type Receipt struct {
	Code     string
	WardName string
	DueOn    civil.Date
}

// Submit records a report from anyone, signed in or not. Errors: Invalid for a report out of
// bounds (the message says which field and why), for a line not on the ward's posted list, or for a
// ward with no list posted; TooComplex when the sender's address has sent too many reports.
func (s *Service) Submit(ctx context.Context, in Input) (*Receipt, error) {
	const op = "feedback: submit"
	in, err := normalize(in)
	if err != nil {
		return nil, errs.E(op, err)
	}
	now := s.opt.Now()
	today := civil.Of(now)
	sender := senderKey(auth.ClientAddr(ctx))
	var out *Receipt
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if tx.Dialect().Name() == dialect.PG {
			// Reports from one address are counted one at a time, so that a burst sent at once is
			// bounded as strictly as one sent in turn (SQLite's writers already take turns).
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtext(?))", "feedback:"+sender); err != nil {
				return err
			}
		}
		if err := checkRate(ctx, tx, sender, now.Unix()); err != nil {
			return err
		}
		ward, postedOn, err := s.target(ctx, tx, &in)
		if err != nil {
			return err
		}
		due := postedOn.AddDays(s.opt.PostingDays)
		if due.Before(today) {
			due = today
		}
		due = due.AddDays(s.opt.AnswerDays)
		r := &Report{WardID: ward.ID, Kind: in.Kind, Reason: in.Reason, MissingName: in.MissingName,
			MissingPlace: in.MissingPlace, Body: in.Body, ContactPhone: in.ContactPhone, SenderKey: sender,
			ReceivedAt: now.UTC(), ReceivedUnix: now.Unix(), DueOn: due, Status: Open}
		if in.Kind == AboutLine {
			r.LineID = &in.LineID
		}
		if in.MissingGroup != "" {
			var gid int64
			if err := tx.NewSelect().Table("beneficiary_groups").Column("id").Where("code = ?", in.MissingGroup).
				OrderExpr("id").Limit(1).Scan(ctx, &gid); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					return errs.E(op, errs.Invalid, errs.Msgf("Không có nhóm đối tượng %q.", in.MissingGroup))
				}
				return err
			}
			r.MissingGroupID = &gid
		}
		for range 5 {
			r.Code = newCode()
			n, err := tx.NewSelect().Model((*Report)(nil)).Where("code = ?", r.Code).Count(ctx)
			if err != nil {
				return err
			}
			if n == 0 {
				break
			}
		}
		if _, err := tx.NewInsert().Model(r).Exec(ctx); err != nil {
			return err
		}
		wardID := ward.ID
		// The audit trail says what arrived and when, not who sent it nor their phone.
		if err := audit.NewStore(tx).Record(ctx, &audit.Event{At: now, Actor: actorOf(ctx), Action: "feedback.submit",
			Entity: "feedback", EntityID: r.Code, WardID: &wardID, RequestID: logging.RequestID(ctx),
			After: audit.JSON(map[string]any{"kind": r.Kind, "reason": r.Reason, "line": r.LineID, "dueOn": r.DueOn.String()})}); err != nil {
			return err
		}
		out = &Receipt{Code: r.Code, WardName: ward.Name, DueOn: due}
		return nil
	})
	if err != nil {
		return nil, errs.E(op, err)
	}
	return out, nil
}

// actorOf names who acted in the audit trail: the account, or "khách" for a visitor.
func actorOf(ctx context.Context) string {
	if id := auth.FromContext(ctx); id.SignedIn() {
		return id.Username
	}
	return "khách"
}

// target finds the ward and the posting date the report is about: the line's, or for a missing
// person the ward's latest posting of lines still posted.
func (s *Service) target(ctx context.Context, tx bun.IDB, in *Input) (*adminunit.Unit, civil.Date, error) {
	const op = "feedback: submit"
	notPosted := errs.E(op, errs.Invalid, errs.Msg("Phường/xã này hiện không có danh sách đang niêm yết để phản ánh."))
	units, err := adminunit.NewStore(tx).List(ctx, adminunit.Filter{Level: adminunit.Commune, Codes: []string{in.Ward}})
	if err != nil {
		return nil, civil.Date{}, err
	}
	if len(units) == 0 {
		return nil, civil.Date{}, errs.E(op, errs.NotFound, errs.Msgf("Không có phường/xã mã %q.", in.Ward))
	}
	ids := make([]int64, len(units))
	for i, u := range units {
		ids[i] = u.ID
	}
	if in.Kind == AboutLine {
		var line disbursement.Disbursement
		err := tx.NewSelect().Model(&line).Where("d.id = ?", in.LineID).Where("d.ward_id IN (?)", bun.List(ids)).
			Where("d.status = ?", disbursement.Posted).Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && line.PostedOn == nil) {
			return nil, civil.Date{}, errs.E(op, errs.Invalid, errs.Msg("Dòng này không có trong danh sách đang niêm yết của phường/xã."))
		}
		if err != nil {
			return nil, civil.Date{}, err
		}
		return units[slices.IndexFunc(units, func(u *adminunit.Unit) bool { return u.ID == line.WardID })], *line.PostedOn, nil
	}
	var latest []struct {
		WardID   int64      `bun:"ward_id"`
		PostedOn civil.Date `bun:"posted_on"`
	}
	if err := tx.NewSelect().TableExpr("disbursements AS d").ColumnExpr("d.ward_id, d.posted_on").
		Where("d.ward_id IN (?)", bun.List(ids)).Where("d.status = ?", disbursement.Posted).Where("d.posted_on IS NOT NULL").
		OrderExpr("d.posted_on DESC").Limit(1).Scan(ctx, &latest); err != nil {
		return nil, civil.Date{}, err
	}
	if len(latest) == 0 {
		return nil, civil.Date{}, notPosted
	}
	return units[slices.IndexFunc(units, func(u *adminunit.Unit) bool { return u.ID == latest[0].WardID })], latest[0].PostedOn, nil
}

// checkRate refuses a sender past PerHour reports in the last hour or PerDay in the last day.
func checkRate(ctx context.Context, tx bun.IDB, sender string, now int64) error {
	var counts []struct {
		Hour int `bun:"hour"`
		Day  int `bun:"day"`
	}
	if err := tx.NewSelect().Model((*Report)(nil)).
		ColumnExpr("COALESCE(SUM(CASE WHEN f.received_unix > ? THEN 1 ELSE 0 END), 0) AS hour", now-3600).
		ColumnExpr("COUNT(*) AS day").
		Where("f.sender_key = ?", sender).Where("f.received_unix > ?", now-86400).Scan(ctx, &counts); err != nil {
		return err
	}
	if len(counts) == 1 && (counts[0].Hour >= PerHour || counts[0].Day >= PerDay) {
		return errs.E("feedback: rate", errs.TooComplex,
			errs.Msg("Bạn đã gửi nhiều phản ánh trong thời gian ngắn. Vui lòng thử lại sau, hoặc liên hệ trực tiếp Ủy ban nhân dân phường/xã."))
	}
	return nil
}

// senderKey is what is kept of the sender's address: a hash, of the /64 for IPv6 (one subscriber's
// network), so that reports are counted per sender without storing where they came from.
func senderKey(addr string) string {
	if a, err := netip.ParseAddr(addr); err == nil {
		a = a.Unmap()
		if a.Is6() {
			p, _ := a.Prefix(64)
			addr = p.String()
		} else {
			addr = a.String()
		}
	}
	sum := sha256.Sum256([]byte("hotro feedback sender\x00" + addr))
	return hex.EncodeToString(sum[:16])
}

// codeAlphabet leaves out letters read as digits (I, L, O) and 0, 1: a code is read over the phone.
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// newCode returns a tracking code: ten random characters, shown as XXXXX-XXXXX (about 50 bits).
func newCode() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b[:5]) + "-" + string(b[5:])
}

// NormalizeCode reads a code as a person types it: any case, with or without the dash or spaces.
// It returns "" when it cannot be a code.
func NormalizeCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r == '-' || unicode.IsSpace(r) {
			continue
		}
		if !strings.ContainsRune(codeAlphabet, r) {
			return ""
		}
		b.WriteRune(r)
	}
	c := b.String()
	if len(c) != 10 {
		return ""
	}
	return c[:5] + "-" + c[5:]
}

func invalid(msg string) error { return errs.E("feedback: submit", errs.Invalid, errs.Msg(msg)) }

// normalize trims the report, checks its bounds and its kind, and keeps its text as plain text:
// control characters go (line breaks stay), nothing in it is ever read as markup or a link.
func normalize(in Input) (Input, error) {
	if strings.TrimSpace(in.Website) != "" {
		return in, invalid("Không gửi được phản ánh.")
	}
	in.Ward = strings.TrimSpace(in.Ward)
	if in.Ward == "" || len(in.Ward) > 10 {
		return in, invalid("Thiếu mã phường/xã.")
	}
	var err error
	if in.Body, err = text(in.Body, MaxBodyRunes, true, "Nội dung phản ánh"); err != nil {
		return in, err
	}
	if in.Body == "" {
		return in, invalid("Hãy viết nội dung phản ánh.")
	}
	if in.MissingName, err = text(in.MissingName, MaxNameRunes, false, "Họ tên người bị bỏ sót"); err != nil {
		return in, err
	}
	if in.MissingPlace, err = text(in.MissingPlace, MaxPlaceRunes, false, "Nơi ở của người bị bỏ sót"); err != nil {
		return in, err
	}
	in.MissingGroup = strings.ToUpper(strings.TrimSpace(in.MissingGroup))
	if len(in.MissingGroup) > 40 {
		return in, invalid("Mã nhóm đối tượng không hợp lệ.")
	}
	if in.ContactPhone, err = phone(in.ContactPhone); err != nil {
		return in, err
	}
	switch in.Kind {
	case AboutLine:
		if in.LineID <= 0 {
			return in, invalid("Hãy chọn dòng cần phản ánh trong danh sách.")
		}
		if !slices.Contains(LineReasons, in.Reason) {
			return in, invalid("Hãy chọn lý do: không đủ điều kiện, sai số tiền, sai số nhân khẩu, hoặc lý do khác.")
		}
		in.MissingName, in.MissingGroup, in.MissingPlace = "", "", ""
	case AboutMissing:
		if in.Reason != "" && in.Reason != MissingPerson {
			return in, invalid("Phản ánh người bị bỏ sót không kèm lý do khác.")
		}
		in.Reason = MissingPerson
		in.LineID = 0
		if in.MissingName == "" {
			return in, invalid("Hãy ghi họ tên người bị bỏ sót.")
		}
		if in.MissingPlace == "" {
			return in, invalid("Hãy ghi nơi ở (tổ, xóm) của người bị bỏ sót.")
		}
	default:
		return in, invalid("Hãy chọn phản ánh về một dòng trong danh sách hoặc về người bị bỏ sót.")
	}
	return in, nil
}

// text trims s, refuses it past max characters, and drops control characters (keeping line breaks
// where multiline).
func text(s string, max int, multiline bool, field string) (string, error) {
	if !utf8.ValidString(s) {
		return "", invalid(field + " không phải văn bản hợp lệ.")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' && multiline:
			b.WriteRune(r)
		case r == '\n' || r == '\t' || r == '\r':
			b.WriteRune(' ')
		case unicode.IsControl(r) || r == '\u200b' || r == '\u202e' || r == '\u202d':
			// invisible or direction-flipping characters hide what a text says
		default:
			b.WriteRune(r)
		}
	}
	s = strings.TrimSpace(b.String())
	if n := utf8.RuneCountInString(s); n > max {
		return "", invalid(field + " dài quá " + strconv.Itoa(max) + " ký tự (" + strconv.Itoa(n) + ").")
	}
	return s, nil
}

// phone reads an optional Vietnamese phone number: 0 and 9 or 10 digits, or +84 for the 0; spaces,
// dots and dashes between digits are allowed.
func phone(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if len(s) > 20 {
		return "", invalid("Số điện thoại không hợp lệ.")
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '-':
		default:
			return "", invalid("Số điện thoại chỉ gồm chữ số.")
		}
	}
	p := b.String()
	if strings.HasPrefix(p, "+84") {
		p = "0" + p[3:]
	}
	if len(p) < 10 || len(p) > 11 || p[0] != '0' || strings.Contains(p, "+") {
		return "", invalid("Số điện thoại không hợp lệ (10 chữ số, bắt đầu bằng 0).")
	}
	return p, nil
}
