package sheet

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestOpenCSVReadsEncodingsAndDelimiters(t *testing.T) {
	const tsv = "Họ và tên\tSố CCCD/CMND\tSố tiền\r\nNguyễn Văn An\t019123456789\t750.000\r\nTrần Thị Bình\t019987654321\t1.000.000\r\n"
	wantHeader := []string{"Họ và tên", "Số CCCD/CMND", "Số tiền"}
	wantCells := [][]string{{"Nguyễn Văn An", "019123456789", "750.000"}, {"Trần Thị Bình", "019987654321", "1.000.000"}}
	tests := []struct {
		name string
		file string
		data []byte
	}{
		{"utf-8 comma", "ds.csv", []byte(strings.ReplaceAll(tsv, "\t", ","))},
		{"utf-8 with BOM", "ds.csv", append([]byte{0xEF, 0xBB, 0xBF}, strings.ReplaceAll(tsv, "\t", ",")...)},
		{"semicolon (Excel in a comma-decimal locale)", "ds.csv", []byte(strings.ReplaceAll(tsv, "\t", ";"))},
		{"utf-8 tab", "ds.tsv", []byte(tsv)},
		{"utf-16 LE tab (Excel Unicode text)", "ds.txt", utf16Bytes(tsv, binary.LittleEndian)},
		{"utf-16 BE tab", "ds.txt", utf16Bytes(tsv, binary.BigEndian)},
		{"Excel sep= line", "ds.csv", []byte("sep=;\r\n" + strings.ReplaceAll(tsv, "\t", ";"))},
		{"no extension", "", []byte(strings.ReplaceAll(tsv, "\t", ","))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd, rows := readAll(t, tt.data, tt.file, Limits{})
			if got := rd.Header(); !reflect.DeepEqual(got, wantHeader) {
				t.Errorf("Header() = %q, want %q", got, wantHeader)
			}
			if got := cellsOf(rows); !reflect.DeepEqual(got, wantCells) {
				t.Errorf("cells = %q, want %q", got, wantCells)
			}
			if got, want := numbersOf(rows), []int{2, 3}; !reflect.DeepEqual(got, want) {
				t.Errorf("row numbers = %v, want %v", got, want)
			}
			if rd.Format() != FormatCSV || rd.HeaderRow() != 1 {
				t.Errorf("Format() = %q, HeaderRow() = %d, want csv, 1", rd.Format(), rd.HeaderRow())
			}
		})
	}
}

func TestDetectDelimiter(t *testing.T) {
	tests := []struct {
		name string
		line string
		want byte
	}{
		{"commas", "a,b,c", ','},
		{"semicolons", "a;b;c", ';'},
		{"tabs", "a\tb\tc", '\t'},
		{"single column", "Họ và tên", ','},
		{"comma inside quotes does not count", `"Họ, tên";"CCCD";"Số tiền"`, ';'},
		{"tie prefers tab", "a,b\tc", '\t'},
		{"most frequent wins", "a;b;c,d", ';'},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := detectDelimiter([]byte(tt.line)); got != tt.want {
				t.Errorf("detectDelimiter(%q) = %q, want %q", tt.line, got, tt.want)
			}
		})
	}
}

func TestCSVRowNumbersMatchExcel(t *testing.T) {
	// Blank lines are rows in Excel; a line break inside quotes is not.
	data := "\n\nHọ tên,Địa chỉ\n\"Lê Văn C\",\"Tổ 5,\nphường Tân Lập\"\n\n,,\nHà Thị D,  Tổ 7  \n"
	rd, rows := readAll(t, []byte(data), "ds.csv", Limits{})
	if rd.HeaderRow() != 3 {
		t.Errorf("HeaderRow() = %d, want 3", rd.HeaderRow())
	}
	if got, want := numbersOf(rows), []int{4, 7}; !reflect.DeepEqual(got, want) {
		t.Errorf("row numbers = %v, want %v", got, want)
	}
	want := [][]string{{"Lê Văn C", "Tổ 5,\nphường Tân Lập"}, {"Hà Thị D", "Tổ 7"}}
	if got := cellsOf(rows); !reflect.DeepEqual(got, want) {
		t.Errorf("cells = %q, want %q", got, want)
	}
}

