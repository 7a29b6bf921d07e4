package export

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"hotro/internal/civil"
)

func TestDefuseFormulas(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"formula", "=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"},
		{"plus", "+84 123", "'+84 123"},
		{"minus", "-1+2", "'-1+2"},
		{"at", "@SUM(A1)", "'@SUM(A1)"},
		{"tab", "\t=1", "'\t=1"},
		{"carriage return", "\r=1", "'\r=1"},
		{"a name", "Phường Quán Triều", "Phường Quán Triều"},
		{"a code with a dash inside", "NQ42-2020", "NQ42-2020"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Defuse(tt.in); got != tt.want {
				t.Errorf("Defuse(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestWriteCSVQuotesAndDefuses(t *testing.T) {
	tbl := &table{
		text:    texts[vi],
		columns: []column{{"Tên, đầy đủ", textKind}, {"Ngày", dateKind}, {"Số tiền (đồng)", moneyKind}},
		rows: [][]any{
			{`=cmd|' /C calc'!A0`, civil.MustParse("2020-05-04"), int64(16_831_500_000)},
			{"Hộ \"Nguyễn\", tổ 3\nxóm Mới", nil, int64(0)},
		},
		total: []any{"Tổng cộng", nil, int64(16_831_500_000)},
	}
	var buf bytes.Buffer
	if err := writeCSV(&buf, tbl); err != nil {
		t.Fatal(err)
	}
	raw := buf.String()
	if !strings.HasPrefix(raw, "\uFEFF\"Tên, đầy đủ\",Ngày,Số tiền (đồng)\r\n") {
		t.Errorf("file starts %q, want the BOM and a quoted header with CRLF", raw[:min(len(raw), 60)])
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(raw, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Tên, đầy đủ", "Ngày", "Số tiền (đồng)"},
		{`'=cmd|' /C calc'!A0`, "2020-05-04", "16831500000"},
		{"Hộ \"Nguyễn\", tổ 3\nxóm Mới", "", "0"},
		{"Tổng cộng", "", "16831500000"},
	}
	for i := range want {
		if i >= len(rows) || !slices.Equal(rows[i], want[i]) {
			t.Errorf("row %d = %q, want %q", i, rows[min(i, len(rows)-1)], want[i])
		}
	}
}
