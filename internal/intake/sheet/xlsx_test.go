package sheet

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func TestOpenXLSXReadsRows(t *testing.T) {
	birth := time.Date(1950, 3, 1, 0, 0, 0, 0, time.UTC)
	data := buildXLSX(t, [][]any{
		{"Họ và tên", "Số CCCD/CMND", "Ngày sinh", "Số tiền", "Ghi chú"},
		{"Nguyễn Văn An", "019123456789", birth, 750000, "  hộ nghèo  "},
		{},
		{"Trần Thị Bình", "001234567890", "01/05/2020", "1.000.000"},
	}, nil)
	rd, rows := readAll(t, data, "danh-sach.xlsx", Limits{})
	if rd.Format() != FormatXLSX || rd.Sheet() != "Sheet1" || rd.HeaderRow() != 1 {
		t.Errorf("Format, Sheet, HeaderRow = %q, %q, %d; want xlsx, Sheet1, 1", rd.Format(), rd.Sheet(), rd.HeaderRow())
	}
	if got, want := rd.Header(), []string{"Họ và tên", "Số CCCD/CMND", "Ngày sinh", "Số tiền", "Ghi chú"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Header() = %q, want %q", got, want)
	}
	if got, want := numbersOf(rows), []int{2, 4}; !reflect.DeepEqual(got, want) {
		t.Fatalf("row numbers = %v, want %v", got, want)
	}
	// The date comes back as its raw serial, never as locale-formatted text.
	want := [][]string{
		{"Nguyễn Văn An", "019123456789", "18323", "750000", "hộ nghèo"},
		{"Trần Thị Bình", "001234567890", "01/05/2020", "1.000.000"},
	}
	if got := cellsOf(rows); !reflect.DeepEqual(got, want) {
		t.Errorf("cells = %q, want %q", got, want)
	}
	for _, r := range rows {
		if len(r.Errors) > 0 {
			t.Errorf("row %d errors = %v, want none", r.Number, r.Errors)
		}
		got, err := rd.ParseDate(r.Cells[2])
		if err != nil {
			t.Errorf("ParseDate(%q) error = %v", r.Cells[2], err)
		}
		if wantDate := map[int]time.Time{2: birth, 4: time.Date(2020, 5, 1, 0, 0, 0, 0, time.UTC)}[r.Number]; !got.Equal(wantDate) {
			t.Errorf("row %d ParseDate(%q) = %v, want %v", r.Number, r.Cells[2], got, wantDate)
		}
	}
}

func TestXLSXColumnsWrongOrMissing(t *testing.T) {
	cols := []Column{
		{Key: "name", Aliases: []string{"Họ và tên", "Họ tên"}, Required: true},
		{Key: "id", Aliases: []string{"Số CCCD/CMND", "CCCD"}, Required: true},
		{Key: "amount", Aliases: []string{"Số tiền"}, Required: true},
	}
	tests := []struct {
		name      string
		header    []any
		wantCodes []string
		wantMap   Mapping
	}{
		{"reordered, no diacritics, odd spacing", []any{"SO TIEN", "ho  ten", "Số CCCD - CMND"}, nil, Mapping{"amount": 0, "name": 1, "id": 2}},
		{"missing id", []any{"Họ và tên", "Số tiền"}, []string{CodeMissingColumn}, Mapping{"name": 0, "amount": 1}},
		{"typo and an extra column", []any{"Họ và tên", "Số CCCD", "Số tiền", "Ghi chú"}, []string{CodeUnknownColumn, CodeUnknownColumn, CodeMissingColumn}, Mapping{"name": 0, "amount": 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd, _ := readAll(t, buildXLSX(t, [][]any{tt.header, {"x"}}, nil), "ds.xlsx", Limits{})
			m, errs := MatchColumns(rd.Header(), cols)
			var codes []string
			for _, e := range errs {
				codes = append(codes, e.Code)
			}
			if !reflect.DeepEqual(codes, tt.wantCodes) {
				t.Errorf("codes = %v, want %v (%v)", codes, tt.wantCodes, errs)
			}
			if !reflect.DeepEqual(m, tt.wantMap) {
				t.Errorf("mapping = %v, want %v", m, tt.wantMap)
			}
		})
	}
}

