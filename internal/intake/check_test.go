package intake_test

import (
	"bytes"
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"hotro/internal/auth"
	"hotro/internal/db/dbtest"
	"hotro/internal/errs"
	"hotro/internal/intake"
)

// TestCheckReportsEveryRow runs one poor-household list with a row for each rule through the dry
// run: each row comes out accepted, with warnings or with errors, at its row and column, in
// Vietnamese, and nothing is written.
func TestCheckReportsEveryRow(t *testing.T) {
	type want struct {
		outcome intake.Outcome
		codes   []string
	}
	rows := []struct {
		name  string
		cells []string
		want  want
	}{
		{"valid household of 4", []string{"Nguyễn Văn An", "019085001234", "02/03/1985", "Nam", "4", "Tổ 5", "3", "3.000.000", ""}, want{intake.Accepted, nil}},
		{"amount left to the rule", []string{"Trần Thị Bình", "019162000011", "01/01/1962", "Nữ", "2", "Tổ 6", "", "", ""}, want{intake.Accepted, nil}},
		{"missing name", []string{"", "019085001235", "", "", "3", "", "", "", ""}, want{intake.Rejected, []string{intake.CodeMissingName}}},
		{"invalid ID", []string{"Lê Văn Cường", "12345", "", "", "3", "", "", "", ""}, want{intake.Rejected, []string{intake.CodeInvalidID}}},
		{"ID that lost its leading zero", []string{"Phạm Văn Dũng", "19085001236", "", "", "1", "", "", "", ""}, want{intake.Warned, []string{intake.CodeIDRepaired}}},
		{"amount above the rule", []string{"Hoàng Văn Em", "019085001237", "", "", "2", "", "3", "2.000.000", ""}, want{intake.Rejected, []string{intake.CodeAmountAboveRule}}},
		{"amount below the rule", []string{"Đỗ Thị Gấm", "019185001238", "", "", "2", "", "3", "1.000.000", ""}, want{intake.Warned, []string{intake.CodeAmountBelowRule}}},
		{"duplicate in the file", []string{"Nguyễn Văn An", "019085001234", "02/03/1985", "Nam", "4", "Tổ 5", "3", "", ""}, want{intake.Rejected, []string{intake.CodeDuplicateInFile}}},
		{"near duplicate without diacritics", []string{"Nguyen Van An", "019085009999", "02/03/1985", "", "4", "", "", "", ""}, want{intake.Warned, []string{intake.CodeNearDuplicate}}},
		{"household size missing", []string{"Vũ Văn Hải", "019085001239", "", "", "", "", "", "", ""}, want{intake.Rejected, []string{intake.CodeBadMembers}}},
		{"more months than the group grants", []string{"Bùi Văn Inh", "019085001240", "", "", "1", "", "4", "", ""}, want{intake.Rejected, []string{intake.CodeBadMonths}}},
		{"birth year disagrees with the CCCD", []string{"Mai Văn Khoa", "019085001241", "02/03/1990", "", "1", "", "", "", ""}, want{intake.Rejected, []string{intake.CodeIDMismatch}}},
		{"date as an Excel serial", []string{"Lý Văn Long", "019085001242", "31108", "Nam", "1", "", "", "", ""}, want{intake.Accepted, nil}},
		{"date that does not exist", []string{"Tạ Văn Minh", "019085001243", "31/02/1985", "", "1", "", "", "", ""}, want{intake.Rejected, []string{"bad_date"}}},
		{"amount that is not a number", []string{"Kiều Văn Nam", "019085001244", "", "", "1", "", "", "ba triệu", ""}, want{intake.Rejected, []string{"bad_money"}}},
		{"gender that is neither", []string{"Hà Văn Oanh", "019085001245", "", "X", "1", "", "", "", ""}, want{intake.Rejected, []string{intake.CodeBadGender}}},
	}
	file := [][]string{hoNgheoHeader}
	for _, r := range rows {
		file = append(file, r.cells)
	}
	data := csvOf(file...)
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			e := newEnv(t, dialect, intake.Options{})
			before := e.counts()
			var seen []intake.RowResult
			rep, err := e.svc.Check(e.officer(), request("HO_NGHEO", "ds.csv"), bytes.NewReader(data), func(r intake.RowResult) { seen = append(seen, r) })
			if err != nil {
				t.Fatal(err)
			}
			if len(seen) != len(rows) {
				t.Fatalf("got %d row results, want %d", len(seen), len(rows))
			}
			for i, r := range rows {
				t.Run(r.name, func(t *testing.T) {
					got := seen[i]
					if got.Row != i+2 {
						t.Errorf("row = %d, want %d", got.Row, i+2)
					}
					var codes []string
					for _, is := range got.Issues {
						codes = append(codes, is.Code)
						if is.Row != got.Row || is.Column == "" || !vietnamese(is.Message) {
							t.Errorf("issue %+v: want row %d, a column and a Vietnamese message", is, got.Row)
						}
					}
					if got.Outcome != r.want.outcome || !reflect.DeepEqual(codes, r.want.codes) {
						t.Errorf("outcome %s %v, want %s %v (%+v)", got.Outcome, codes, r.want.outcome, r.want.codes, got.Issues)
					}
				})
			}
			if rep.Status != intake.HasErrors || rep.CanCommit() {
				t.Errorf("status = %s, want HAS_ERRORS", rep.Status)
			}
			if rep.Rows != len(rows) || rep.Accepted != 3 || rep.Warned != 3 || rep.Rejected != 10 {
				t.Errorf("rows %d accepted %d warned %d rejected %d, want 16 3 3 10", rep.Rows, rep.Accepted, rep.Warned, rep.Rejected)
			}
			if !strings.Contains(rep.Message, "chưa nhập") {
				t.Errorf("message %q should say nothing was imported", rep.Message)
			}
			if got := e.counts(); got != before {
				t.Errorf("a dry run wrote: %+v, want %+v", got, before)
			}
		})
	}
}

