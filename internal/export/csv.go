package export

import (
	"bytes"
	"encoding/csv"
	"strconv"

	"hotro/internal/civil"
)

// bom makes Excel read the file as UTF-8, so Vietnamese names show as written.
const bom = "\uFEFF"

// writeCSV writes the table as RFC 4180 CSV: UTF-8 with a BOM, CRLF line ends, a header row, plain
// integers (no thousands separators) and dates as YYYY-MM-DD.
func writeCSV(buf *bytes.Buffer, t *table) error {
	buf.WriteString(bom)
	w := csv.NewWriter(buf)
	w.UseCRLF = true
	record := make([]string, len(t.columns))
	for i, c := range t.columns {
		record[i] = Defuse(c.header)
	}
	if err := w.Write(record); err != nil {
		return err
	}
	for _, row := range t.allRows() {
		for i, cell := range row {
			record[i] = csvCell(cell)
		}
		if err := w.Write(record); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

func csvCell(v any) string {
	switch v := v.(type) {
	case string:
		return Defuse(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case civil.Date:
		return v.String()
	}
	return ""
}

// Defuse keeps a spreadsheet from reading text as a formula (CSV injection): text that starts with
// = + - @, a tab or a carriage return gets a leading apostrophe, which Excel shows as plain text.
func Defuse(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}
