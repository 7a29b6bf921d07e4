package sheet

import (
	"bytes"
	"encoding/binary"
	"io"
	"runtime"
	"testing"
	"time"
)

// FuzzOpen feeds arbitrary bytes, as CSV text or XLSX zips, through Open,
// Next and MatchColumns: nothing may panic, and what comes back must keep the
// Reader's promises. Run it with: go test -fuzz FuzzOpen ./internal/intake/sheet/
func FuzzOpen(f *testing.F) {
	f.Add([]byte("Họ tên,Số tiền\nAn,750.000\n\"Bình, Chi\",\"1\n2\"\n"))
	f.Add([]byte("sep=;\nHọ tên;Số tiền\n;\n\nAn;1\n"))
	f.Add(utf16Bytes("Họ tên\tSố tiền\r\nAn\t750000\r\n", binary.LittleEndian))
	f.Add(utf16Bytes("Họ tên\tSố tiền\r\nAn\t750000\r\n", binary.BigEndian))
	f.Add([]byte("a,\"b\nc"))
	f.Add(withSheetXML(f, formulaSheet, `<mergeCells count="1"><mergeCell ref="A2:A3"/></mergeCells>`))
	var tpl bytes.Buffer
	if err := WriteTemplateXLSX(&tpl, nq42Columns); err != nil {
		f.Fatal(err)
	}
	f.Add(tpl.Bytes())

	lim := fuzzLimits()
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog()()
		checkReader(t, data, lim)
	})
}

// FuzzXLSXSheet wraps arbitrary worksheet XML in a valid workbook, to reach
// the XLSX reading that random zip bytes rarely get past.
func FuzzXLSXSheet(f *testing.F) {
	f.Add(formulaSheet, `<mergeCells count="1"><mergeCell ref="A2:A3"/></mergeCells>`)
	f.Add(`<row r="1"><c r="A1" t="s"><v>0</v></c></row><row><c t="e"><v>#REF!</v></c></row>`, "")
	f.Add(`<x:row r="1"><x:c r="B1" t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c></x:row>`, `<mergeCells><mergeCell ref='$A$1:$B$2'/></mergeCells>`)
	base := buildXLSX(f, [][]any{{"Họ tên"}}, nil)
	lim := fuzzLimits()
	f.Fuzz(func(t *testing.T, rows, tail string) {
		defer watchdog()()
		data := replacePart(t, base, "xl/worksheets/sheet1.xml", func(w io.Writer) {
			sheetXML(w, func(w io.Writer) { io.WriteString(w, rows) }, tail)
		})
		checkReader(t, data, lim)
	})
}

func fuzzLimits() Limits {
	return Limits{MaxFileSize: 1 << 20, MaxRows: 500, MaxEmptyRows: 50, MaxColumns: 64, MaxCellLength: 200,
		MaxFormulaCells: 20, MaxMergedRanges: 20, UnzipSizeLimit: 4 << 20, UnzipXMLSizeLimit: 1 << 20}
}

// watchdog turns a run longer than five seconds into a crash that shows
// where it was stuck, so the fuzzer records hangs as failures. Call the
// returned func when done.
func watchdog() (stop func()) {
	timer := time.AfterFunc(5*time.Second, func() {
		buf := make([]byte, 1<<20)
		panic("sheet: fuzz input ran over 5s\n" + string(buf[:runtime.Stack(buf, true)]))
	})
	return func() { timer.Stop() }
}

// checkReader opens data and reads it all, checking the Reader's promises.
func checkReader(t *testing.T, data []byte, lim Limits) {
	rd, err := Open(bytes.NewReader(data), "", lim)
	if err != nil {
		if _, ok := AsError(err); !ok {
			t.Fatalf("Open() error %v is not an *Error", err)
		}
		return
	}
	defer rd.Close()
	if len(rd.Header()) == 0 || len(rd.Header()) > lim.MaxColumns {
		t.Fatalf("Header() = %q, want 1 to %d cells", rd.Header(), lim.MaxColumns)
	}
	MatchColumns(rd.Header(), nq42Matching)
	last := rd.HeaderRow()
	for range lim.MaxRows + 1 {
		row, err := rd.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			if _, ok := AsError(err); !ok {
				t.Fatalf("Next() error %v is not an *Error", err)
			}
			return
		}
		if row.Number <= last {
			t.Fatalf("row number %d after %d", row.Number, last)
		}
		last = row.Number
		if len(row.Cells) > lim.MaxColumns || (len(row.Cells) == 0 && len(row.Errors) == 0) {
			t.Fatalf("row %d has %d cells and %d errors", row.Number, len(row.Cells), len(row.Errors))
		}
		for _, c := range row.Cells {
			ParseDate(c)
			ParseMoney(c)
			ParseInt(c)
		}
	}
	t.Fatalf("Next() returned more than MaxRows rows without an error")
}