// TestCheckAmounts follows the amount of a row through the rule of each kind of group.
func TestCheckAmounts(t *testing.T) {
	tests := []struct {
		name       string
		group      string
		header     []string
		cells      []string
		wantAmount int64
		wantPeople int
		wantCodes  []string
	}{
		{"poor household: 250,000 × members × 3", "HO_NGHEO", []string{"Họ tên", "CCCD", "Số khẩu"}, []string{"Nguyễn Văn An", "019085001234", "4"}, 3_000_000, 4, nil},
		{"poor household, two months", "HO_NGHEO", []string{"Họ tên", "CCCD", "Số khẩu", "Số tháng"}, []string{"Nguyễn Văn An", "019085001234", "4", "2"}, 2_000_000, 4, nil},
		{"meritorious person: 500,000 × 3", "NGUOI_CO_CONG", []string{"Họ tên", "CCCD"}, []string{"Nguyễn Văn An", "019085001234"}, 1_500_000, 1, nil},
		{"per-person group ignores the household size", "NGUOI_CO_CONG", []string{"Họ tên", "CCCD", "Số nhân khẩu"}, []string{"Nguyễn Văn An", "019085001234", "3"}, 1_500_000, 1, []string{intake.CodeMembersIgnored}},
		{"household business: 1,000,000 × 3 per household", "HO_KINH_DOANH", []string{"Họ tên", "CCCD", "Nhân khẩu"}, []string{"Nguyễn Văn An", "019085001234", "5"}, 3_000_000, 5, nil},
	}
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			e := newEnv(t, dialect, intake.Options{})
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					rep, err := e.svc.Check(e.officer(), request(tt.group, "ds.csv"), bytes.NewReader(csvOf(tt.header, tt.cells)), nil)
					if err != nil {
						t.Fatal(err)
					}
					p := rep.Preview[0]
					var codes []string
					for _, i := range p.Issues {
						codes = append(codes, i.Code)
					}
					if p.Amount != tt.wantAmount || p.People != tt.wantPeople || !slices.Equal(codes, tt.wantCodes) {
						t.Errorf("amount %d people %d issues %v, want %d %d %v", p.Amount, p.People, codes, tt.wantAmount, tt.wantPeople, tt.wantCodes)
					}
				})
			}
		})
	}
}

// TestCheckWardColumn checks the optional ward column: the list's ward by code or name passes,
// another ward or an unknown one does not.
func TestCheckWardColumn(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			e := newEnv(t, dialect, intake.Options{})
			data := csvOf([]string{"STT", "Họ tên", "CCCD", "Số khẩu", "Phường/xã"},
				[]string{"1", "Nguyễn Văn An", "019085001234", "4", "05431"},
				[]string{"2", "Trần Văn Bình", "019085001235", "4", "Phuong Quan Trieu"},
				[]string{"3", "Lê Văn Cường", "019085001236", "4", "Quán Triều"},
				[]string{"4", "Phạm Văn Dũng", "019085001237", "4", "Phường Hoàng Văn Thụ"},
				[]string{"5", "Hoàng Văn Em", "019085001238", "4", "Phường Không Có"},
				[]string{"6", "Đỗ Văn Gia", "019085001239", "4", "05485"},
			)
			rep, err := e.svc.Check(e.officer(), request("HO_NGHEO", "ds.csv"), bytes.NewReader(data), nil)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"5:" + intake.CodeOtherWard, "6:" + intake.CodeUnknownWard, "7:" + intake.CodeOtherWard}
			if got := codesOf(rep); !slices.Equal(got, want) {
				t.Errorf("issues = %v, want %v", got, want)
			}
		})
	}
}

// TestCheckPermissions: only admins and the ward's officers import; another ward's officer is
// refused without the ward being named.
func TestCheckPermissions(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			e := newEnv(t, dialect, intake.Options{})
			other := auth.WithIdentity(context.Background(), &auth.Identity{Username: "canbo.phucha", Role: auth.WardOfficer, WardIDs: []int64{e.ward.ID + 100000}})
			data := csvOf(hoNgheoHeader, []string{"Nguyễn Văn An", "019085001234", "", "", "4"})
			tests := []struct {
				name string
				ctx  context.Context
				kind errs.Kind
			}{
				{"admin", e.admin(), errs.Other},
				{"the ward's officer", e.officer(), errs.Other},
				{"another ward's officer", other, errs.Permission},
				{"leader", as(auth.Leader), errs.Permission},
				{"analyst", as(auth.Analyst), errs.Permission},
				{"visitor", context.Background(), errs.Unauthorized},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					_, err := e.svc.Check(tt.ctx, request("HO_NGHEO", "ds.csv"), bytes.NewReader(data), nil)
					if got := errs.KindOf(err); err != nil && got != tt.kind || err == nil && tt.kind != errs.Other {
						t.Fatalf("error = %v (%v), want kind %v", err, got, tt.kind)
					}
					if err != nil && strings.Contains(errs.Message(err), "05431") {
						t.Errorf("message %q names the ward", errs.Message(err))
					}
				})
			}
		})
	}
}

// vietnamese is a crude check that a message is written for officers.
func vietnamese(s string) bool {
	return strings.ContainsAny(s, "ăâđêôơưáàảãạếềểễệốồổỗộớờởỡợúùủũụứừửữựíìỉĩịýỳỷỹỵéèẻẽẹóòỏõọ")
}