// formulaSheet has formulas with and without cached values, a shared
// formula, an error value and a row holding nothing but a formula.
const formulaSheet = `<row r="1"><c r="A1" t="inlineStr"><is><t>Họ tên</t></is></c><c r="B1" t="inlineStr"><is><t>Số tiền</t></is></c><c r="C1" t="inlineStr"><is><t>Gấp đôi</t></is></c></row>` +
	`<row r="2"><c r="A2" t="inlineStr"><is><t>An</t></is></c><c r="B2"><v>750000</v></c><c r="C2"><f>B2*2</f><v>1500000</v></c></row>` +
	`<row r="3"><c r="A3" t="inlineStr"><is><t>Bình</t></is></c><c r="B3"><f t="shared" ref="B3:B4" si="0">B2</f><v>750000</v></c></row>` +
	`<row r="4"><c r="A4" t="inlineStr"><is><t>Chi</t></is></c><c r="B4"><f t="shared" si="0"/></c></row>` +
	`<row r="5"><c r="A5" t="inlineStr"><is><t>Dũng</t></is></c><c r="B5" t="e"><v>#N/A</v></c></row>` +
	`<row r="6"><c r="C6"><f>SUM(C2:C5)</f><v>1500000</v></c></row>` +
	`<row r="7"><c r="A7" t="inlineStr"><is><t>Em</t></is></c><c r="B7"><v>500000</v></c></row>`

func withSheetXML(t testing.TB, rows, tail string) []byte {
	t.Helper()
	return replacePart(t, buildXLSX(t, [][]any{{"placeholder"}}, nil), "xl/worksheets/sheet1.xml", func(w io.Writer) {
		sheetXML(w, func(w io.Writer) { io.WriteString(w, rows) }, tail)
	})
}

func TestXLSXFormulasAreRowErrors(t *testing.T) {
	_, rows := readAll(t, withSheetXML(t, formulaSheet, ""), "ds.xlsx", Limits{})
	type want struct {
		number int
		cells  []string
		codes  []string
		column string
	}
	wants := []want{
		{2, []string{"An", "750000"}, []string{CodeFormula}, "C"},
		{3, []string{"Bình"}, []string{CodeFormula}, "B"},
		{4, []string{"Chi"}, []string{CodeFormula}, "B"},
		{5, []string{"Dũng"}, []string{CodeCellError}, "B"},
		{6, []string{}, []string{CodeFormula}, "C"},
		{7, []string{"Em", "500000"}, nil, ""},
	}
	if len(rows) != len(wants) {
		t.Fatalf("read %d rows, want %d: %+v", len(rows), len(wants), rows)
	}
	for i, w := range wants {
		r := rows[i]
		t.Run(fmt.Sprintf("row %d", w.number), func(t *testing.T) {
			if r.Number != w.number || !reflect.DeepEqual(r.Cells, w.cells) {
				t.Errorf("row = %d %q, want %d %q", r.Number, r.Cells, w.number, w.cells)
			}
			var codes []string
			for _, e := range r.Errors {
				codes = append(codes, e.Code)
				wantCode(t, e, e.Code, w.number)
				if e.Column != w.column {
					t.Errorf("error column = %q, want %q", e.Column, w.column)
				}
			}
			if !reflect.DeepEqual(codes, w.codes) {
				t.Errorf("error codes = %v, want %v", codes, w.codes)
			}
		})
	}
	if msg := rows[3].Errors[0].Message; !strings.Contains(msg, "#N/A") || !strings.Contains(msg, "B5") {
		t.Errorf("error-value message %q should name the cell and the value", msg)
	}
	if msg := rows[0].Errors[0].Message; !strings.Contains(msg, "Ô C2 chứa công thức, hãy dán giá trị") {
		t.Errorf("formula message = %q", msg)
	}
}

