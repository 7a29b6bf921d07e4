package intake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"hotro/internal/audit"
	"hotro/internal/db/dbtest"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/intake"
)

// TestStageThenCommit stages a list (nothing reaches the lists), commits it (everything does, in
// one go), and shows that the same file a second time adds nothing.
func TestStageThenCommit(t *testing.T) {
	data := csvOf(hoNgheoHeader,
		[]string{"Nguyễn Văn An", "019085001234", "02/03/1985", "Nam", "4", "Tổ 5", "", "", "hộ nghèo 2019"},
		[]string{"Trần Thị Bình", "019162000011", "01/01/1962", "Nữ", "2", "Tổ 6", "3", "1.500.000", ""},
		[]string{"Lê Văn Cường", "019075000022", "", "", "1", "Tổ 7", "", "", ""},
	)
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			e := newEnv(t, dialect, intake.Options{})
			ctx := e.officer()
			before := e.counts()
			rep, err := e.svc.Stage(ctx, request("HO_NGHEO", "ho-ngheo.csv"), bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Status != intake.Ready || rep.UploadID == 0 || rep.Amount != 5_250_000 || rep.People != 7 || rep.NewRecipients != 3 {
				t.Fatalf("staged report = %+v, want READY with an upload, 5,250,000 VND for 7 people, 3 new recipients", rep)
			}
			staged := e.counts()
			if want := before; staged.Uploads != 1 || func() bool { want.Uploads = 1; return staged != want }() {
				t.Fatalf("staging wrote more than the upload: %+v, before %+v", staged, before)
			}
			kept, err := e.svc.Upload(ctx, rep.UploadID)
			if err != nil || kept.Status != intake.Ready || kept.Amount != rep.Amount {
				t.Fatalf("Upload() = %+v, %v; want the staged report", kept, err)
			}

			done, err := e.svc.Commit(ctx, rep.UploadID)
			if err != nil {
				t.Fatal(err)
			}
			if done.Status != intake.Committed || done.BatchID == 0 || !strings.Contains(done.Message, "Đã nhập 3 dòng") {
				t.Fatalf("commit report = %+v", done)
			}
			after := e.counts()
			wantCounts := counts{Beneficiaries: before.Beneficiaries + 3, Disbursements: before.Disbursements + 3,
				Batches: before.Batches + 1, AuditEvents: before.AuditEvents + 2, Uploads: 1, Version: bump(before.Version)}
			if after != wantCounts {
				t.Errorf("after commit %+v, want %+v", after, wantCounts)
			}
			var lines []*disbursement.Disbursement
			if err := e.db.NewSelect().Model(&lines).Where("batch_id = ?", done.BatchID).OrderExpr("id").Scan(context.Background()); err != nil {
				t.Fatal(err)
			}
			var amounts []int64
			for _, l := range lines {
				amounts = append(amounts, l.Amount)
				if l.Status != disbursement.Listed || l.ListedOn.String() != "2020-05-04" || l.WardID != e.ward.ID {
					t.Errorf("line %+v: want LISTED on 2020-05-04 in the ward", l)
				}
			}
			if !slices.Equal(amounts, []int64{3_000_000, 1_500_000, 750_000}) {
				t.Errorf("amounts = %v", amounts)
			}
			changes := e.obs.all()
			if len(changes) != 3 || changes[0].Before != nil || changes[0].After.Status != disbursement.Listed || changes[0].After.People != 4 {
				t.Errorf("observer told %+v, want three new LISTED lines", changes)
			}
			var events []*audit.Event
			if err := e.db.NewSelect().Model(&events).Where("actor = ?", "canbo.quantrieu").OrderExpr("id").Scan(context.Background()); err != nil {
				t.Fatal(err)
			}
			// One event names the lines of each written chunk (here the only one), one the import.
			if len(events) != 2 || events[0].Action != "disbursement.create" || events[0].EntityID != strconv.FormatInt(done.BatchID, 10) ||
				events[1].Action != "import.commit" || *events[1].WardID != e.ward.ID {
				t.Errorf("audit events = %+v", events)
			}
			var created struct {
				Status string `json:"status"`
				Lines  []struct {
					ID           int64          `json:"id"`
					Amount       int64          `json:"amount"`
					NewRecipient map[string]any `json:"newRecipient"`
				} `json:"lines"`
			}
			if err := json.Unmarshal(events[0].After, &created); err != nil || created.Status != "LISTED" || len(created.Lines) != 3 ||
				created.Lines[0].ID != lines[0].ID || created.Lines[0].NewRecipient["fullName"] != "Nguyễn Văn An" {
				t.Errorf("first event's after = %s (%v)", events[0].After, err)
			}

			t.Run("commit again", func(t *testing.T) {
				_, err := e.svc.Commit(ctx, rep.UploadID)
				if !errs.Is(errs.Conflict, err) || !strings.Contains(errs.Message(err), "đã được nhập") {
					t.Errorf("second commit error = %v, want a conflict saying it is imported", err)
				}
			})
			t.Run("same file again", func(t *testing.T) {
				again, err := e.svc.Stage(ctx, request("HO_NGHEO", "ho-ngheo (1).csv"), bytes.NewReader(data))
				if err != nil {
					t.Fatal(err)
				}
				if again.Status != intake.AlreadyImported || again.CanCommit() || again.UploadID != 0 || !strings.Contains(again.Message, "Không có gì được thêm") {
					t.Errorf("report = %+v, want ALREADY_IMPORTED", again)
				}
				imp, err := e.svc.Import(ctx, request("HO_NGHEO", "ho-ngheo.csv"), bytes.NewReader(data), nil)
				if err != nil || imp.Status != intake.AlreadyImported || imp.BatchID != done.BatchID {
					t.Errorf("Import() = %+v, %v; want ALREADY_IMPORTED naming batch %d", imp, err, done.BatchID)
				}
			})
			t.Run("same rows in another file", func(t *testing.T) {
				resaved := append([]byte("\ufeff"), data...)
				again, err := e.svc.Import(ctx, request("HO_NGHEO", "resaved.csv"), bytes.NewReader(resaved), nil)
				if err != nil {
					t.Fatal(err)
				}
				if again.Status != intake.AlreadyImported || again.Skipped != 3 {
					t.Errorf("report = %+v, want every row skipped", again)
				}
			})
			if got := e.counts(); got != after {
				t.Errorf("importing again wrote: %+v, want %+v", got, after)
			}
		})
	}
}

