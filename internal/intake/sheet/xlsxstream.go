package sheet

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"hotro/internal/vntext"
)

// The worksheet and its shared strings are read as a stream, in memory bounded whatever their
// size: a few hundred kilobytes of zip can inflate to a 250 MB sheet, and a reader that builds the
// sheet's cells, one cell's text, one row's cells or the whole string table in memory would take
// gigabytes. Here the XML decoder never holds more than maxMarkupRun bytes at once (guard), one cell
// keeps at most what Reader needs to call it too long (cellCap), one row at most MaxColumns+1 cells,
// and the shared strings at most Limits.MaxSharedStrings bytes, past which the file is refused.

// maxMarkupRun is the longest stretch of a part without a '<' (one tag, or the text between two
// tags) the decoder may be handed; a real cell holds a few kilobytes at most.
const maxMarkupRun = 1 << 20

// maxDepth bounds the nesting of elements (a worksheet nests five deep).
const maxDepth = 64

var errMarkupRun = errors.New("xml: markup or text run too long")

// Bounds on the elements of one row and one cell: Excel writes at most maxSheetCols cells a row,
// and a cell's rich text has a few runs, not millions (which cost time to read, if not memory).
const maxCellElements = 4096

var errTooManyElements = errors.New("xml: too many elements in a row or a cell")

// tooLongRun is the refusal of a part that guard stopped for a run over maxMarkupRun, or nil for
// any other error.
func tooLongRun(err error) *Error {
	if errors.Is(err, errTooManyElements) {
		return &Error{Code: CodeZipBomb, cause: err, Message: "Tệp Excel có một dòng hoặc một ô chứa quá nhiều thành phần (hơn " + vntext.Number(maxSheetCols) +
			" ô một dòng, hoặc hơn " + vntext.Number(maxCellElements) + " đoạn chữ một ô), hệ thống từ chối để đảm bảo an toàn. Hãy sao chép dữ liệu sang một tệp Excel mới, lưu lại rồi tải lên, hoặc lưu dạng CSV UTF-8."}
	}
	if !errors.Is(err, errMarkupRun) {
		return nil
	}
	return &Error{Code: CodeZipBomb, cause: err, Message: "Tệp Excel có một ô hoặc một đoạn dữ liệu dài hơn " + formatBytes(maxMarkupRun) +
		", hệ thống từ chối để đảm bảo an toàn. Hãy sao chép dữ liệu sang một tệp Excel mới, lưu lại rồi tải lên, hoặc lưu dạng CSV UTF-8."}
}

// guard passes a part's XML through, refusing what would make the decoder buffer much of it:
// a run longer than maxMarkupRun without '<', comments, CDATA sections and DTDs (which Excel never
// writes into these parts, and which the decoder reads whole), and a processing instruction longer
// than maxMarkupRun.
type guard struct {
	r       io.Reader
	run     int  // bytes since the last '<' that started a tag
	afterLT bool // the last byte was '<'
	inPI    bool // inside <? ... ?>
	prev    byte
	err     error
}

func (g *guard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for i := range n {
		b := p[i]
		switch {
		case g.afterLT && b == '!':
			g.err = errors.New("xml: comments, CDATA and DTDs are not accepted")
		case g.afterLT && b == '?':
			g.inPI = true
		case g.inPI && g.prev == '?' && b == '>':
			g.inPI = false
		}
		g.afterLT = b == '<' && !g.inPI
		if g.afterLT {
			g.run = 0
		} else if g.run++; g.run > maxMarkupRun {
			g.err = errMarkupRun
		}
		g.prev = b
		if g.err != nil {
			return i, g.err
		}
	}
	return n, err
}

// cellCap is how many bytes of a cell's text are kept: enough for Reader to find it too long
// (more than MaxCellLength characters) even when every character came from a 7-byte _xHHHH_ escape.
func cellCap(lim Limits) int { return 7 * (lim.MaxCellLength + 2) }

// cappedText gathers text up to a cap, dropping the rest.
type cappedText struct {
	b   []byte
	cap int
}

func (t *cappedText) add(s []byte) {
	if room := t.cap - len(t.b); room > 0 {
		t.b = append(t.b, s[:min(len(s), room)]...)
	}
}

// text returns the gathered text, cut at a character boundary, with Excel's _xHHHH_ escapes
// decoded.
func (t *cappedText) text() string {
	b := t.b
	if len(b) == t.cap {
		for len(b) > 0 && !utf8.Valid(b[max(0, len(b)-utf8.UTFMax):]) {
			b = b[:len(b)-1]
		}
	}
	return unescapeExcel(string(b))
}

func (t *cappedText) reset() { t.b = t.b[:0] }

var excelEscape = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)

// unescapeExcel decodes the _xHHHH_ escapes Excel writes for characters XML cannot hold, as
// excelize does: _x005F_ is "_", an escape of a lone surrogate is dropped.
func unescapeExcel(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	return excelEscape.ReplaceAllStringFunc(s, func(m string) string {
		if m == "_x005F_" {
			return "_"
		}
		v, _ := strconv.Unquote(`"\u` + m[2:6] + `"`)
		return v
	})
}

