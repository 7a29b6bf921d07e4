package intake_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"io"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"hotro/internal/db/dbtest"
	"hotro/internal/intake"
	"hotro/internal/intake/sheet"
)

// TestHostileFiles commits files that are wrong in every way officers' files (or an attacker's)
// can be: each is refused or reported with a clear Vietnamese message, and nothing is written.
func TestHostileFiles(t *testing.T) {
	header := []any{"Họ và tên", "Số CCCD/CMND", "Ngày sinh", "Số nhân khẩu", "Số tiền (đồng)"}
	good := []any{"Nguyễn Văn An", "019085001234", "02/03/1985", 4, 3_000_000}
	tests := []struct {
		name     string
		file     string
		data     func(t *testing.T) io.Reader
		limits   sheet.Limits
		status   intake.Status
		wantCode string
	}{
		{name: "wrong columns", file: "ds.csv", status: intake.Refused, wantCode: sheet.CodeMissingColumn,
			data: func(t *testing.T) io.Reader {
				return bytes.NewReader(csvOf([]string{"A", "B", "C"}, []string{"1", "2", "3"}))
			}},
		{name: "ID column missing", file: "ds.csv", status: intake.Refused, wantCode: sheet.CodeMissingColumn,
			data: func(t *testing.T) io.Reader {
				return bytes.NewReader(csvOf([]string{"Họ tên", "Số khẩu"}, []string{"Nguyễn Văn An", "4"}))
			}},
		{name: "the same column twice", file: "ds.csv", status: intake.Refused, wantCode: sheet.CodeDuplicateColumn,
			data: func(t *testing.T) io.Reader {
				return bytes.NewReader(csvOf([]string{"Họ tên", "CCCD", "Số khẩu", "CMND"}, []string{"Nguyễn Văn An", "019085001234", "4", "1"}))
			}},
		{name: "Windows-1258 text", file: "ds.csv", status: intake.Refused, wantCode: sheet.CodeBadEncoding,
			data: func(t *testing.T) io.Reader {
				return strings.NewReader("H\xd2 t\xean,CCCD,S\xe8 kh\xc8u\nNguy\xd2n V\xe3n An,019085001234,4\n")
			}},
		{name: "UTF-16 without BOM", file: "ds.csv", status: intake.Refused, wantCode: sheet.CodeBadEncoding,
			data: func(t *testing.T) io.Reader {
				return bytes.NewReader(utf16LE("Họ tên\tCCCD\tSố khẩu\r\nNguyễn Văn An\t019085001234\t4\r\n")[2:])
			}},
		{name: "formula in the amount", file: "ds.xlsx", status: intake.HasErrors, wantCode: sheet.CodeFormula,
			data: func(t *testing.T) io.Reader {
				return bytes.NewReader(xlsxOf(t, [][]any{header, good}, func(f *excelize.File) {
					must(t, f.SetCellFormula("Sheet1", "E2", "=250000*D2*3"))
				}))
			}},
		{name: "merged cells in the data", file: "ds.xlsx", status: intake.HasErrors, wantCode: sheet.CodeMergedCells,
			data: func(t *testing.T) io.Reader {
				return bytes.NewReader(xlsxOf(t, [][]any{header, good, {"Trần Văn Bình", "019085001235", "", 3}}, func(f *excelize.File) {
					must(t, f.MergeCell("Sheet1", "D2", "D3"))
				}))
			}},
		{name: "merged cells in the header", file: "ds.xlsx", status: intake.Refused, wantCode: sheet.CodeMergedCells,
			data: func(t *testing.T) io.Reader {
				return bytes.NewReader(xlsxOf(t, [][]any{header, good}, func(f *excelize.File) {
					must(t, f.MergeCell("Sheet1", "A1", "B1"))
				}))
			}},
		{name: "a date as text in the wrong order", file: "ds.xlsx", status: intake.HasErrors, wantCode: sheet.CodeBadDate,
			data: func(t *testing.T) io.Reader {
				return bytes.NewReader(xlsxOf(t, [][]any{header, {"Nguyễn Văn An", "019085001234", "3/25/1985", 4}}, nil))
			}},
		{name: "a million empty rows before the data", file: "ds.xlsx", status: intake.Refused, wantCode: sheet.CodeEmptyRowsStop,
			data: func(t *testing.T) io.Reader { return bytes.NewReader(emptyRowsXLSX(t, 1_000_000)) }},
		{name: "a million empty lines before the data", file: "ds.csv", status: intake.Refused, wantCode: sheet.CodeEmptyRowsStop,
			data: func(t *testing.T) io.Reader {
				return strings.NewReader("Họ tên,CCCD,Số khẩu\n" + strings.Repeat(",,\n", 1_000_000) + "Nguyễn Văn An,019085001234,4\n")
			}},
		{name: "XLSX zip bomb", file: "ds.xlsx", status: intake.Refused, wantCode: sheet.CodeZipBomb,
			data: func(t *testing.T) io.Reader { return bytes.NewReader(zipBomb(t)) }},
		{name: "XLSX whose one cell inflates to 200 MiB", file: "ds.xlsx", status: intake.Refused, wantCode: sheet.CodeZipBomb,
			data: func(t *testing.T) io.Reader {
				return bytes.NewReader(withRawPart(t, xlsxOf(t, [][]any{{"Họ tên"}}, nil), "xl/worksheets/sheet1.xml",
					repeated{[]byte(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
						`<row r="1"><c r="A1" t="inlineStr"><is><t>Họ tên</t></is></c><c r="B1" t="inlineStr"><is><t>CCCD</t></is></c><c r="C1" t="inlineStr"><is><t>Số khẩu</t></is></c></row>` +
						`<row r="2"><c r="A2" t="inlineStr"><is><t>`), 1},
					repeated{bytes.Repeat([]byte("a"), 1<<20), 200},
					repeated{[]byte(`</t></is></c></row></sheetData></worksheet>`), 1}))
			}},
		{name: "a file far over the size limit", file: "ds.csv", status: intake.Refused, wantCode: sheet.CodeFileTooLarge,
			data: func(t *testing.T) io.Reader { return io.LimitReader(endless{}, 1<<30) }},
		{name: "too many rows", file: "ds.csv", limits: sheet.Limits{MaxRows: 3}, status: intake.Refused, wantCode: sheet.CodeTooManyRows,
			data: func(t *testing.T) io.Reader {
				return bytes.NewReader(csvOf([]string{"Họ tên", "CCCD", "Số khẩu"}, []string{"A", "019085001234", "1"}, []string{"B", "019085001235", "1"},
					[]string{"C", "019085001236", "1"}, []string{"D", "019085001237", "1"}))
			}},
		{name: "legacy .xls", file: "ds.xls", status: intake.Refused, wantCode: sheet.CodeUnsupportedFormat,
			data: func(t *testing.T) io.Reader {
				return bytes.NewReader(append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...))
			}},
		{name: "a web page saved as .xls", file: "ds.xls", status: intake.Refused, wantCode: sheet.CodeUnsupportedFormat,
			data: func(t *testing.T) io.Reader {
				return strings.NewReader("<html><body><table><tr><td>Họ tên</td></tr></table></body></html>")
			}},
		{name: "a stray quote", file: "ds.csv", status: intake.Refused, wantCode: sheet.CodeBadCSV,
			data: func(t *testing.T) io.Reader {
				return strings.NewReader("Họ tên,CCCD,Số khẩu\nNguyễn \"Văn\" An,019085001234,4\n")
			}},
		{name: "empty file", file: "ds.csv", status: intake.Refused, wantCode: sheet.CodeEmptyFile,
			data: func(t *testing.T) io.Reader { return strings.NewReader("") }},
		{name: "a header and no rows", file: "ds.csv", status: intake.Refused, wantCode: intake.CodeNoRows,
			data: func(t *testing.T) io.Reader { return strings.NewReader("Họ tên,CCCD,Số khẩu\r\n") }},
	}
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			e := newEnv(t, dialect, intake.Options{})
			before := e.counts()
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					svc := e.svc
					if tt.limits != (sheet.Limits{}) {
						svc = intake.NewService(e.db, intake.Options{Limits: tt.limits})
					}
					rep, err := svc.Import(e.admin(), request("HO_NGHEO", tt.file), tt.data(t), nil)
					if err != nil {
						t.Fatal(err)
					}
					var found bool
					for _, i := range rep.Issues {
						found = found || i.Code == tt.wantCode
					}
					if rep.Status != tt.status || !found {
						t.Errorf("status %s, issues %v; want %s with %s", rep.Status, codesOf(rep), tt.status, tt.wantCode)
					}
					if !vietnamese(rep.Message) {
						t.Errorf("message %q is not for an officer", rep.Message)
					}
					t.Logf("%s", rep.Message)
					if got := e.counts(); got != before {
						t.Errorf("wrote %+v, want %+v", got, before)
					}
				})
			}
		})
	}
}

