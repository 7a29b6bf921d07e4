package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
)

// buildXLSX writes a workbook whose first sheet "Sheet1" holds rows from A1;
// edit may change the file further (formulas, merges, more sheets).
func buildXLSX(t testing.TB, rows [][]any, edit func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatalf("SetSheetRow: %v", err)
		}
	}
	if edit != nil {
		edit(f)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatalf("write xlsx: %v", err)
	}
	return buf.Bytes()
}

// must fails the test on an excelize setup error.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// replacePart rewrites a zip, swapping the content of part name for what
// write produces (or dropping it when write is nil).
func replacePart(t testing.TB, archive []byte, name string, write func(w io.Writer)) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name == name {
			continue
		}
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	if write != nil {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		write(w)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// sheetXML wraps row elements into a worksheet part.
func sheetXML(w io.Writer, rows func(w io.Writer), tail string) {
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	rows(w)
	io.WriteString(w, `</sheetData>`+tail+`</worksheet>`)
}

// readAll opens data and drains it, failing the test on any error.
func readAll(t testing.TB, data []byte, name string, lim Limits, opts ...Option) (*Reader, []Row) {
	t.Helper()
	rd, err := Open(bytes.NewReader(data), name, lim, opts...)
	if err != nil {
		t.Fatalf("Open(%s) error = %v", name, err)
	}
	t.Cleanup(func() { rd.Close() })
	var rows []Row
	for {
		row, err := rd.Next()
		if err == io.EOF {
			return rd, rows
		}
		if err != nil {
			t.Fatalf("Next() after %d rows: error = %v", len(rows), err)
		}
		rows = append(rows, row)
	}
}

// drain opens data and reads it to the end, returning the first error other
// than io.EOF (from Open or Next) and the rows read before it.
func drain(data []byte, name string, lim Limits, opts ...Option) ([]Row, error) {
	rd, err := Open(bytes.NewReader(data), name, lim, opts...)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	var rows []Row
	for {
		row, err := rd.Next()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return rows, err
		}
		rows = append(rows, row)
	}
}

// wantCode checks that err is an *Error with code, a Vietnamese message and
// the given row (-1: any row).
func wantCode(t testing.TB, err error, code string, row int) *Error {
	t.Helper()
	e, ok := AsError(err)
	if !ok {
		t.Fatalf("error = %v (%T), want *Error with code %q", err, err, code)
	}
	if e.Code != code {
		t.Fatalf("error code = %q (%v), want %q", e.Code, e, code)
	}
	if row >= 0 && e.Row != row {
		t.Errorf("error row = %d, want %d (%v)", e.Row, row, e)
	}
	if !looksVietnamese(e.Message) {
		t.Errorf("message %q does not look Vietnamese", e.Message)
	}
	if !strings.HasPrefix(e.Error(), "sheet: ") {
		t.Errorf("Error() = %q, want prefix %q", e.Error(), "sheet: ")
	}
	return e
}

// looksVietnamese is a crude check that a message is written for officers:
// it holds at least one letter with a Vietnamese diacritic.
func looksVietnamese(s string) bool {
	return strings.ContainsAny(s, "ăâđêôơưáàảãạếềểễệốồổỗộớờởỡợúùủũụứừửữựíìỉĩịýỳỷỹỵéèẻẽẹóòỏõọ")
}

// budget fails the test if fn allocates more than maxAlloc bytes: the hostile cases must stay
// cheap, whatever the size of the input. (Time is measured by the benchmarks, not asserted here.)
func budget(t testing.TB, maxAlloc uint64, fn func()) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	t.Logf("allocated %d KiB", (after.TotalAlloc-before.TotalAlloc)>>10)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > maxAlloc {
		t.Errorf("allocated %d MiB, want at most %d MiB", alloc>>20, maxAlloc>>20)
	}
}

// utf16Bytes encodes s as UTF-16 with a BOM in the given byte order.
func utf16Bytes(s string, order binary.ByteOrder) []byte {
	units := utf16.Encode([]rune(s))
	out := make([]byte, 2+2*len(units))
	order.PutUint16(out, 0xFEFF)
	for i, u := range units {
		order.PutUint16(out[2+2*i:], u)
	}
	return out
}

// cellsOf returns the cells of rows, for compact comparisons.
func cellsOf(rows []Row) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = r.Cells
	}
	return out
}

func numbersOf(rows []Row) []int {
	out := make([]int, len(rows))
	for i, r := range rows {
		out[i] = r.Number
	}
	return out
}

// infiniteReader yields 'a' forever and counts what it gave.
type infiniteReader struct{ n int64 }

func (r *infiniteReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	r.n += int64(len(p))
	return len(p), nil
}

var errBoom = errors.New("boom")

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errBoom }