func TestXLSXFormulaWrittenByExcelize(t *testing.T) {
	data := buildXLSX(t, [][]any{{"Họ tên", "Số tiền"}, {"An", 750000}}, func(f *excelize.File) {
		must(t, f.SetCellFormula("Sheet1", "B2", "=375000*2"))
	})
	_, rows := readAll(t, data, "ds.xlsx", Limits{})
	if len(rows) != 1 || len(rows[0].Errors) != 1 {
		t.Fatalf("rows = %+v, want one row with one error", rows)
	}
	wantCode(t, rows[0].Errors[0], CodeFormula, 2)
}

func TestXLSXTooManyFormulasFailsTheFile(t *testing.T) {
	_, err := drain(withSheetXML(t, formulaSheet, ""), "ds.xlsx", Limits{MaxFormulaCells: 3})
	e := wantCode(t, err, CodeFormula, -1)
	if !strings.Contains(e.Message, "C2") {
		t.Errorf("message %q should name the first formula cell", e.Message)
	}
}

func TestXLSXMergedCells(t *testing.T) {
	rows := [][]any{{"Tổ", "Họ tên"}, {"Tổ 1", "An"}, {nil, "Bình"}, {"Tổ 2", "Chi"}}
	t.Run("in the data area every covered row gets an error", func(t *testing.T) {
		data := buildXLSX(t, rows, func(f *excelize.File) { must(t, f.MergeCell("Sheet1", "A2", "A3")) })
		_, got := readAll(t, data, "ds.xlsx", Limits{})
		for _, r := range got {
			wantErr := r.Number == 2 || r.Number == 3
			if gotErr := len(r.Errors) == 1; gotErr != wantErr {
				t.Errorf("row %d errors = %v, want merged error: %v", r.Number, r.Errors, wantErr)
				continue
			}
			if wantErr {
				e := wantCode(t, r.Errors[0], CodeMergedCells, r.Number)
				if e.Column != "A2:A3" || !strings.Contains(e.Message, "A2:A3") {
					t.Errorf("merged error = %+v, want column and message naming A2:A3", e)
				}
			}
		}
	})
	t.Run("in the header Open fails", func(t *testing.T) {
		data := buildXLSX(t, rows, func(f *excelize.File) { must(t, f.MergeCell("Sheet1", "A1", "B1")) })
		_, err := drain(data, "ds.xlsx", Limits{})
		wantCode(t, err, CodeMergedCells, 1)
	})
	t.Run("empty merged range above the header is ignored", func(t *testing.T) {
		data := buildXLSX(t, append([][]any{{}, {}}, rows...), func(f *excelize.File) { must(t, f.MergeCell("Sheet1", "A1", "D2")) })
		rd, got := readAll(t, data, "ds.xlsx", Limits{})
		if rd.HeaderRow() != 3 || len(got) != 3 {
			t.Fatalf("HeaderRow() = %d, rows = %d; want 3, 3", rd.HeaderRow(), len(got))
		}
		for _, r := range got {
			if len(r.Errors) > 0 {
				t.Errorf("row %d errors = %v, want none", r.Number, r.Errors)
			}
		}
	})
	t.Run("too many merged ranges", func(t *testing.T) {
		data := buildXLSX(t, rows, func(f *excelize.File) {
			must(t, f.MergeCell("Sheet1", "A2", "A3"))
			must(t, f.MergeCell("Sheet1", "C2", "D2"))
		})
		_, err := drain(data, "ds.xlsx", Limits{MaxMergedRanges: 1})
		wantCode(t, err, CodeMergedCells, 0)
	})
}

