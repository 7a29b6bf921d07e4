package intake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/intake/sheet"
)

// DefaultChunk is how many rows a pass checks against the database, and writes, at a time.
const DefaultChunk = 1000

// StaleAfter is how long a checked upload waits for its commit before it is dropped.
const StaleAfter = 7 * 24 * time.Hour

// Options tune a Service.
type Options struct {
	// Observer is told of every change to payment lines, inside the transaction (may be nil).
	Observer disbursement.Observer
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Limits bound what one upload may cost (zero fields: sheet.DefaultLimits).
	Limits sheet.Limits
	// ChunkSize is how many rows are checked and written at a time (default DefaultChunk).
	ChunkSize int
	// OnCommit, when set, is called once a commit's transaction has begun and holds its lock.
	OnCommit func()
	// OnWritten, when set, is called after each chunk a commit writes, with the rows written so far
	// (in the open transaction: nothing is visible before the commit ends).
	OnWritten func(rows int)
	// DailyRows bounds the rows a ward officer's uploads may check in a day (default
	// DefaultDailyRows); SuspiciousLookups is how many of them may name people on record outside the
	// officer's wards before the officer is flagged in the audit trail (default
	// DefaultSuspiciousLookups).
	DailyRows         int
	SuspiciousLookups int
	// MaxConcurrent is how many uploads are read at a time (default DefaultMaxConcurrent); one more
	// waits SlotWait (default DefaultSlotWait; negative: not at all) before it is refused as busy.
	MaxConcurrent int
	SlotWait      time.Duration
}

// Service imports ward lists: it checks uploads (the dry run), keeps checked uploads until the
// officer confirms them, and commits them, all or nothing.
type Service struct {
	db    *bun.DB
	opt   Options
	slots chan struct{} // one token per upload being read
}

// NewService returns the import service over db.
func NewService(db *bun.DB, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.ChunkSize <= 0 {
		opt.ChunkSize = DefaultChunk
	}
	if opt.DailyRows <= 0 {
		opt.DailyRows = DefaultDailyRows
	}
	if opt.SuspiciousLookups <= 0 {
		opt.SuspiciousLookups = DefaultSuspiciousLookups
	}
	if opt.MaxConcurrent <= 0 {
		opt.MaxConcurrent = DefaultMaxConcurrent
	}
	if opt.SlotWait == 0 {
		opt.SlotWait = DefaultSlotWait
	}
	return &Service{db: db, opt: opt, slots: make(chan struct{}, opt.MaxConcurrent)}
}

// Limits are what an uploaded list may be (its size, its rows...), defaults filled in.
func (s *Service) Limits() sheet.Limits { return s.opt.Limits.WithDefaults() }

// MaxUploadBytes is the largest request that carries an upload: the largest file the service reads,
// and room for the rest of a multipart request.
func (s *Service) MaxUploadBytes() int64 { return s.Limits().MaxFileSize + 1<<20 }

// Check reads the upload and reports on every row without writing anything (the dry run). onRow,
// when not nil, receives the outcome of every row in order. Errors are for the request itself
// (unknown programme, group or ward; permission; a ward officer's daily bound, TooComplex; a busy
// service, Unavailable); problems with the file are in the report.
func (s *Service) Check(ctx context.Context, req Request, file io.Reader, onRow func(RowResult)) (*Report, error) {
	const op = "intake: check"
	now := s.opt.Now()
	t, err := resolve(ctx, s.db, req, civil.Of(now))
	if err != nil {
		return nil, errs.E(op, err)
	}
	id := auth.FromContext(ctx)
	budget, err := s.budget(ctx, id, civil.Of(now))
	if err != nil {
		return nil, errs.E(op, err)
	}
	release, err := s.slot(ctx)
	if err != nil {
		return nil, errs.E(op, err)
	}
	defer release()
	data, sha, err := s.read(file)
	if err != nil {
		return nil, errs.E(op, err)
	}
	p := newPass(s.db, t, id, now, s.opt)
	p.onRow, p.budget = onRow, budget
	rep, err := p.run(ctx, req.FileName, sha, data)
	if err := s.afterPass(ctx, p, true, err); err != nil {
		return nil, errs.E(op, err)
	}
	return rep, nil
}

// afterPass tallies a pass (see tally) and turns its error, if any, into the caller's.
func (s *Service) afterPass(ctx context.Context, p *pass, count bool, runErr error) error {
	if err := s.tally(ctx, p, count, runErr); err != nil {
		if runErr == nil {
			runErr = err
		}
	}
	if errors.Is(runErr, errDailyBound) {
		return s.dailyBoundError(s.opt.DailyRows - p.budget) // rows checked today before this file
	}
	return runErr
}

// Stage checks the upload like Check and, when it may be committed, keeps it: the report's
// UploadID names it for Commit. Nothing reaches the lists until then.
func (s *Service) Stage(ctx context.Context, req Request, file io.Reader) (*Report, error) {
	const op = "intake: stage"
	now := s.opt.Now()
	t, err := resolve(ctx, s.db, req, civil.Of(now))
	if err != nil {
		return nil, errs.E(op, err)
	}
	id := auth.FromContext(ctx)
	budget, err := s.budget(ctx, id, civil.Of(now))
	if err != nil {
		return nil, errs.E(op, err)
	}
	release, err := s.slot(ctx)
	if err != nil {
		return nil, errs.E(op, err)
	}
	defer release()
	data, sha, err := s.read(file)
	if err != nil {
		return nil, errs.E(op, err)
	}
	p := newPass(s.db, t, id, now, s.opt)
	p.budget = budget
	rep, err := p.run(ctx, req.FileName, sha, data)
	if err := s.afterPass(ctx, p, true, err); err != nil {
		return nil, errs.E(op, err)
	}
	if !rep.CanCommit() {
		return rep, nil
	}
	if err := s.keep(ctx, t, rep, data, id.Username, now); err != nil {
		return nil, errs.E(op, err)
	}
	return rep, nil
}