// TestCommitChecksAgain: between the dry run and the commit another list takes a person; the commit
// finds it, writes nothing, and keeps the upload with the new report.
func TestCommitChecksAgain(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			e := newEnv(t, dialect, intake.Options{})
			list := csvOf([]string{"Họ tên", "CCCD", "Số khẩu"},
				[]string{"Nguyễn Văn An", "019085001234", "4"}, []string{"Trần Văn Bình", "019085001235", "3"})
			rep, err := e.svc.Stage(e.officer(), request("HO_NGHEO", "a.csv"), bytes.NewReader(list))
			if err != nil || !rep.CanCommit() {
				t.Fatalf("stage: %+v, %v", rep, err)
			}
			other := request("HO_NGHEO", "b.csv")
			other.Ward = "05485"
			if r, err := e.svc.Import(e.admin(), other, bytes.NewReader(csvOf([]string{"Họ tên", "CCCD", "Số khẩu"}, []string{"Trần Văn Bình", "019085001235", "3"})), nil); err != nil || r.Status != intake.Committed {
				t.Fatalf("the other ward's import: %+v, %v", r, err)
			}
			before := e.counts()
			done, err := e.svc.Commit(e.officer(), rep.UploadID)
			if err != nil {
				t.Fatal(err)
			}
			if done.Status != intake.HasErrors || !slices.Equal(codesOf(done), []string{"3:" + intake.CodeElsewhere}) {
				t.Errorf("commit report = %s %v, want the row now listed elsewhere (for the city office to reconcile)", done.Status, codesOf(done))
			}
			if got := e.counts(); got != before {
				t.Errorf("a refused commit wrote: %+v, want %+v", got, before)
			}
			kept, err := e.svc.Upload(e.officer(), rep.UploadID)
			if err != nil || kept.Status != intake.HasErrors {
				t.Errorf("kept upload = %+v, %v; want its new report", kept, err)
			}
		})
	}
}

// TestDiscard drops a staged upload; it can be committed no more.
func TestDiscard(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			e := newEnv(t, dialect, intake.Options{})
			rep, err := e.svc.Stage(e.officer(), request("HO_NGHEO", "a.csv"), bytes.NewReader(csvOf([]string{"Họ tên", "CCCD", "Số khẩu"}, []string{"Nguyễn Văn An", "019085001234", "4"})))
			if err != nil {
				t.Fatal(err)
			}
			if err := e.svc.Discard(e.officer(), rep.UploadID); err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.Commit(e.officer(), rep.UploadID); !errs.Is(errs.Conflict, err) {
				t.Errorf("commit after discard: %v, want a conflict", err)
			}
			if _, err := e.svc.Upload(as("leader"), rep.UploadID); !errs.Is(errs.Permission, err) {
				t.Errorf("a leader reading an upload: %v, want refused", err)
			}
		})
	}
}

func bump(v string) string {
	n, _ := strconv.Atoi(v)
	return strconv.Itoa(n + 1)
}
