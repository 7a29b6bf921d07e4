package sheet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"hotro/internal/vntext"
)

// Format names what Open found in the upload.
type Format string

// The formats Open reads.
const (
	FormatCSV  Format = "csv"
	FormatXLSX Format = "xlsx"
)

// Row is one non-empty row below the header.
type Row struct {
	// Number is the row number Excel shows (1-based); empty rows are skipped
	// but still counted, and for CSV a line break inside a quoted cell does
	// not start a new row.
	Number int
	// Cells are trimmed; trailing empty cells are dropped, so a row may be
	// shorter than the header (use Mapping.Value to read it safely).
	Cells []string
	// Errors are problems confined to this row (formula or error cells, merged
	// ranges, over-long cells); the offending cells are blank in Cells.
	// Reading goes on normally after such a row.
	Errors []*Error
}

// rawRow is what a source yields: untrimmed cells plus the problems it found.
type rawRow struct {
	num      int
	cells    []string
	problems []*Error // always reported
	merged   []*Error // reported only when the row turns out non-empty
}

// source is one file format behind Reader.
type source interface {
	// next returns the next row, empty or not, in increasing row order, or
	// io.EOF. Any other error ends reading.
	next() (rawRow, error)
	close() error
}

// Reader streams the rows of one uploaded sheet. It is not safe for
// concurrent use.
type Reader struct {
	src       source
	lim       Limits
	format    Format
	sheetName string
	date1904  bool

	header    []string
	headerRow int
	lastRow   int // number of the last non-empty row read (header included)
	dataRows  int
	warnings  []*Error
	err       error // sticky: once set, Next returns it
}

var errClosed = errors.New("sheet: next: reader is closed")

// Open reads the upload r (at most lim.MaxFileSize bytes) and prepares to
// stream it. The format comes from the content: a zip (PK\x03\x04) is read as
// XLSX, anything else as CSV text; filename only serves to refuse a file whose
// extension disagrees with its content (.xlsx that is not a workbook, .csv
// that is a workbook, .xls of any kind). The header is read before Open
// returns.
//
// Problems with the file come back as *Error with a Vietnamese Message; an
// error reading r is returned wrapped as is.
func Open(r io.Reader, filename string, lim Limits, opts ...Option) (*Reader, error) {
	lim = lim.WithDefaults()
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("sheet: open: read upload: %w", err)
	}
	return OpenBytes(data, filename, lim, opts...)
}

// OpenBytes is Open over an upload already in memory, without copying it: data
// must not change while the Reader is in use.
func OpenBytes(data []byte, filename string, lim Limits, opts ...Option) (*Reader, error) {
	lim = lim.WithDefaults()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if int64(len(data)) > lim.MaxFileSize {
		return nil, newError("open", CodeFileTooLarge, "Tệp quá lớn (hơn "+formatBytes(lim.MaxFileSize)+"). Hãy chia danh sách thành nhiều tệp nhỏ hơn.")
	}
	if len(bytes.TrimSpace(bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF}))) == 0 {
		return nil, newError("open", CodeEmptyFile, "Tệp trống, không có dữ liệu.")
	}
	kind := sniff(data)
	if err := checkExtension(extension(filename), kind, data); err != nil {
		return nil, err
	}
	rd := &Reader{lim: lim}
	switch kind {
	case kindZip:
		src, err := openXLSX(data, lim, o)
		if err != nil {
			return nil, withOp("open", err)
		}
		rd.src, rd.format, rd.sheetName, rd.date1904 = src, FormatXLSX, src.sheet, src.date1904
	case kindOLE:
		return nil, newError("open", CodeUnsupportedFormat, msgLegacyExcel)
	case kindPDF:
		return nil, newError("open", CodeUnsupportedFormat, "Tệp PDF không nhập được. Hãy tải lên tệp Excel (.xlsx) hoặc CSV.")
	default:
		if isMarkup(data) {
			return nil, newError("open", CodeUnsupportedFormat, msgMarkup)
		}
		src, err := openCSV(data, lim)
		if err != nil {
			return nil, withOp("open", err)
		}
		rd.src, rd.format = src, FormatCSV
	}
	row, err := rd.nextNonEmpty()
	if err == io.EOF {
		rd.src.close()
		msg := "Không tìm thấy dòng tiêu đề: tệp không có dòng nào có dữ liệu."
		if len(rd.warnings) > 0 {
			msg = "Không tìm thấy dòng tiêu đề: " + vntext.Number(int64(lim.MaxEmptyRows)) + " dòng đầu tiên đều trống. Hãy xoá các dòng trống phía trên bảng."
		}
		return nil, newError("open", CodeEmptyFile, msg)
	}
	if err == nil && len(row.problems) > 0 {
		err = row.problems[0]
	}
	if err != nil {
		rd.src.close()
		return nil, withOp("open", err)
	}
	rd.header, rd.headerRow = row.cells, row.num
	return rd, nil
}