func TestCSVTrimsCells(t *testing.T) {
	data := "Họ tên , Số tiền,,\n\u00a0Nguyễn Văn An\u200b ,750000 ,,\n"
	rd, rows := readAll(t, []byte(data), "ds.csv", Limits{})
	if got, want := rd.Header(), []string{"Họ tên", "Số tiền"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Header() = %q, want %q", got, want)
	}
	if got, want := cellsOf(rows), [][]string{{"Nguyễn Văn An", "750000"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("cells = %q, want %q", got, want)
	}
}

func TestOpenCSVRefusesBadFiles(t *testing.T) {
	tests := []struct {
		name string
		file string
		data []byte
		code string
		row  int
	}{
		{"latin-1", "ds.csv", []byte("Ho ten,So tien\nL\xea V\xe2n An,750000\n"), CodeBadEncoding, 0},
		{"windows-1258 (Vietnamese ANSI)", "ds.csv", []byte("H\xd2 t\xean\nNguy\xd2n\n"), CodeBadEncoding, 0},
		{"NUL byte", "ds.csv", []byte("a,b\nc,\x00\n"), CodeBadEncoding, 0},
		{"utf-16 without BOM", "ds.csv", utf16Bytes("a,b\n", binary.LittleEndian)[2:], CodeBadEncoding, 0},
		{"utf-16 odd length", "ds.txt", append(utf16Bytes("a\tb\n", binary.LittleEndian), 'x'), CodeBadEncoding, 0},
		{"utf-16 lone surrogate", "ds.txt", append(utf16Bytes("a\tb\n", binary.LittleEndian), 0x00, 0xD8, 'a', 0), CodeBadEncoding, 0},
		{"utf-32", "ds.txt", []byte{0xFF, 0xFE, 0, 0, 'a', 0, 0, 0}, CodeBadEncoding, 0},
		{"empty", "ds.csv", nil, CodeEmptyFile, 0},
		{"only blank lines", "ds.csv", []byte("\r\n\r\n  \n,,,\n"), CodeEmptyFile, 0},
		{"header below a thousand blank lines", "ds.csv", []byte(strings.Repeat("\n", 1000) + "a,b\n"), CodeEmptyFile, 0},
		{"bare quote", "ds.csv", []byte("a,b\nc,d\"e\n"), CodeBadCSV, 2},
		{"unclosed quote", "ds.csv", []byte("a,b\n\"c,d\n"), CodeBadCSV, 2},
		{"xlsx extension on text", "ds.xlsx", []byte("a,b\n"), CodeBadFormat, 0},
		{"xls extension on text", "ds.xls", []byte("a,b\n"), CodeBadFormat, 0},
		{"html saved as xls", "ds.xls", []byte("<html><body><table><tr><td>a</td></tr></table></body></html>"), CodeUnsupportedFormat, 0},
		{"pdf", "ds.pdf", []byte("%PDF-1.4 ..."), CodeUnsupportedFormat, 0},
		{"legacy xls", "ds.xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), CodeUnsupportedFormat, 0},
		{"legacy xls named csv", "ds.csv", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), CodeBadFormat, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := drain(tt.data, tt.file, Limits{})
			wantCode(t, err, tt.code, tt.row)
		})
	}
}

func TestOpenRefusesLargeFileReadingLimitPlusOne(t *testing.T) {
	src := &infiniteReader{}
	budget(t, 8<<20, func() {
		_, err := Open(src, "ds.csv", Limits{MaxFileSize: 1 << 20})
		e := wantCode(t, err, CodeFileTooLarge, 0)
		if !strings.Contains(e.Message, "1 MB") {
			t.Errorf("message %q should name the limit", e.Message)
		}
	})
	if want := int64(1<<20 + 1); src.n < want || src.n > want+64<<10 {
		t.Errorf("read %d bytes, want about %d", src.n, want)
	}
}

func TestOpenReportsReadErrors(t *testing.T) {
	_, err := Open(failingReader{}, "ds.csv", Limits{})
	if !errors.Is(err, errBoom) {
		t.Fatalf("Open() error = %v, want it to wrap %v", err, errBoom)
	}
	if _, ok := AsError(err); ok {
		t.Errorf("a read error is not the officer's fault, want a plain error, got *Error")
	}
}

