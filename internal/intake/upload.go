package intake

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/adminunit"
	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/errs"
	"hotro/internal/fund"
	"hotro/internal/program"
)

// The states of a kept upload.
const (
	stateChecked   = "CHECKED"
	stateCommitted = "COMMITTED"
	stateDiscarded = "DISCARDED"
)

// upload is a checked file waiting for its commit (import_uploads).
type upload struct {
	bun.BaseModel `bun:"table:import_uploads,alias:iu"`

	ID         int64      `bun:"id,pk,autoincrement"`
	ProgramID  int64      `bun:"program_id,notnull"`
	GroupID    int64      `bun:"group_id,notnull"`
	WardID     int64      `bun:"ward_id,notnull"`
	FundID     int64      `bun:"fund_id,notnull"`
	ListedOn   civil.Date `bun:"listed_on,notnull"`
	FileName   string     `bun:"file_name,notnull"`
	FileSHA256 string     `bun:"file_sha256,notnull"`
	FileSize   int64      `bun:"file_size,notnull"`
	Content    []byte     `bun:"content"`
	State      string     `bun:"state,notnull"`
	Report     string     `bun:"report,notnull"`
	BatchID    *int64     `bun:"batch_id"`
	CreatedBy  string     `bun:"created_by,notnull"`
	CreatedAt  time.Time  `bun:"created_at,notnull"`
	UpdatedAt  time.Time  `bun:"updated_at,notnull"`
}

// pending refuses an upload that no longer waits for its commit.
func (u *upload) pending() error {
	const op = "intake: upload"
	switch u.State {
	case stateCommitted:
		return errs.E(op, errs.Conflict, errs.Msgf("Tệp %q đã được nhập vào danh sách (lô số %d). Không có gì được thêm.", u.FileName, deref(u.BatchID)))
	case stateDiscarded:
		return errs.E(op, errs.Conflict, errs.Msgf("Lần tải lên tệp %q đã bị huỷ; hãy tải tệp lên lại.", u.FileName))
	}
	return nil
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// keep stores a checked upload and its report, and drops uploads left unconfirmed for StaleAfter.
func (s *Service) keep(ctx context.Context, t *Target, rep *Report, data []byte, actor string, now time.Time) error {
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDelete().Model((*upload)(nil)).Where("state <> ?", stateCommitted).
			Where("created_at < ?", now.Add(-StaleAfter).UTC()).Exec(ctx); err != nil {
			return err
		}
		u := &upload{ProgramID: t.Program.ID, GroupID: t.Group.ID, WardID: t.Ward.ID, FundID: t.Fund.ID,
			ListedOn: t.ListedOn, FileName: rep.FileName, FileSHA256: rep.SHA256, FileSize: int64(len(data)),
			Content: data, State: stateChecked, Report: "{}", CreatedBy: actor, CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
		if _, err := tx.NewInsert().Model(u).Returning("id").Exec(ctx); err != nil {
			return err
		}
		rep.UploadID = u.ID
		body, err := json.Marshal(rep)
		if err != nil {
			return err
		}
		_, err = tx.NewUpdate().Model((*upload)(nil)).Set("report = ?", string(body)).Where("id = ?", u.ID).Exec(ctx)
		return err
	})
}

// upload reads a kept upload the caller may see: admins, and the officers of its ward. For a ward
// officer, another ward's upload is out of scope whether it exists or not.
func (s *Service) upload(ctx context.Context, db bun.IDB, id int64) (*upload, error) {
	const op = "intake: upload"
	caller := auth.FromContext(ctx)
	u := new(upload)
	err := db.NewSelect().Model(u).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		if caller.WardScoped() {
			return nil, auth.OutOfScope()
		}
		if err := CanImport(caller, 0); err != nil {
			return nil, err
		}
		return nil, errs.E(op, errs.NotFound, errs.Msgf("Không tìm thấy lần tải lên %d.", id))
	}
	if err != nil {
		return nil, errs.E(op, err)
	}
	if err := CanImport(caller, u.WardID); err != nil {
		return nil, err
	}
	return u, nil
}

// Upload returns the report of a kept upload.
func (s *Service) Upload(ctx context.Context, id int64) (*Report, error) {
	u, err := s.upload(ctx, s.db, id)
	if err != nil {
		return nil, errs.E("intake: upload", err)
	}
	return u.report()
}

func (u *upload) report() (*Report, error) {
	var rep Report
	if err := json.Unmarshal([]byte(u.Report), &rep); err != nil {
		return nil, errs.E("intake: upload report", errs.Internal, err)
	}
	rep.UploadID = u.ID
	rep.ListedOn = u.ListedOn
	switch u.State {
	case stateDiscarded:
		rep.Status = Discarded
	case stateCommitted:
		rep.Status = Committed
	}
	return &rep, nil
}