func TestXLSXSheetChoice(t *testing.T) {
	data := buildXLSX(t, [][]any{{"Ẩn"}, {"1"}}, func(f *excelize.File) {
		_, err := f.NewSheet("Danh sách")
		must(t, err)
		must(t, f.SetSheetRow("Danh sách", "A1", &[]any{"Họ tên"}))
		must(t, f.SetSheetRow("Danh sách", "A2", &[]any{"An"}))
		f.SetActiveSheet(1)
		must(t, f.SetSheetVisible("Sheet1", false))
	})
	tests := []struct {
		name      string
		opts      []Option
		wantSheet string
		wantCode  string
	}{
		{"first visible sheet", nil, "Danh sách", ""},
		{"named hidden sheet", []Option{WithSheet("Sheet1")}, "Sheet1", ""},
		{"named sheet, other case", []Option{WithSheet("danh sách")}, "Danh sách", ""},
		{"unknown sheet", []Option{WithSheet("Trang 3")}, "", CodeSheetNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd, err := Open(bytes.NewReader(data), "ds.xlsx", Limits{}, tt.opts...)
			if tt.wantCode != "" {
				e := wantCode(t, err, tt.wantCode, 0)
				if !strings.Contains(e.Message, `"Danh sách"`) {
					t.Errorf("message %q should list the sheets", e.Message)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer rd.Close()
			if rd.Sheet() != tt.wantSheet {
				t.Errorf("Sheet() = %q, want %q", rd.Sheet(), tt.wantSheet)
			}
		})
	}
}

func TestXLSXRowAfterManyEmptyRows(t *testing.T) {
	data := buildXLSX(t, nil, func(f *excelize.File) {
		sw, err := f.NewStreamWriter("Sheet1")
		must(t, err)
		must(t, sw.SetRow("A1", []any{"Họ tên", "Số tiền"}))
		must(t, sw.SetRow("A2", []any{"An", 750000}))
		must(t, sw.SetRow("A1000000", []any{"Bình", 500000}))
		must(t, sw.Flush())
	})
	t.Run("default limits stop after 1,000 empty rows and warn", func(t *testing.T) {
		budget(t, 64<<20, func() {
			rd, rows := readAll(t, data, "ds.xlsx", Limits{})
			if got := numbersOf(rows); !reflect.DeepEqual(got, []int{2}) {
				t.Errorf("row numbers = %v, want [2]", got)
			}
			w := rd.Warnings()
			if len(w) != 1 || w[0].Code != CodeEmptyRowsStop || w[0].Row != 1002 {
				t.Errorf("Warnings() = %v, want empty_rows_stop at row 1002", w)
			}
		})
	})
	t.Run("a larger limit reaches row 1,000,000", func(t *testing.T) {
		_, rows := readAll(t, data, "ds.xlsx", Limits{MaxEmptyRows: 1_000_000})
		if got := numbersOf(rows); !reflect.DeepEqual(got, []int{2, 1_000_000}) {
			t.Errorf("row numbers = %v, want [2 1000000]", got)
		}
	})
}

// emptyRowsXLSX returns a workbook whose sheet has a header, one data row,
// n formatted empty <row> elements (as Excel writes them), one more data row
// and a merged range on that last row. The rows carry no r attribute, which
// lets the test build the part cheaply.
func emptyRowsXLSX(t *testing.T, n int) []byte {
	t.Helper()
	part, crc, size := deflateParts(t,
		repeated{[]byte(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
			`<row r="1"><c r="A1" t="inlineStr"><is><t>Họ tên</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>An</t></is></c></row>`), 1},
		repeated{bytes.Repeat([]byte(`<row spans="1:5" s="1" customFormat="1"/>`), 1000), n / 1000},
		repeated{[]byte(fmt.Sprintf(`<row><c t="inlineStr"><is><t>Bình</t></is></c></row></sheetData>`+
			`<mergeCells count="1"><mergeCell ref="B%[1]d:C%[1]d"/></mergeCells></worksheet>`, n+3)), 1},
	)
	return withRawPart(t, buildXLSX(t, [][]any{{"x"}}, nil), "xl/worksheets/sheet1.xml", part, crc, size)
}

func TestXLSXMillionEmptyRowElements(t *testing.T) {
	data := emptyRowsXLSX(t, 1_000_000)
	budget(t, 64<<20, func() {
		rd, rows := readAll(t, data, "ds.xlsx", Limits{})
		if got := numbersOf(rows); !reflect.DeepEqual(got, []int{2}) {
			t.Errorf("row numbers = %v, want [2]", got)
		}
		if len(rd.Warnings()) != 1 {
			t.Errorf("Warnings() = %v, want one", rd.Warnings())
		}
	})
}

func TestXLSXReadsPastEmptyRowsWithinTheLimit(t *testing.T) {
	_, rows := readAll(t, emptyRowsXLSX(t, 20_000), "ds.xlsx", Limits{MaxEmptyRows: 20_001})
	if got := numbersOf(rows); !reflect.DeepEqual(got, []int{2, 20_003}) {
		t.Fatalf("row numbers = %v, want [2 20003]", got)
	}
	if e := rows[1].Errors; len(e) != 1 || e[0].Column != "B20003:C20003" {
		t.Errorf("row 20003 errors = %v, want the merged range found after the empty rows", e)
	}
}

// repeated is a piece of a part: data written copies times.
type repeated struct {
	data   []byte
	copies int
}

// deflateParts returns raw deflate data for the pieces, with the CRC-32 and
// size of the inflated whole, while compressing each piece only once: a
// flushed block compressed from a fresh state inflates to the same bytes
// wherever it is replayed.
func deflateParts(t testing.TB, pieces ...repeated) (compressed []byte, crc uint32, size uint64) {
	t.Helper()
	var out bytes.Buffer
	h := crc32.NewIEEE()
	for _, p := range pieces {
		var b bytes.Buffer
		fw, err := flate.NewWriter(&b, flate.BestCompression)
		must(t, err)
		_, err = fw.Write(p.data)
		must(t, err)
		must(t, fw.Flush())
		out.Write(bytes.Repeat(b.Bytes(), p.copies))
		for range p.copies {
			h.Write(p.data)
		}
		size += uint64(len(p.data) * p.copies)
	}
	out.Write([]byte{0x01, 0x00, 0x00, 0xFF, 0xFF}) // an empty final stored block
	return out.Bytes(), h.Sum32(), size
}

// withRawPart replaces part name with pre-compressed data declaring crc and
// size.
func withRawPart(t testing.TB, archive []byte, name string, compressed []byte, crc uint32, size uint64) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	must(t, err)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name != name {
			must(t, zw.Copy(f))
		}
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(len(compressed)), UncompressedSize64: size})
	must(t, err)
	_, err = w.Write(compressed)
	must(t, err)
	must(t, zw.Close())
	return out.Bytes()
}

