package sheet

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// nq42Columns is the kind of template the import screen hands out for
// Resolution 42 lists.
var nq42Columns = []TemplateColumn{
	{Header: "Họ và tên", Help: "Họ tên đầy đủ, có dấu, như trên CCCD/CMND.", Example: "Nguyễn Văn An", Required: true, Width: 28},
	{Header: "Ngày sinh", Help: "Ngày/tháng/năm, ví dụ 01/05/1960.", Example: "01/05/1960", Required: true},
	{Header: "Số CCCD/CMND", Help: "12 số (CCCD) hoặc 9 số (CMND), giữ nguyên số 0 ở đầu.", Example: "019060001234", Required: true, Text: true},
	{Header: "Nhóm đối tượng", Help: "Một trong các nhóm của Nghị quyết 42/NQ-CP, ví dụ Hộ nghèo.", Example: "Hộ nghèo", Required: true},
	{Header: "Số tiền (đồng)", Help: "Số đồng chẵn, ví dụ 750000 hoặc 750.000.", Example: "750.000", Required: true},
	{Header: "Ghi chú", Help: "Không bắt buộc."},
}

var nq42Matching = []Column{
	{Key: "name", Aliases: []string{"Họ và tên", "Họ tên"}, Required: true},
	{Key: "birth_date", Aliases: []string{"Ngày sinh"}, Required: true},
	{Key: "national_id", Aliases: []string{"Số CCCD/CMND", "CCCD", "CMND"}, Required: true},
	{Key: "group", Aliases: []string{"Nhóm đối tượng"}, Required: true},
	{Key: "amount", Aliases: []string{"Số tiền"}, Required: true},
	{Key: "note", Aliases: []string{"Ghi chú"}},
}

func TestWriteTemplateXLSX(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTemplateXLSX(&buf, nq42Columns); err != nil {
		t.Fatalf("WriteTemplateXLSX() error = %v", err)
	}

	// The template opens as an upload with no data and every column matched.
	_, err := Open(bytes.NewReader(buf.Bytes()), "mau.xlsx", Limits{})
	if err != nil {
		t.Fatalf("Open(template) error = %v", err)
	}
	rd, rows := readAll(t, buf.Bytes(), "mau.xlsx", Limits{})
	if rd.Sheet() != TemplateDataSheet || len(rows) != 0 {
		t.Errorf("Sheet() = %q with %d rows, want %q with none", rd.Sheet(), len(rows), TemplateDataSheet)
	}
	m, errs := MatchColumns(rd.Header(), nq42Matching)
	if len(errs) != 0 || len(m) != len(nq42Matching) {
		t.Errorf("MatchColumns(template header) = %v, %v; want every column and no error", m, errs)
	}

	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := f.GetSheetList(), []string{TemplateDataSheet, TemplateHelpSheet}; !reflect.DeepEqual(got, want) {
		t.Errorf("sheets = %q, want %q", got, want)
	}
	t.Run("header is bold and frozen", func(t *testing.T) {
		styleID, err := f.GetCellStyle(TemplateDataSheet, "A1")
		must(t, err)
		style, err := f.GetStyle(styleID)
		must(t, err)
		if style.Font == nil || !style.Font.Bold {
			t.Errorf("A1 font = %+v, want bold", style.Font)
		}
		panes, err := f.GetPanes(TemplateDataSheet)
		must(t, err)
		if !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("panes = %+v, want the first row frozen", panes)
		}
	})
	t.Run("widths follow the columns", func(t *testing.T) {
		for col, want := range map[string]float64{"A": 28, "B": 13, "C": 16} {
			if got, err := f.GetColWidth(TemplateDataSheet, col); err != nil || got != want {
				t.Errorf("width of %s = %v, %v; want %v", col, got, err, want)
			}
		}
	})
	t.Run("ID column is text so leading zeros survive", func(t *testing.T) {
		styleID, err := f.GetColStyle(TemplateDataSheet, "C")
		must(t, err)
		style, err := f.GetStyle(styleID)
		must(t, err)
		if style.NumFmt != 49 {
			t.Errorf("column C number format = %d, want 49 (text)", style.NumFmt)
		}
	})
	t.Run("instructions explain every column", func(t *testing.T) {
		rows, err := f.GetRows(TemplateHelpSheet)
		must(t, err)
		text := ""
		for _, r := range rows {
			text += strings.Join(r, "\t") + "\n"
		}
		for _, c := range nq42Columns {
			if !strings.Contains(text, c.Header+"\t") || !strings.Contains(text, c.Help) {
				t.Errorf("instructions lack column %q or its help", c.Header)
			}
		}
		for _, want := range []string{"Hướng dẫn", "Bắt buộc", "Nguyễn Văn An", "công thức", "gộp ô"} {
			if !strings.Contains(text, want) {
				t.Errorf("instructions lack %q", want)
			}
		}
	})
}

func TestWriteTemplateCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTemplateCSV(&buf, nq42Columns); err != nil {
		t.Fatalf("WriteTemplateCSV() error = %v", err)
	}
	want := "\uFEFFHọ và tên,Ngày sinh,Số CCCD/CMND,Nhóm đối tượng,Số tiền (đồng),Ghi chú\r\n"
	if got := buf.String(); got != want {
		t.Errorf("template = %q, want %q", got, want)
	}
	buf.WriteString("Nguyễn Văn An,01/05/1960,019060001234,Hộ nghèo,750.000,\r\n")
	rd, rows := readAll(t, buf.Bytes(), "mau.csv", Limits{})
	m, errs := MatchColumns(rd.Header(), nq42Matching)
	if len(errs) != 0 {
		t.Fatalf("MatchColumns() errors = %v", errs)
	}
	if got := m.Value(rows[0].Cells, "national_id"); got != "019060001234" {
		t.Errorf("national_id = %q, want the leading zero kept", got)
	}
}

func TestWriteTemplateRefusesNoColumns(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTemplateXLSX(&buf, nil); err == nil {
		t.Error("WriteTemplateXLSX(nil) error = nil, want an error")
	}
	if err := WriteTemplateCSV(&buf, nil); err == nil {
		t.Error("WriteTemplateCSV(nil) error = nil, want an error")
	}
}