// sharedStrings is a workbook's string table in one buffer.
type sharedStrings struct {
	text []byte
	ends []uint32 // end of each string in text
}

func (s *sharedStrings) get(i int) string {
	if i < 0 || i >= len(s.ends) {
		return ""
	}
	start := uint32(0)
	if i > 0 {
		start = s.ends[i-1]
	}
	return string(s.text[start:s.ends[i]])
}

// readSharedStrings reads the string table part (nil: none), keeping at most
// lim.MaxSharedStrings bytes (text, and four bytes a string).
func readSharedStrings(part *zip.File, lim Limits) (*sharedStrings, error) {
	sst := &sharedStrings{}
	if part == nil {
		return sst, nil
	}
	rc, err := part.Open()
	if err != nil {
		return nil, &Error{Code: CodeBadXLSX, Message: msgBadXLSX, cause: err}
	}
	defer rc.Close()
	dec := xml.NewDecoder(&guard{r: rc})
	dec.Strict = true
	cur := cappedText{cap: cellCap(lim)}
	var inSI, inPhonetic, inText bool
	depth, siDepth, elements := 0, 0, 0
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return sst, nil
		}
		if e := tooLongRun(err); e != nil {
			return nil, e
		}
		if err != nil {
			return nil, &Error{Code: CodeBadXLSX, Message: msgBadXLSX, cause: fmt.Errorf("shared strings: %w", err)}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth++; depth > maxDepth {
				return nil, &Error{Code: CodeBadXLSX, Message: msgBadXLSX, cause: errors.New("shared strings nest too deep")}
			}
			if inSI {
				if elements++; elements > maxCellElements {
					return nil, tooLongRun(errTooManyElements)
				}
			}
			switch name := t.Name.Local; {
			case name == "si" && !inSI:
				inSI, siDepth, elements = true, depth, 0
				cur.reset()
			case inSI && name == "rPh":
				inPhonetic = true
			case inSI && !inPhonetic && name == "t":
				inText = true
			}
		case xml.EndElement:
			switch name := t.Name.Local; {
			case inSI && depth == siDepth && name == "si":
				inSI = false
				s := cur.text()
				if int64(len(sst.text)+len(s)+4*(len(sst.ends)+1)) > lim.MaxSharedStrings {
					return nil, &Error{Code: CodeZipBomb, Message: "Tệp Excel có bảng chữ dùng chung quá lớn khi giải nén (hơn " + formatBytes(lim.MaxSharedStrings) +
						"), hệ thống từ chối để đảm bảo an toàn. Hãy sao chép dữ liệu sang một tệp Excel mới, lưu lại rồi tải lên, hoặc lưu dạng CSV UTF-8."}
				}
				sst.text = appendCapped(sst.text, int(lim.MaxSharedStrings), []byte(s)...)
				sst.ends = appendCapped(sst.ends, int(lim.MaxSharedStrings/4), uint32(len(sst.text)))
			case name == "rPh":
				inPhonetic = false
			case name == "t":
				inText = false
			}
			depth--
		case xml.CharData:
			if inSI && inText && !inPhonetic {
				cur.add(t)
			}
		}
	}
}

// appendCapped appends like append, but never grows s beyond limit elements
// (unless v needs it), so that the table stays within its bound while it grows.
func appendCapped[T any](s []T, limit int, v ...T) []T {
	if need := len(s) + len(v); need > cap(s) {
		n := max(min(max(2*cap(s), 1024), limit), need)
		grown := make([]T, len(s), n)
		copy(grown, s)
		s = grown
	}
	return append(s, v...)
}

// rowCursor reads a worksheet's rows one at a time: for each, its cells' values (shared strings
// looked up) and the cells that hold formulas or error values. Rows missing between two rows of the
// part come back empty, one at a time, as Excel numbers them.
type rowCursor struct {
	rc    io.ReadCloser
	dec   *xml.Decoder
	sst   *sharedStrings
	lim   Limits
	depth int
	row   int  // number of the last <row> read
	done  bool // </sheetData> or the end of the part was reached
	// a <row> start read ahead, not yet returned
	pending    bool
	pendingNum int
	seen       int // formula and error cells so far
	first      string
	cell       cappedText
}

func newRowCursor(part *zip.File, sst *sharedStrings, lim Limits) (*rowCursor, error) {
	rc, err := part.Open()
	if err != nil {
		return nil, err
	}
	dec := xml.NewDecoder(&guard{r: rc})
	dec.Strict = true
	return &rowCursor{rc: rc, dec: dec, sst: sst, lim: lim, cell: cappedText{cap: cellCap(lim)}}, nil
}

func (c *rowCursor) token() (xml.Token, error) {
	tok, err := c.dec.RawToken()
	if err != nil {
		return nil, err
	}
	switch tok.(type) {
	case xml.StartElement:
		if c.depth++; c.depth > maxDepth {
			return nil, errors.New("worksheet nests too deep")
		}
	case xml.EndElement:
		c.depth--
	}
	return tok, nil
}