func TestCSVHostileShapes(t *testing.T) {
	tests := []struct {
		name string
		data func() []byte
		lim  Limits
		// wantCode is the error expected from Open or Next, "" for none
		wantCode string
		wantRows int
		wantWarn bool
	}{
		{
			name:     "a million commas on one line",
			data:     func() []byte { return []byte("a,b\n" + strings.Repeat(",", 1_000_000) + "\n") },
			wantCode: CodeTooManyColumns,
		},
		{
			name:     "a million commas in the header",
			data:     func() []byte { return []byte(strings.Repeat("a,", 1_000_000)) },
			wantCode: CodeTooManyColumns,
		},
		{
			name:     "a million empty lines, then data",
			data:     func() []byte { return []byte("a,b\n1,2\n" + strings.Repeat("\n", 1_000_000) + "3,4\n") },
			wantRows: 1, wantWarn: true,
		},
		{
			name:     "a million empty records, then data",
			data:     func() []byte { return []byte("a,b\n1,2\n" + strings.Repeat(",\n", 1_000_000) + "3,4\n") },
			wantRows: 1, wantWarn: true,
		},
		{
			name:     "too many rows",
			data:     func() []byte { return []byte("a\n" + strings.Repeat("1\n", 1_001)) },
			lim:      Limits{MaxRows: 1_000},
			wantCode: CodeTooManyRows,
			wantRows: 1_000,
		},
		{
			name:     "a 5 MB cell",
			data:     func() []byte { return []byte("a,b\n1," + strings.Repeat("x", 5<<20) + "\n") },
			wantRows: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tt.data()
			budget(t, 32<<20+12*uint64(len(data)), func() {
				rd, err := Open(bytes.NewReader(data), "ds.csv", tt.lim)
				var rows []Row
				for err == nil {
					var row Row
					if row, err = rd.Next(); err == nil {
						rows = append(rows, row)
					}
				}
				if tt.wantCode != "" {
					wantCode(t, err, tt.wantCode, -1)
				} else if err != io.EOF {
					t.Fatalf("error = %v, want io.EOF", err)
				}
				if len(rows) != tt.wantRows {
					t.Errorf("read %d rows, want %d", len(rows), tt.wantRows)
				}
				if rd != nil {
					if got := len(rd.Warnings()) > 0; got != tt.wantWarn {
						t.Errorf("warnings = %v, want some: %v", rd.Warnings(), tt.wantWarn)
					}
					rd.Close()
				}
			})
		})
	}
}

func TestCSVEmptyRowStopWarning(t *testing.T) {
	data := "a,b\n1,2\n" + strings.Repeat("\n", 10) + "3,4\n"
	rd, rows := readAll(t, []byte(data), "ds.csv", Limits{MaxEmptyRows: 10})
	if len(rows) != 1 {
		t.Fatalf("read %d rows, want 1", len(rows))
	}
	w := rd.Warnings()
	if len(w) != 1 || w[0].Code != CodeEmptyRowsStop || !w[0].Warning || w[0].Row != 13 {
		t.Fatalf("Warnings() = %v, want one empty_rows_stop warning at row 13", w)
	}
	// One empty row fewer than the limit is read through.
	data = "a,b\n1,2\n" + strings.Repeat("\n", 9) + "3,4\n"
	rd, rows = readAll(t, []byte(data), "ds.csv", Limits{MaxEmptyRows: 10})
	if got, want := numbersOf(rows), []int{2, 12}; !reflect.DeepEqual(got, want) {
		t.Errorf("row numbers = %v, want %v", got, want)
	}
	if len(rd.Warnings()) != 0 {
		t.Errorf("Warnings() = %v, want none", rd.Warnings())
	}
}

func TestCSVCellTooLongIsARowError(t *testing.T) {
	data := "a,b\n1," + strings.Repeat("ư", 11) + "\n2,ok\n"
	_, rows := readAll(t, []byte(data), "ds.csv", Limits{MaxCellLength: 10})
	if len(rows) != 2 {
		t.Fatalf("read %d rows, want 2", len(rows))
	}
	if len(rows[0].Errors) != 1 {
		t.Fatalf("row 2 errors = %v, want one", rows[0].Errors)
	}
	wantCode(t, rows[0].Errors[0], CodeCellTooLong, 2)
	if rows[0].Errors[0].Column != "B" || len(rows[0].Cells) != 1 {
		t.Errorf("error column = %q, cells = %q; want B and the long cell dropped", rows[0].Errors[0].Column, rows[0].Cells)
	}
	if len(rows[1].Errors) != 0 {
		t.Errorf("row 3 errors = %v, want none", rows[1].Errors)
	}
}

func TestNextAfterErrorAndClose(t *testing.T) {
	rd, err := Open(strings.NewReader("a\n1\n2\n"), "ds.csv", Limits{MaxRows: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rd.Next(); err != nil {
		t.Fatalf("first Next() error = %v", err)
	}
	_, err1 := rd.Next()
	_, err2 := rd.Next()
	if err1 == nil || err1 != err2 {
		t.Errorf("errors after the limit = %v, %v; want the same error twice", err1, err2)
	}
	if err := rd.Close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
	if err := rd.Close(); err != nil {
		t.Errorf("second Close() = %v", err)
	}
	if _, err := rd.Next(); err == nil || err == io.EOF {
		t.Errorf("Next() after Close = %v, want an error", err)
	}
}

// BenchmarkHostileCSV measures reading a file of a million empty lines and then one data row: it must
// stay cheap however many empty lines precede the data.
func BenchmarkHostileCSV(b *testing.B) {
	data := []byte("Họ và tên,Số CCCD\n" + strings.Repeat("\n", 1_000_000) + "Nguyễn Văn An,019085001234\n")
	for b.Loop() {
		r, err := Open(bytes.NewReader(data), "ds.csv", Limits{})
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := r.Next(); err != nil {
				break
			}
		}
		r.Close()
	}
}