// Commit writes a staged upload to the lists after checking it again against the data as it now
// stands, in one transaction with the batch, the audit trail, the observer and the data version.
// The report says what was written, or why nothing was (rows that have since gone wrong, or the
// same file committed meanwhile). An upload already committed or discarded is a Conflict.
func (s *Service) Commit(ctx context.Context, uploadID int64) (*Report, error) {
	const op = "intake: commit"
	u, err := s.upload(ctx, s.db, uploadID)
	if err != nil {
		return nil, errs.E(op, err)
	}
	if err := u.pending(); err != nil {
		return nil, errs.E(op, err)
	}
	now := s.opt.Now()
	t, err := targetOf(ctx, s.db, u)
	if err != nil {
		return nil, errs.E(op, err)
	}
	release, err := s.slot(ctx)
	if err != nil {
		return nil, errs.E(op, err)
	}
	defer release()
	rep, p, err := s.commit(ctx, t, u.FileName, u.FileSHA256, u.Content, nil, -1, func(ctx context.Context, tx bun.IDB, rep *Report) error {
		return s.markCommitted(ctx, tx, u.ID, rep, now)
	})
	if err := s.afterPass(ctx, p, false, err); err != nil {
		return nil, errs.E(op, err)
	}
	rep.UploadID = u.ID
	if rep.Status != Committed {
		// Keep the new report for the officer; the upload stays as it was.
		if err := s.saveReport(ctx, u.ID, rep, now); err != nil {
			return nil, errs.E(op, err)
		}
	}
	return rep, nil
}

// Import checks and commits an upload in one go (the command line's --commit).
func (s *Service) Import(ctx context.Context, req Request, file io.Reader, onRow func(RowResult)) (*Report, error) {
	const op = "intake: import"
	now := s.opt.Now()
	t, err := resolve(ctx, s.db, req, civil.Of(now))
	if err != nil {
		return nil, errs.E(op, err)
	}
	budget, err := s.budget(ctx, auth.FromContext(ctx), civil.Of(now))
	if err != nil {
		return nil, errs.E(op, err)
	}
	release, err := s.slot(ctx)
	if err != nil {
		return nil, errs.E(op, err)
	}
	defer release()
	data, sha, err := s.read(file)
	if err != nil {
		return nil, errs.E(op, err)
	}
	rep, p, err := s.commit(ctx, t, req.FileName, sha, data, onRow, budget, nil)
	if err := s.afterPass(ctx, p, true, err); err != nil {
		return nil, errs.E(op, err)
	}
	return rep, nil
}

// errNotCommitted rolls a commit back when its pass found reasons not to write.
var errNotCommitted = errors.New("intake: not committed")

// commit runs a writing pass in one transaction, holding the programme's import lock, and rolls it
// back unless the pass committed. then, if not nil, runs in the transaction after the pass. budget
// bounds the rows it looks up (negative: no bound). It returns the pass, for its tally.
func (s *Service) commit(ctx context.Context, t *Target, fileName, sha string, data []byte, onRow func(RowResult), budget int,
	then func(context.Context, bun.IDB, *Report) error) (*Report, *pass, error) {
	var rep *Report
	var p *pass
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if tx.Dialect().Name() == dialect.PG {
			// One import of a programme at a time, so that two lists cannot both take the same person.
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(4207, ?)", t.Program.ID); err != nil {
				return err
			}
			if err := disbursement.GenericPlans(ctx, tx); err != nil {
				return err
			}
		}
		if s.opt.OnCommit != nil {
			s.opt.OnCommit()
		}
		now := s.opt.Now()
		p = newPass(tx, t, auth.FromContext(ctx), now, s.opt)
		p.commit, p.onRow, p.budget = true, onRow, budget
		var err error
		if rep, err = p.run(ctx, fileName, sha, data); err != nil {
			return err
		}
		if rep.Status != Committed {
			return errNotCommitted
		}
		if then != nil {
			return then(ctx, tx, rep)
		}
		return nil
	})
	if errors.Is(err, errNotCommitted) {
		if rep.Status != AlreadyImported {
			rep.BatchID = 0 // rolled back
		}
		return rep, p, nil
	}
	if err != nil {
		return nil, p, err
	}
	return rep, p, nil
}

// read reads the upload up to one byte past the size limit (package sheet refuses it then) and
// hashes it.
func (s *Service) read(file io.Reader) ([]byte, string, error) {
	limit := s.opt.Limits.MaxFileSize
	if limit <= 0 {
		limit = sheet.DefaultLimits().MaxFileSize
	}
	data, err := io.ReadAll(io.LimitReader(file, limit+1))
	if err != nil {
		return nil, "", fmt.Errorf("intake: read upload: %w", err)
	}
	sum := sha256.Sum256(data)
	return data, hex.EncodeToString(sum[:]), nil
}