// TestEncodingsAndDates imports the same two households from the files Excel and officers write:
// CSV in UTF-8 with and without BOM, Excel's UTF-16 "Unicode text", and XLSX with birth dates as
// text and as Excel date serials.
func TestEncodingsAndDates(t *testing.T) {
	const text = "Họ và tên\tSố CCCD/CMND\tNgày sinh\tSố nhân khẩu\r\nNguyễn Văn An\t019085001234\t02/03/1985\t4\r\nTrần Thị Bình\t019162000011\t1962-01-01\t2\r\n"
	comma := strings.ReplaceAll(text, "\t", ",")
	files := []struct {
		name string
		file string
		data func(t *testing.T) []byte
	}{
		{"UTF-8", "ds.csv", func(t *testing.T) []byte { return []byte(comma) }},
		{"UTF-8 with BOM", "ds.csv", func(t *testing.T) []byte { return append([]byte("\ufeff"), comma...) }},
		{"UTF-16 LE (Excel Unicode text)", "ds.txt", func(t *testing.T) []byte { return utf16LE(text) }},
		{"XLSX, dates as text and as serials", "ds.xlsx", func(t *testing.T) []byte {
			return xlsxOf(t, [][]any{{"Họ và tên", "Số CCCD/CMND", "Ngày sinh", "Số nhân khẩu"},
				{"Nguyễn Văn An", "019085001234", "02/03/1985", 4}, {"Trần Thị Bình", "019162000011", 22647, 2}}, func(f *excelize.File) {
				style, err := f.NewStyle(&excelize.Style{NumFmt: 14})
				must(t, err)
				must(t, f.SetCellStyle("Sheet1", "C3", "C3", style))
			})
		}},
	}
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			for _, f := range files {
				t.Run(f.name, func(t *testing.T) {
					e := newEnv(t, dialect, intake.Options{})
					rep, err := e.svc.Import(e.officer(), request("HO_NGHEO", f.file), bytes.NewReader(f.data(t)), nil)
					if err != nil {
						t.Fatal(err)
					}
					if rep.Status != intake.Committed || rep.Accepted != 2 || rep.Amount != 4_500_000 {
						t.Fatalf("report %s: %d accepted, %d VND, issues %v", rep.Status, rep.Accepted, rep.Amount, rep.Issues)
					}
					var births []string
					if err := e.db.NewSelect().Table("beneficiaries").Column("date_of_birth").OrderExpr("id").Scan(t.Context(), &births); err != nil {
						t.Fatal(err)
					}
					if len(births) != 2 || !strings.HasPrefix(births[0], "1985-03-02") || !strings.HasPrefix(births[1], "1962-01-01") {
						t.Errorf("birth dates = %v", births)
					}
				})
			}
		})
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func utf16LE(s string) []byte {
	units := utf16.Encode([]rune(s))
	out := make([]byte, 2+2*len(units))
	binary.LittleEndian.PutUint16(out, 0xFEFF)
	for i, u := range units {
		binary.LittleEndian.PutUint16(out[2+2*i:], u)
	}
	return out
}

