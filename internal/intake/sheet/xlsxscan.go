package sheet

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"hotro/internal/vntext"
)

// cellRange is a rectangle of cells, 1-based and inclusive.
type cellRange struct {
	col1, row1, col2, row2 int
}

func (r cellRange) String() string {
	a := columnName(r.col1-1) + itoa(r.row1)
	if r.col1 == r.col2 && r.row1 == r.row2 {
		return a
	}
	return a + ":" + columnName(r.col2-1) + itoa(r.row2)
}

// parseRange reads "A5:C9" or "A5".
func parseRange(ref string) (cellRange, error) {
	first, second, found := strings.Cut(ref, ":")
	c1, r1, err := parseCellRef(first)
	if err != nil {
		return cellRange{}, err
	}
	c2, r2 := c1, r1
	if found {
		if c2, r2, err = parseCellRef(second); err != nil {
			return cellRange{}, err
		}
	}
	return cellRange{min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)}, nil
}

// maxSheetRows and maxSheetCols are Excel's sheet bounds.
const (
	maxSheetRows = 1_048_576
	maxSheetCols = 16_384
)

// parseCellRef reads "AB12" (absolute "$AB$12" too) into column 28, row 12.
func parseCellRef(ref string) (col, row int, err error) {
	ref = strings.ReplaceAll(ref, "$", "")
	i := 0
	for i < len(ref) && i < 4 {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		i++
	}
	row, err = strconv.Atoi(ref[i:])
	if i == 0 || err != nil || col > maxSheetCols || row < 1 || row > maxSheetRows {
		return 0, 0, fmt.Errorf("bad cell reference %q", ref)
	}
	return col, row, nil
}

// scanMerges reads the worksheet part to its end and returns its merged
// ranges. It looks only for <mergeCell> tags in the raw bytes (they follow
// the cell data), which is far cheaper than tokenising a sheet that may hold
// a million empty rows. Reading to the end also makes archive/zip check the
// part's size and checksum.
func scanMerges(part *zip.File, maxRanges int) ([]cellRange, error) {
	rc, err := part.Open()
	if err != nil {
		return nil, &Error{Code: CodeBadXLSX, Message: msgBadXLSX, cause: err}
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, 64<<10)
	var ranges []cellRange
	for {
		_, err := br.ReadSlice('<')
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF {
			return ranges, nil
		}
		if err != nil {
			return nil, &Error{Code: CodeBadXLSX, Message: msgBadXLSX, cause: err}
		}
		tag, _ := br.Peek(512) // a shorter tag near the end of the part is fine
		end := bytes.IndexAny(tag, " \t\r\n/>")
		if end < 0 {
			continue
		}
		name := tag[:end]
		if i := bytes.IndexByte(name, ':'); i >= 0 {
			name = name[i+1:]
		}
		if string(name) != "mergeCell" {
			continue
		}
		r, err := mergeRef(tag)
		if err != nil {
			return nil, &Error{Code: CodeBadXLSX, Message: msgBadXLSX, cause: err}
		}
		if len(ranges) == maxRanges {
			return nil, &Error{Code: CodeMergedCells, Message: "Trang tính có quá nhiều vùng ô gộp (hơn " + vntext.Number(int64(maxRanges)) + "). Hãy chọn toàn bộ trang, bỏ gộp ô (Unmerge) rồi lưu lại."}
		}
		ranges = append(ranges, r)
	}
}

// mergeRef reads the ref attribute of a <mergeCell ...> tag.
func mergeRef(tag []byte) (cellRange, error) {
	gt := bytes.IndexByte(tag, '>')
	if gt < 0 {
		return cellRange{}, errors.New("mergeCell tag too long")
	}
	tag = tag[:gt]
	for _, q := range []string{`"`, `'`} {
		i := bytes.Index(tag, []byte(" ref="+q))
		if i < 0 {
			i = bytes.Index(tag, []byte("\tref="+q))
		}
		if i < 0 {
			continue
		}
		val := tag[i+6:]
		j := bytes.Index(val, []byte(q))
		if j < 0 {
			break
		}
		return parseRange(string(val[:j]))
	}
	return cellRange{}, fmt.Errorf("mergeCell without ref: %q", tag)
}

// mergeIndex answers which merged ranges cover a row, for rows asked in
// increasing order.
type mergeIndex struct {
	byStart []cellRange // sorted by first row
	next    int         // first range of byStart not yet active
	active  []cellRange
}

func newMergeIndex(ranges []cellRange) mergeIndex {
	slices.SortStableFunc(ranges, func(a, b cellRange) int { return a.row1 - b.row1 })
	return mergeIndex{byStart: ranges}
}

func (m *mergeIndex) covering(row int) []cellRange {
	for m.next < len(m.byStart) && m.byStart[m.next].row1 <= row {
		m.active = append(m.active, m.byStart[m.next])
		m.next++
	}
	m.active = slices.DeleteFunc(m.active, func(r cellRange) bool { return r.row2 < row })
	return m.active
}

// cellMark is a cell that must not be taken at face value.
type cellMark struct {
	col     int  // 1-based
	formula bool // true: holds a formula; false: holds an error value (#N/A…)
}

func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