const (
	msgLegacyExcel = `Tệp Excel 97-2003 (.xls) hoặc tệp Excel có đặt mật khẩu không đọc được. Hãy mở tệp bằng Excel, gỡ mật khẩu (nếu có), rồi chọn Lưu thành (Save As) → "Excel Workbook (*.xlsx)" và tải lên lại.`
	msgMarkup      = `Tệp này là trang web (HTML) hoặc XML mang đuôi Excel, thường do phần mềm khác xuất ra, không phải bảng tính thật. Hãy mở tệp bằng Excel rồi chọn Lưu thành (Save As) → "Excel Workbook (*.xlsx)".`
)

// Header returns the header cells (the first non-empty row), trimmed.
func (rd *Reader) Header() []string { return slices.Clone(rd.header) }

// HeaderRow returns the row number of the header.
func (rd *Reader) HeaderRow() int { return rd.headerRow }

// Format returns FormatXLSX or FormatCSV.
func (rd *Reader) Format() Format { return rd.format }

// Sheet returns the name of the XLSX sheet being read, or "" for CSV.
func (rd *Reader) Sheet() string { return rd.sheetName }

// Date1904 reports whether the workbook counts date serials from 1904 (old
// Mac Excel); use Reader.ParseDate rather than ParseDate for its cells.
func (rd *Reader) Date1904() bool { return rd.date1904 }

// Warnings returns the notes gathered so far that do not stop an import,
// such as reading having stopped after Limits.MaxEmptyRows empty rows.
func (rd *Reader) Warnings() []*Error { return slices.Clone(rd.warnings) }

// Next returns the next non-empty row below the header, or io.EOF after the
// last one. A row-level problem is reported in Row.Errors, not as err; a
// non-nil err other than io.EOF (an *Error, e.g. too many rows, or a damaged
// file) ends reading and is returned again by later calls.
func (rd *Reader) Next() (Row, error) {
	if rd.err != nil {
		return Row{}, rd.err
	}
	row, err := rd.nextNonEmpty()
	if err == nil {
		rd.dataRows++
		if rd.dataRows > rd.lim.MaxRows {
			err = &Error{Row: row.num, Code: CodeTooManyRows, Message: "Tệp có hơn " + vntext.Number(int64(rd.lim.MaxRows)) + " dòng dữ liệu. Hãy chia danh sách thành nhiều tệp nhỏ hơn."}
		}
	}
	if err != nil {
		rd.err = withOp("next", err)
		return Row{}, rd.err
	}
	return Row{Number: row.num, Cells: row.cells, Errors: row.problems}, nil
}

// Close releases the reader (and any temporary files of a large XLSX).
func (rd *Reader) Close() error {
	if rd.err == errClosed {
		return nil
	}
	rd.err = errClosed
	return rd.src.close()
}

// nextNonEmpty skips empty rows, cleans cells and enforces the column, cell
// and empty-row limits.
func (rd *Reader) nextNonEmpty() (rawRow, error) {
	for {
		raw, err := rd.src.next()
		if err != nil {
			return rawRow{}, err
		}
		empties := raw.num - rd.lastRow - 1 // empty rows between the last non-empty one and this one
		raw.cells, raw.problems = rd.clean(raw)
		if len(raw.cells) == 0 && len(raw.problems) == 0 {
			if empties+1 >= rd.lim.MaxEmptyRows {
				rd.stopAfterEmptyRows(raw.num, false)
				return rawRow{}, io.EOF
			}
			continue
		}
		if empties >= rd.lim.MaxEmptyRows {
			rd.stopAfterEmptyRows(raw.num, true)
			return rawRow{}, io.EOF
		}
		if len(raw.cells) > rd.lim.MaxColumns {
			return rawRow{}, tooManyColumns(raw.num, rd.lim.MaxColumns)
		}
		raw.problems = append(raw.problems, raw.merged...)
		rd.lastRow = raw.num
		return raw, nil
	}
}

func (rd *Reader) stopAfterEmptyRows(at int, dataFollows bool) {
	n := vntext.Number(int64(rd.lim.MaxEmptyRows))
	msg := "Đã dừng đọc ở dòng " + itoa(at) + " vì gặp " + n + " dòng trống liên tiếp; dữ liệu bên dưới (nếu có) sẽ không được nhập. Nếu còn dữ liệu phía dưới, hãy xoá các dòng trống."
	if dataFollows {
		msg = "Dữ liệu từ dòng " + itoa(at) + " trở đi không được nhập vì nằm sau hơn " + n + " dòng trống liên tiếp. Hãy xoá các dòng trống rồi tải lên lại."
	}
	rd.warnings = append(rd.warnings, &Error{Row: at, Code: CodeEmptyRowsStop, Message: msg, Warning: true})
}

