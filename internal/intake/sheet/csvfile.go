package sheet

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"hotro/internal/vntext"
)

// csvSource streams the records of a CSV (or Excel "Unicode text") file that
// has already been decoded to UTF-8.
type csvSource struct {
	cr       *csv.Reader
	embedded int // line breaks inside quoted cells so far: a physical line that Excel does not count as a row
}

const msgSaveAsUTF8 = `Trong Excel, hãy chọn Lưu thành (Save As) → "CSV UTF-8 (Comma delimited) (*.csv)", hoặc tải lên thẳng tệp .xlsx.`

// openCSV decodes data, finds the delimiter and prepares a streaming reader.
func openCSV(data []byte, lim Limits) (*csvSource, error) {
	text, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	delim, text := sepDirective(text)
	if delim == 0 {
		delim = detectDelimiter(firstLine(text))
	}
	cr := csv.NewReader(&fieldGuard{r: bytes.NewReader(text), delim: delim, maxFields: lim.MaxColumns, row: 1})
	cr.Comma = rune(delim)
	cr.LazyQuotes = false
	cr.FieldsPerRecord = -1
	return &csvSource{cr: cr}, nil
}

func (s *csvSource) next() (rawRow, error) {
	record, err := s.cr.Read()
	if err == io.EOF {
		return rawRow{}, io.EOF
	}
	if err != nil {
		if e, ok := AsError(err); ok {
			return rawRow{}, e
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			row := pe.StartLine - s.embedded
			msg := `Dấu ngoặc kép (") đặt sai chỗ: một ô có dấu ngoặc kép phải được bao cả hai đầu bằng dấu ngoặc kép, và dấu ngoặc kép bên trong phải viết đôi (""). Hãy sửa dòng này hoặc lưu lại tệp từ Excel.`
			if errors.Is(pe.Err, csv.ErrBareQuote) {
				msg = `Có dấu ngoặc kép (") nằm giữa một ô không được bao bằng dấu ngoặc kép. Hãy xoá dấu ngoặc kép đó hoặc lưu lại tệp từ Excel.`
			}
			return rawRow{}, &Error{Row: row, Code: CodeBadCSV, Message: msg, cause: err}
		}
		return rawRow{}, &Error{Code: CodeBadCSV, Message: "Không đọc được tệp CSV.", cause: err}
	}
	line, _ := s.cr.FieldPos(0)
	num := line - s.embedded
	for _, cell := range record {
		s.embedded += strings.Count(cell, "\n")
	}
	return rawRow{num: num, cells: record}, nil
}

func (s *csvSource) close() error { return nil }

// decodeText returns data as UTF-8 without BOM, or refuses it: UTF-8 with or
// without BOM and UTF-16 with BOM are accepted, nothing else.
func decodeText(data []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE, 0, 0}), bytes.HasPrefix(data, []byte{0, 0, 0xFE, 0xFF}):
		return nil, newError("open", CodeBadEncoding, "Tệp dùng bảng mã UTF-32, không được hỗ trợ. "+msgSaveAsUTF8)
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return decodeUTF16(data[2:], binary.LittleEndian)
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return decodeUTF16(data[2:], binary.BigEndian)
	}
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalidUTF8(data)], []byte{'\n'})
		e := newError("open", CodeBadEncoding, "Tệp CSV không dùng bảng mã UTF-8 (lỗi từ dòng "+itoa(line)+"), nên chữ tiếng Việt sẽ bị sai. "+msgSaveAsUTF8)
		return nil, e
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		line := 1 + bytes.Count(data[:i], []byte{'\n'})
		return nil, newError("open", CodeBadEncoding, "Tệp có ký tự NUL ở dòng "+itoa(line)+": đây không phải tệp văn bản CSV hợp lệ (có thể là UTF-16 thiếu dấu BOM hoặc một tệp nhị phân). "+msgSaveAsUTF8)
	}
	return data, nil
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// decodeUTF16 converts BOM-less UTF-16 to UTF-8, refusing odd lengths,
// unpaired surrogates and NUL characters.
func decodeUTF16(b []byte, order binary.ByteOrder) ([]byte, error) {
	bad := func(line int, why string) error {
		return newError("open", CodeBadEncoding, "Tệp văn bản UTF-16 bị lỗi ("+why+", dòng "+itoa(line)+"). "+msgSaveAsUTF8)
	}
	if len(b)%2 != 0 {
		return nil, bad(1+bytes.Count(b, []byte{'\n'})/2, "thiếu byte cuối")
	}
	out := make([]byte, 0, len(b)/2*3/2)
	line := 1
	for i := 0; i < len(b); i += 2 {
		r := rune(order.Uint16(b[i:]))
		switch {
		case r == 0:
			return nil, bad(line, "có ký tự NUL")
		case utf16.IsSurrogate(r):
			if r >= 0xDC00 || i+4 > len(b) {
				return nil, bad(line, "ký tự không hợp lệ")
			}
			r = utf16.DecodeRune(r, rune(order.Uint16(b[i+2:])))
			if r == utf8.RuneError {
				return nil, bad(line, "ký tự không hợp lệ")
			}
			i += 2
		case r == '\n':
			line++
		}
		out = utf8.AppendRune(out, r)
	}
	return out, nil
}