func TestXLSXZipBombs(t *testing.T) {
	base := buildXLSX(t, [][]any{{"Họ tên"}, {"An"}}, nil)
	chunk := []byte(strings.Repeat(`<row><c t="inlineStr"><is><t>bomb</t></is></c></row>`, 1<<20/50))
	bomb, crc, size := deflateParts(t, repeated{chunk, 300}) // ~300 MiB once inflated
	tests := []struct {
		name string
		data func() []byte
		lim  Limits
		code string
	}{
		{
			name: "sheet that inflates to 300 MiB",
			data: func() []byte {
				return withRawPart(t, base, "xl/worksheets/sheet1.xml", bomb, crc, size)
			},
			code: CodeZipBomb,
		},
		{
			name: "sheet that lies about its size",
			data: func() []byte { return withRawPart(t, base, "xl/worksheets/sheet1.xml", bomb, crc, 4096) },
			code: CodeBadXLSX,
		},
		{
			name: "styles that lie about their size",
			data: func() []byte { return withRawPart(t, base, "xl/styles.xml", bomb, crc, 4096) },
			code: CodeBadXLSX,
		},
		{
			name: "sheet over a small unzip limit",
			data: func() []byte {
				return replacePart(t, base, "xl/worksheets/sheet1.xml", func(w io.Writer) {
					sheetXML(w, func(w io.Writer) { w.Write(bytes.Repeat(chunk, 2)) }, "")
				})
			},
			lim:  Limits{UnzipSizeLimit: 1 << 20, UnzipXMLSizeLimit: 1 << 20},
			code: CodeZipBomb,
		},
		{
			name: "large side part held in memory",
			data: func() []byte {
				return withRawPart(t, base, "xl/media/image1.png", bomb, crc, size)
			},
			lim:  Limits{UnzipSizeLimit: 1 << 30},
			code: CodeZipBomb,
		},
		{
			name: "ten thousand parts",
			data: func() []byte {
				var out bytes.Buffer
				zw := zip.NewWriter(&out)
				for i := range maxZipEntries + 1 {
					_, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("xl/p%d.xml", i), Method: zip.Store})
					must(t, err)
				}
				must(t, zw.Close())
				return out.Bytes()
			},
			code: CodeZipBomb,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tt.data()
			budget(t, 64<<20, func() {
				_, err := drain(data, "ds.xlsx", tt.lim)
				wantCode(t, err, tt.code, 0)
			})
		})
	}
}