// clean trims every cell, blanks over-long ones (adding a problem) and drops
// trailing empty cells. A row with no cell left is empty.
func (rd *Reader) clean(raw rawRow) ([]string, []*Error) {
	cells, problems := raw.cells, raw.problems
	last := -1
	for i, c := range cells {
		c = trimCell(c)
		if tooLong(c, rd.lim.MaxCellLength) {
			ref := columnName(i) + itoa(raw.num)
			problems = append(problems, &Error{Row: raw.num, Column: columnName(i), Code: CodeCellTooLong,
				Message: "Ô " + ref + " dài " + vntext.Number(int64(utf8.RuneCountInString(c))) + " ký tự, vượt quá giới hạn " + vntext.Number(int64(rd.lim.MaxCellLength)) + " ký tự."})
			c = ""
		}
		cells[i] = c
		if c != "" {
			last = i
		}
	}
	return cells[:last+1], problems
}

func tooLong(s string, maxRunes int) bool {
	if len(s) <= maxRunes {
		return false
	}
	return len(s) > 4*maxRunes || utf8.RuneCountInString(s) > maxRunes
}

// trimCell removes surrounding white space, including the no-break and
// zero-width spaces that copying from web pages and Word leaves behind.
func trimCell(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == '\u2060'
	})
}

// columnName turns a 0-based column index into Excel's letters: 0 → "A".
func columnName(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append(b, byte('A'+(i-1)%26))
	}
	slices.Reverse(b)
	return string(b)
}

// withOp labels an *Error with the operation it came from, keeping other
// errors as they are.
func withOp(op string, err error) error {
	if e, ok := AsError(err); ok && e.op == "" {
		e.op = op
	}
	return err
}

type contentKind int

const (
	kindText contentKind = iota
	kindZip
	kindOLE
	kindPDF
)

func sniff(data []byte) contentKind {
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")), bytes.HasPrefix(data, []byte("PK\x05\x06")):
		return kindZip
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return kindOLE
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return kindPDF
	}
	return kindText
}

// isMarkup reports whether text looks like HTML or XML, as "Excel" exports of
// many web systems are.
func isMarkup(data []byte) bool {
	head := bytes.TrimLeftFunc(bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF}), unicode.IsSpace)
	head = bytes.ToLower(head[:min(len(head), 256)])
	for _, p := range []string{"<!doctype html", "<html", "<table", "<?xml", "<!--"} {
		if bytes.HasPrefix(head, []byte(p)) {
			return true
		}
	}
	return false
}

func extension(filename string) string {
	return strings.ToLower(path.Ext(strings.ReplaceAll(filename, `\`, "/")))
}

// checkExtension refuses a file whose extension promises another format than
// its content; unknown or missing extensions are left to the content.
func checkExtension(ext string, kind contentKind, data []byte) error {
	mismatch := func(msg string) error { return newError("open", CodeBadFormat, msg) }
	switch ext {
	case ".xlsx", ".xlsm", ".xltx", ".xltm":
		switch kind {
		case kindZip:
			return nil
		case kindOLE:
			return newError("open", CodeUnsupportedFormat, msgLegacyExcel)
		}
		if kind == kindText && isMarkup(data) {
			return newError("open", CodeUnsupportedFormat, msgMarkup)
		}
		return mismatch("Tệp có đuôi " + ext + " nhưng nội dung không phải bảng tính Excel. Hãy mở tệp bằng Excel và lưu lại dạng .xlsx, hoặc đổi đuôi cho đúng nội dung (ví dụ .csv).")
	case ".xls":
		switch kind {
		case kindOLE:
			return newError("open", CodeUnsupportedFormat, msgLegacyExcel)
		case kindZip:
			return mismatch("Tệp có đuôi .xls nhưng thực chất là tệp Excel mới (.xlsx). Hãy đổi đuôi tệp thành .xlsx rồi tải lên lại.")
		}
		if kind == kindText && isMarkup(data) {
			return newError("open", CodeUnsupportedFormat, msgMarkup)
		}
		return mismatch("Tệp có đuôi .xls nhưng nội dung là văn bản. Hãy mở tệp bằng Excel và lưu lại dạng .xlsx, hoặc đổi đuôi thành .csv.")
	case ".csv", ".txt", ".tsv":
		switch kind {
		case kindZip:
			return mismatch("Tệp có đuôi " + ext + " nhưng thực chất là tệp Excel (.xlsx). Hãy đổi đuôi tệp thành .xlsx, hoặc trong Excel chọn Lưu thành → \"CSV UTF-8\".")
		case kindOLE:
			return mismatch("Tệp có đuôi " + ext + " nhưng thực chất là tệp Excel cũ (.xls). " + msgLegacyExcel)
		case kindPDF:
			return mismatch("Tệp có đuôi " + ext + " nhưng thực chất là tệp PDF. Hãy tải lên tệp Excel (.xlsx) hoặc CSV.")
		}
	}
	return nil
}
