package sheet

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// xlsxBombs are workbooks of a few hundred kilobytes whose sheet, or string table, inflates to
// about n MiB, each in a shape that would make a reader hold it in memory: many rows, one huge
// cell, one row of millions of cells (with values, or only styled), a cell of a million rich-text
// runs, a huge table of shared strings.
func xlsxBombs(t testing.TB, n int) map[string][]byte {
	base := buildXLSX(t, [][]any{{"Họ tên"}, {"An"}}, nil)
	head := []byte(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Họ tên</t></is></c></row>`)
	tail := []byte(`</sheetData></worksheet>`)
	const mib = 1 << 20
	sheet := func(pieces ...repeated) []byte {
		part, crc, size := deflateParts(t, append(append([]repeated{{head, 1}}, pieces...), repeated{tail, 1})...)
		return withRawPart(t, base, "xl/worksheets/sheet1.xml", part, crc, size)
	}
	part, crc, size := deflateParts(t,
		repeated{[]byte(`<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`), 1},
		repeated{[]byte(strings.Repeat(`<si><t>x</t></si>`, mib/16)), n}, repeated{[]byte(`</sst>`), 1})
	return map[string][]byte{
		"rows":   sheet(repeated{[]byte(strings.Repeat(`<row><c t="inlineStr"><is><t>bomb</t></is></c></row>`, mib/50)), n}),
		"cell":   sheet(repeated{[]byte(`<row><c t="inlineStr"><is><t>`), 1}, repeated{bytes.Repeat([]byte("a"), mib), n}, repeated{[]byte(`</t></is></c></row>`), 1}),
		"wide":   sheet(repeated{[]byte(`<row>`), 1}, repeated{[]byte(strings.Repeat(`<c><v>1</v></c>`, mib/15)), n}, repeated{[]byte(`</row>`), 1}),
		"runs":   sheet(repeated{[]byte(`<row><c t="inlineStr"><is>`), 1}, repeated{[]byte(strings.Repeat(`<r><t>ab</t></r>`, mib/16)), n}, repeated{[]byte(`</is></c></row>`), 1}),
		"styled": sheet(repeated{[]byte(`<row>`), 1}, repeated{[]byte(strings.Repeat(`<c s="1"/>`, mib/10)), n}, repeated{[]byte(`</row>`), 1}),
		"shared": withRawPart(t, base, "xl/sharedStrings.xml", part, crc, size),
	}
}

// maxExtraMemory is what reading any accepted file may add to the heap, whatever its sheet.
const maxExtraMemory = 64 << 20

// bombMiB is the inflated size of the bombs of the test: enough for a reader that holds a sheet,
// a row, a cell or the string table in memory to take several times maxExtraMemory.
// BenchmarkXLSXBombs reads bombs of 240 MiB.
const bombMiB = 96

// count opens data and reads it to the end without keeping the rows.
func count(data []byte) (int, error) {
	rd, err := Open(bytes.NewReader(data), "ds.xlsx", Limits{})
	if err != nil {
		return 0, err
	}
	defer rd.Close()
	n := 0
	for {
		_, err := rd.Next()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

// BenchmarkXLSXBombs reads 240 MiB bombs and reports the heap each took at most (peak-MiB, an
// upper bound: the heap taken from the system less the heap in use before) and its time.
func BenchmarkXLSXBombs(b *testing.B) {
	for name, data := range xlsxBombs(b, 240) {
		b.Run(name, func(b *testing.B) {
			var peak uint64
			for range b.N {
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				if _, err := count(data); err != nil {
					if _, ok := AsError(err); !ok {
						b.Fatal(err)
					}
				}
				runtime.ReadMemStats(&after)
				peak = max(peak, after.HeapSys-before.HeapInuse)
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
		})
	}
}

// TestXLSXMemoryIsBounded reads each bomb in a process of its own (so that the heap it finds is its
// own) and checks that the heap never grew past maxExtraMemory: the heap the runtime took from the
// system after reading, less the heap in use before, bounds the peak from above. Each bomb is read
// within the bound, or refused with a Vietnamese message.
func TestXLSXMemoryIsBounded(t *testing.T) {
	if name := os.Getenv("HOTRO_SHEET_MEMORY_CASE"); name != "" {
		data := xlsxBombs(t, bombMiB)[name]
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		rows, err := count(data)
		runtime.ReadMemStats(&after)
		msg, code := "", ""
		if e, ok := AsError(err); ok {
			msg, code = e.Message, e.Code
		} else if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fmt.Printf("file=%d extra=%d rows=%d code=%s msg=%s\n", len(data), after.HeapSys-before.HeapInuse, rows, code, msg)
		return
	}
	if testing.Short() {
		t.Skip("reads 600 MB of XML")
	}
	out := regexp.MustCompile(`file=(\d+) extra=(\d+) rows=(\d+) code=(\S*) msg=(.*)`)
	for name := range xlsxBombs(t, bombMiB) {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestXLSXMemoryIsBounded$", "-test.count=1")
			cmd.Env = append(os.Environ(), "HOTRO_SHEET_MEMORY_CASE="+name)
			got, err := cmd.CombinedOutput()
			m := out.FindSubmatch(got)
			if err != nil || m == nil {
				t.Fatalf("%v: %s", err, got)
			}
			file, _ := strconv.Atoi(string(m[1]))
			extra, _ := strconv.ParseUint(string(m[2]), 10, 64)
			t.Logf("%d KiB file: heap grew at most %d MiB; %s rows, code %q: %s", file>>10, extra>>20, m[3], m[4], m[5])
			if extra > maxExtraMemory {
				t.Errorf("heap grew up to %d MiB reading it, want at most %d MiB", extra>>20, maxExtraMemory>>20)
			}
			if code := string(m[4]); code != "" && !looksVietnamese(string(m[5])) {
				t.Errorf("refused (%s) without a Vietnamese message: %s", code, m[5])
			}
		})
	}
}

// TestXLSXLongRunsAreRefused: a cell of more than a megabyte, in the sheet or in the shared
// strings, refuses the file in Vietnamese before the decoder holds it; so does a row of more cells
// than Excel has columns, or a cell of thousands of rich-text runs (cheap in memory, not in time).
func TestXLSXLongRunsAreRefused(t *testing.T) {
	base := buildXLSX(t, [][]any{{"Họ tên"}, {"An"}}, nil)
	long := strings.Repeat("a", maxMarkupRun+1)
	for name, data := range map[string][]byte{
		"sheet": replacePart(t, base, "xl/worksheets/sheet1.xml", func(w io.Writer) {
			sheetXML(w, func(w io.Writer) {
				io.WriteString(w, `<row r="1"><c r="A1" t="inlineStr"><is><t>Họ tên</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>`+long+`</t></is></c></row>`)
			}, "")
		}),
		"shared strings": replacePart(t, base, "xl/sharedStrings.xml", func(w io.Writer) {
			io.WriteString(w, `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Họ tên</t></si><si><t>`+long+`</t></si></sst>`)
		}),
		"a row of 20,000 styled cells": replacePart(t, base, "xl/worksheets/sheet1.xml", func(w io.Writer) {
			sheetXML(w, func(w io.Writer) {
				io.WriteString(w, `<row r="1"><c r="A1" t="inlineStr"><is><t>Họ tên</t></is></c></row><row r="2">`+strings.Repeat(`<c s="1"/>`, 20_000)+`</row>`)
			}, "")
		}),
		"a cell of 5,000 runs": replacePart(t, base, "xl/worksheets/sheet1.xml", func(w io.Writer) {
			sheetXML(w, func(w io.Writer) {
				io.WriteString(w, `<row r="1"><c r="A1" t="inlineStr"><is>`+strings.Repeat(`<r><t>a</t></r>`, 5_000)+`</is></c></row>`)
			}, "")
		}),
		"a shared string of 5,000 runs": replacePart(t, base, "xl/sharedStrings.xml", func(w io.Writer) {
			io.WriteString(w, `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si>`+strings.Repeat(`<r><t>a</t></r>`, 5_000)+`</si></sst>`)
		}),
		"comment": replacePart(t, base, "xl/worksheets/sheet1.xml", func(w io.Writer) {
			sheetXML(w, func(w io.Writer) { io.WriteString(w, `<!-- `+strings.Repeat("<a>", 10)+` -->`) }, "")
		}),
	} {
		t.Run(name, func(t *testing.T) {
			budget(t, 16<<20, func() {
				_, err := drain(data, "ds.xlsx", Limits{})
				e, ok := AsError(err)
				want := CodeZipBomb
				if name == "comment" {
					want = CodeBadXLSX // Excel writes none; the decoder would read it whole
				}
				if !ok || e.Code != want || !looksVietnamese(e.Message) {
					t.Fatalf("error = %v, want the file refused (%s)", err, want)
				}
			})
		})
	}
}
