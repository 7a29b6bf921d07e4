package intake_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/xuri/excelize/v2"

	"hotro/internal/adminunit"
	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/db"
	"hotro/internal/disbursement"
	"hotro/internal/intake"
	"hotro/internal/seed/seedtest"
)

// testNow is the clock of the tests: a morning of the first round of Resolution 42.
var testNow = time.Date(2020, 5, 4, 9, 0, 0, 0, civil.Location)

// env is a reference database with the import service over it.
type env struct {
	t    testing.TB
	db   *bun.DB
	svc  *intake.Service
	obs  *recorder
	ward *adminunit.Unit // Phường Quán Triều, 05431
}

func newEnv(t testing.TB, dialect db.Dialect, opt intake.Options) *env {
	t.Helper()
	d := seedtest.Reference(t, dialect)
	obs := &recorder{}
	opt.Observer, opt.Now = obs, func() time.Time { return testNow }
	e := &env{t: t, db: d, svc: intake.NewService(d, opt), obs: obs}
	on := civil.Of(testNow)
	u, err := adminunit.NewStore(d).Get(context.Background(), adminunit.Commune, "05431", &on)
	if err != nil {
		t.Fatal(err)
	}
	e.ward = u
	return e
}

// officer is the context of the ward officer of Quán Triều.
func (e *env) officer() context.Context {
	return auth.WithIdentity(context.Background(), &auth.Identity{UserID: 4, Username: "canbo.quantrieu",
		Role: auth.WardOfficer, WardIDs: []int64{e.ward.ID}, WardCodes: []string{"05431"}})
}

func (e *env) admin() context.Context {
	return auth.WithIdentity(context.Background(), &auth.Identity{UserID: 1, Username: "quantri", Role: auth.Admin})
}

func as(role auth.Role) context.Context {
	return auth.WithIdentity(context.Background(), &auth.Identity{UserID: 9, Username: string(role), Role: role})
}

func request(group, fileName string) intake.Request {
	return intake.Request{Program: "NQ42-2020", Group: group, Ward: "05431", FileName: fileName}
}

// counts are the rows of the tables an import writes, and the data version.
type counts struct {
	Beneficiaries, Disbursements, Batches, AuditEvents, Uploads int
	Version                                                     string
}

func (e *env) counts() counts {
	e.t.Helper()
	ctx := context.Background()
	var c counts
	for table, p := range map[string]*int{"beneficiaries": &c.Beneficiaries, "disbursements": &c.Disbursements,
		"import_batches": &c.Batches, "audit_events": &c.AuditEvents, "import_uploads": &c.Uploads} {
		n, err := e.db.NewSelect().Table(table).Count(ctx)
		if err != nil {
			e.t.Fatal(err)
		}
		*p = int(n)
	}
	if err := e.db.NewSelect().Table("dataset_info").Column("value").Where("key = 'data_version'").Scan(ctx, &c.Version); err != nil {
		e.t.Fatal(err)
	}
	return c
}

// csvOf writes rows as CSV text.
func csvOf(rows ...[]string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.WriteAll(rows)
	return b.Bytes()
}

// xlsxOf writes rows to the first sheet of a workbook; edit may change it further.
func xlsxOf(t testing.TB, rows [][]any, edit func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if edit != nil {
		edit(f)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The header of a poor-household list as the template writes it.
var hoNgheoHeader = []string{"Họ và tên", "Số CCCD/CMND", "Ngày sinh", "Giới tính", "Số nhân khẩu", "Địa chỉ", "Số tháng hưởng", "Số tiền (đồng)", "Ghi chú"}

// recorder is an Observer that keeps the changes it is told of.
type recorder struct {
	mu      sync.Mutex
	changes []disbursement.Change
}

func (r *recorder) LinesChanged(ctx context.Context, tx bun.IDB, changes []disbursement.Change) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.changes = append(r.changes, changes...)
	return nil
}

func (r *recorder) all() []disbursement.Change {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]disbursement.Change(nil), r.changes...)
}

// codesOf lists the issue codes of a report, row by row: "3:invalid_id".
func codesOf(rep *intake.Report) []string {
	var out []string
	for _, i := range rep.Issues {
		out = append(out, strconv.Itoa(i.Row)+":"+i.Code)
	}
	return out
}