// Discard drops a kept upload that was not committed.
func (s *Service) Discard(ctx context.Context, id int64) error {
	const op = "intake: discard"
	u, err := s.upload(ctx, s.db, id)
	if err != nil {
		return errs.E(op, err)
	}
	if err := u.pending(); err != nil {
		return errs.E(op, err)
	}
	_, err = s.db.NewUpdate().Model((*upload)(nil)).Set("state = ?", stateDiscarded).Set("content = NULL").
		Set("updated_at = ?", s.opt.Now().UTC()).Where("id = ?", id).Where("state = ?", stateChecked).Exec(ctx)
	if err != nil {
		return errs.E(op, err)
	}
	return nil
}

// Recheck checks a kept upload again against the data as it now stands, without writing, giving
// every row's outcome to onRow (the full report of a large file, as CSV).
func (s *Service) Recheck(ctx context.Context, id int64, onRow func(RowResult)) (*Report, error) {
	const op = "intake: recheck"
	u, err := s.upload(ctx, s.db, id)
	if err != nil {
		return nil, errs.E(op, err)
	}
	if err := u.pending(); err != nil {
		return nil, errs.E(op, err)
	}
	t, err := targetOf(ctx, s.db, u)
	if err != nil {
		return nil, errs.E(op, err)
	}
	release, err := s.slot(ctx)
	if err != nil {
		return nil, errs.E(op, err)
	}
	defer release()
	p := newPass(s.db, t, auth.FromContext(ctx), s.opt.Now(), s.opt)
	p.onRow = onRow
	rep, err := p.run(ctx, u.FileName, u.FileSHA256, u.Content)
	if err := s.afterPass(ctx, p, false, err); err != nil {
		return nil, errs.E(op, err)
	}
	rep.UploadID = u.ID
	return rep, nil
}

// markCommitted records, in the commit's transaction, that the upload is written.
func (s *Service) markCommitted(ctx context.Context, tx bun.IDB, id int64, rep *Report, now time.Time) error {
	rep.UploadID = id
	body, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	res, err := tx.NewUpdate().Model((*upload)(nil)).Set("state = ?", stateCommitted).Set("content = NULL").
		Set("batch_id = ?", rep.BatchID).Set("report = ?", string(body)).Set("updated_at = ?", now.UTC()).
		Where("id = ?", id).Where("state = ?", stateChecked).Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E("intake: commit", errs.Conflict, errs.Msg("Lần tải lên này vừa được xác nhận hoặc huỷ ở nơi khác."))
	}
	return nil
}

// saveReport keeps the latest report of a kept upload.
func (s *Service) saveReport(ctx context.Context, id int64, rep *Report, now time.Time) error {
	body, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	_, err = s.db.NewUpdate().Model((*upload)(nil)).Set("report = ?", string(body)).Set("updated_at = ?", now.UTC()).
		Where("id = ?", id).Exec(ctx)
	return err
}

// targetOf rebuilds the target of a kept upload.
func targetOf(ctx context.Context, db bun.IDB, u *upload) (*Target, error) {
	const op = "intake: target"
	progs, err := program.NewStore(db).ProgramsByIDs(ctx, []int64{u.ProgramID})
	if err != nil {
		return nil, errs.E(op, err)
	}
	t := &Target{Program: progs[u.ProgramID], ListedOn: u.ListedOn, Groups: map[int64]*program.Group{}}
	if t.Program == nil {
		return nil, errs.E(op, errs.Internal, fmt.Errorf("programme %d of upload %d is gone", u.ProgramID, u.ID))
	}
	groups, err := program.NewStore(db).Groups(ctx, t.Program.Code)
	if err != nil {
		return nil, errs.E(op, err)
	}
	for _, g := range groups {
		t.Groups[g.ID] = g
	}
	t.Group = t.Groups[u.GroupID]
	funds, err := fund.NewStore(db).ByIDs(ctx, []int64{u.FundID})
	if err != nil {
		return nil, errs.E(op, err)
	}
	t.Fund = funds[u.FundID]
	units, err := adminunit.NewStore(db).ByIDs(ctx, []int64{u.WardID})
	if err != nil {
		return nil, errs.E(op, err)
	}
	t.Ward = units[u.WardID]
	if t.Group == nil || t.Fund == nil || t.Ward == nil {
		return nil, errs.E(op, errs.Internal, fmt.Errorf("upload %d names a group, fund or ward that is gone", u.ID))
	}
	return t, nil
}