// next returns the cells and marks of row num (the row after the last one asked for), or io.EOF
// after the last row.
func (c *rowCursor) next(num int) ([]string, []cellMark, error) {
	for !c.pending {
		if c.done {
			return nil, nil, io.EOF
		}
		tok, err := c.token()
		if err == io.EOF {
			c.done = true
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "row" {
				n := c.row + 1
				if r := attr(t, "r"); r != "" {
					v, err := strconv.Atoi(r)
					if err != nil || v < 1 || v > maxSheetRows {
						return nil, nil, fmt.Errorf("bad row number %q", r)
					}
					n = v
				}
				c.row, c.pending, c.pendingNum = n, true, n
			}
		case xml.EndElement:
			if t.Name.Local == "sheetData" {
				c.done = true
			}
		}
	}
	if c.pendingNum > num {
		return nil, nil, nil // a row missing from the part: empty
	}
	c.pending = false
	return c.readRow()
}

// readRow reads the content of the current row up to </row>, as excelize's row iterator would
// return it: a cell's value goes after the cells before it, padded with empty cells up to its
// column. Past MaxColumns only whether some cell holds a value is kept.
func (c *rowCursor) readRow() ([]string, []cellMark, error) {
	var cells []string
	var marks []cellMark
	col, count := 0, 0
	for {
		tok, err := c.token()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "c" {
				continue
			}
			if count++; count > maxSheetCols {
				return nil, nil, errTooManyElements
			}
			col++
			if r := attr(t, "r"); r != "" {
				n, _, err := parseCellRef(r)
				if err != nil {
					return nil, nil, err
				}
				col = n
			}
			value, formula, err := c.readCell(t)
			if err != nil {
				return nil, nil, err
			}
			isError := attr(t, "t") == "e"
			if isError || formula {
				marks = append(marks, cellMark{col: col, formula: formula})
				if err := c.count(col); err != nil {
					return nil, nil, err
				}
			}
			if value == "" && !formula {
				continue
			}
			if len(cells) >= c.lim.MaxColumns || col > c.lim.MaxColumns {
				if trimCell(value) != "" {
					// Reader refuses the row, and the file with it: no need to read on.
					for len(cells) < c.lim.MaxColumns {
						cells = append(cells, "")
					}
					return append(cells, "…"), marks, nil
				}
				continue
			}
			for len(cells) < col-1 {
				cells = append(cells, "")
			}
			cells = append(cells, value)
		case xml.EndElement:
			if t.Name.Local == "row" {
				return cells, marks, nil
			}
		}
	}
}

// readCell reads a <c> element to its end: its value and whether it holds a formula.
func (c *rowCursor) readCell(start xml.StartElement) (value string, formula bool, err error) {
	kind := attr(start, "t")
	depth := c.depth
	c.cell.reset()
	in := "" // "v", "is-t" (a <t> of the inline string, not of a phonetic run)
	phonetic := false
	elements := 0
	for {
		tok, err := c.token()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return "", false, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if elements++; elements > maxCellElements {
				return "", false, errTooManyElements
			}
			switch t.Name.Local {
			case "f":
				formula = true
			case "v":
				if kind != "inlineStr" {
					in = "v"
				}
			case "rPh":
				phonetic = true
			case "t":
				if kind == "inlineStr" && !phonetic {
					in = "is-t"
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v", "t":
				in = ""
			case "rPh":
				phonetic = false
			}
			if c.depth < depth {
				return c.value(kind), formula, nil
			}
		case xml.CharData:
			if in != "" {
				c.cell.add(t)
			}
		}
	}
}

// value is a cell's value from what readCell gathered, as excelize gives it with RawCellValue.
func (c *rowCursor) value(kind string) string {
	switch kind {
	case "s":
		raw := strings.TrimSpace(string(c.cell.b))
		if raw == "" {
			return ""
		}
		i, _ := strconv.Atoi(raw)
		return c.sst.get(i)
	case "inlineStr":
		return c.cell.text()
	}
	return string(c.cell.b)
}

// count tallies one more formula or error cell and refuses the file past the limit.
func (c *rowCursor) count(col int) error {
	if c.seen == 0 {
		c.first = columnName(col-1) + itoa(c.row)
	}
	if c.seen++; c.seen <= c.lim.MaxFormulaCells {
		return nil
	}
	return &Error{Code: CodeFormula, Message: "Tệp có hơn " + vntext.Number(int64(c.lim.MaxFormulaCells)) + " ô chứa công thức hoặc giá trị lỗi (ô đầu tiên: " + c.first + "). Hãy chọn toàn bộ bảng, Sao chép rồi Dán đặc biệt → Giá trị (Paste Special → Values), sửa các ô lỗi và tải lên lại."}
}

func (c *rowCursor) close() error { return c.rc.Close() }