// sepDirective honours Excel's "sep=X" first line: it returns X and the text
// after that line (Excel hides the line, so rows are numbered without it).
func sepDirective(text []byte) (byte, []byte) {
	if len(text) < 5 || !strings.EqualFold(string(text[:4]), "sep=") {
		return 0, text
	}
	line, rest, _ := bytes.Cut(text, []byte{'\n'})
	line = bytes.TrimSuffix(line, []byte{'\r'})
	if len(line) != 5 || line[4] == '"' || line[4] >= utf8.RuneSelf {
		return 0, text
	}
	return line[4], rest
}

// firstLine returns the first line of text that is not blank, at most 64 KiB.
func firstLine(text []byte) []byte {
	if len(text) > 64<<10 {
		text = text[:64<<10]
	}
	for len(text) > 0 {
		var line []byte
		line, text, _ = bytes.Cut(text, []byte{'\n'})
		if len(bytes.TrimSpace(line)) > 0 {
			return line
		}
	}
	return nil
}

// detectDelimiter counts ',', ';' and TAB outside quotes in the header line;
// the most frequent wins, ties prefer TAB, then ';', then ','.
func detectDelimiter(line []byte) byte {
	var counts [3]int
	candidates := [3]byte{'\t', ';', ','}
	inQuote := false
	for _, c := range line {
		if c == '"' {
			inQuote = !inQuote
			continue
		}
		if inQuote {
			continue
		}
		for i, d := range candidates {
			if c == d {
				counts[i]++
			}
		}
	}
	best := 2 // ',' when the header has no delimiter at all
	for i := range candidates {
		if counts[i] > counts[best] || (counts[i] == counts[best] && counts[i] > 0 && i < best) {
			best = i
		}
	}
	return candidates[best]
}

// fieldGuard watches the bytes flowing into encoding/csv and stops a record
// with more than maxFields fields before csv.Reader allocates them all, so a
// line of a million commas costs nothing.
type fieldGuard struct {
	r         io.Reader
	delim     byte
	maxFields int
	inQuote   bool
	fields    int // delimiters seen in the current record
	row       int // Excel row of the current record
	err       error
}

func (g *fieldGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for i, c := range p[:n] {
		switch {
		case c == '"':
			g.inQuote = !g.inQuote
		case g.inQuote:
		case c == g.delim:
			g.fields++
			if g.fields >= g.maxFields {
				g.err = tooManyColumns(g.row, g.maxFields)
				return i, nil
			}
		case c == '\n':
			g.row++
			g.fields = 0
		}
	}
	return n, err
}

func tooManyColumns(row, maxColumns int) *Error {
	return &Error{Row: row, Code: CodeTooManyColumns, Message: "Dòng này có dữ liệu ở quá nhiều cột (tối đa " + vntext.Number(int64(maxColumns)) + " cột). Hãy xoá các cột thừa ở bên phải bảng."}
}