// endless yields 'a' forever.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

// zipBomb returns a small workbook whose sheet inflates to 300 MiB.
func zipBomb(t *testing.T) []byte {
	chunk := []byte(strings.Repeat(`<row><c t="inlineStr"><is><t>bomb</t></is></c></row>`, 1<<20/50))
	return withRawPart(t, xlsxOf(t, [][]any{{"Họ tên"}}, nil), "xl/worksheets/sheet1.xml", repeated{chunk, 300})
}

// emptyRowsXLSX returns a workbook with the header, n empty rows as Excel writes them, and then a
// household that reading never reaches.
func emptyRowsXLSX(t *testing.T, n int) []byte {
	return withRawPart(t, xlsxOf(t, [][]any{{"x"}}, nil), "xl/worksheets/sheet1.xml",
		repeated{[]byte(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
			`<row r="1"><c r="A1" t="inlineStr"><is><t>Họ tên</t></is></c><c r="B1" t="inlineStr"><is><t>CCCD</t></is></c><c r="C1" t="inlineStr"><is><t>Số khẩu</t></is></c></row>`), 1},
		repeated{bytes.Repeat([]byte(`<row spans="1:5" s="1" customFormat="1"/>`), 1000), n / 1000},
		repeated{[]byte(`<row><c t="inlineStr"><is><t>Nguyễn Văn An</t></is></c><c t="inlineStr"><is><t>019085001234</t></is></c><c><v>4</v></c></row></sheetData></worksheet>`), 1},
	)
}

// repeated is a piece of a zip part: data written copies times.
type repeated struct {
	data   []byte
	copies int
}

// withRawPart replaces a part of the archive with the pieces, compressing each piece once: a flushed
// deflate block inflates to the same bytes wherever it is replayed, so a huge part costs little.
func withRawPart(t *testing.T, archive []byte, name string, pieces ...repeated) []byte {
	t.Helper()
	var compressed bytes.Buffer
	h := crc32.NewIEEE()
	var size uint64
	for _, p := range pieces {
		var b bytes.Buffer
		fw, err := flate.NewWriter(&b, flate.BestCompression)
		must(t, err)
		_, err = fw.Write(p.data)
		must(t, err)
		must(t, fw.Flush())
		compressed.Write(bytes.Repeat(b.Bytes(), p.copies))
		for range p.copies {
			h.Write(p.data)
		}
		size += uint64(len(p.data) * p.copies)
	}
	compressed.Write([]byte{0x01, 0x00, 0x00, 0xFF, 0xFF})
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	must(t, err)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name != name {
			must(t, zw.Copy(f))
		}
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: h.Sum32(),
		CompressedSize64: uint64(compressed.Len()), UncompressedSize64: size})
	must(t, err)
	_, err = w.Write(compressed.Bytes())
	must(t, err)
	must(t, zw.Close())
	return out.Bytes()
}