func TestOpenXLSXRefusesBadFiles(t *testing.T) {
	good := buildXLSX(t, [][]any{{"Họ tên"}, {"An"}}, nil)
	notWorkbook := func() []byte {
		var out bytes.Buffer
		zw := zip.NewWriter(&out)
		w, _ := zw.Create("word/document.xml")
		io.WriteString(w, "<w:document/>")
		zw.Close()
		return out.Bytes()
	}
	tests := []struct {
		name string
		file string
		data []byte
		code string
		row  int
	}{
		{"xlsx named csv", "ds.csv", good, CodeBadFormat, 0},
		{"xlsx named xls", "ds.xls", good, CodeBadFormat, 0},
		{"a Word document", "ds.xlsx", notWorkbook(), CodeBadFormat, 0},
		{"truncated zip", "ds.xlsx", good[:len(good)/2], CodeBadXLSX, 0},
		{"broken sheet XML", "ds.xlsx", withSheetXML(t, `<row r="1"><c r="A1" t="inlineStr"><is><t>Họ tên</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>An</t></is></c></row><row r="3"><c r=`, ""), CodeBadXLSX, -1},
		{"row number past Excel's last row", "ds.xlsx", withSheetXML(t, `<row r="1"><c r="A1" t="inlineStr"><is><t>Họ tên</t></is></c></row><row r="2000000"><c r="A2000000" t="inlineStr"><is><t>An</t></is></c></row>`, ""), CodeBadXLSX, -1},
		{"cell past the column limit", "ds.xlsx", withSheetXML(t, `<row r="1"><c r="A1" t="inlineStr"><is><t>Họ tên</t></is></c></row><row r="2"><c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>`, ""), CodeTooManyColumns, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := drain(tt.data, tt.file, Limits{})
			wantCode(t, err, tt.code, tt.row)
		})
	}
}

func TestXLSXDate1904(t *testing.T) {
	data := buildXLSX(t, [][]any{{"Ngày"}, {42490}}, func(f *excelize.File) {
		on := true
		must(t, f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &on}))
	})
	rd, rows := readAll(t, data, "ds.xlsx", Limits{})
	if !rd.Date1904() {
		t.Fatal("Date1904() = false, want true")
	}
	got, err := rd.ParseDate(rows[0].Cells[0])
	if want := time.Date(2020, 5, 1, 0, 0, 0, 0, time.UTC); err != nil || !got.Equal(want) {
		t.Errorf("ParseDate(%q) = %v, %v; want %v", rows[0].Cells[0], got, err, want)
	}
}
