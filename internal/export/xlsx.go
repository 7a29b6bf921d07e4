package export

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"hotro/internal/civil"
)

// The number formats: whole đồng with thousands separators, counts likewise, ISO dates.
const (
	vndFormat   = `#,##0 "₫"`
	countFormat = 3 // built-in "#,##0"
	dateFormat  = "yyyy-mm-dd"
)

// writeXLSX writes the table as a workbook: the figures on the first sheet as numbers (VND columns
// formatted as đồng) under a bold, frozen header row, and the query on a second sheet.
func writeXLSX(buf *bytes.Buffer, t *table) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", t.text.sheet); err != nil {
		return err
	}
	if _, err := f.NewSheet(t.text.querySheet); err != nil {
		return err
	}
	// Before the stream writer, which keeps the sheet settings it finds when it starts.
	if err := setPrinting(f, t); err != nil {
		return err
	}
	if err := writeFigures(f, t, st); err != nil {
		return err
	}
	if err := writeAbout(f, t, st); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	lang := "vi-VN"
	if t.text == texts[en] {
		lang = "en-GB"
	}
	if err := f.SetDocProps(&excelize.DocProperties{Creator: "hotro", Title: t.text.about.reportName, Language: lang}); err != nil {
		return err
	}
	return f.Write(buf)
}

// styles are the cell styles, by what a cell is and whether it is in the total row.
type styles struct {
	header, aboutField, aboutValue int
	cell, total                    map[kind]int
}

func newStyles(f *excelize.File) (*styles, error) {
	vnd, date := vndFormat, dateFormat
	bold := &excelize.Font{Bold: true}
	st := &styles{cell: map[kind]int{}, total: map[kind]int{}}
	defs := []struct {
		dst   *int
		style excelize.Style
	}{
		{&st.header, excelize.Style{Font: bold, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF4"}},
			Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"},
			Border:    []excelize.Border{{Type: "bottom", Color: "7F8C99", Style: 1}}}},
		{&st.aboutField, excelize.Style{Font: bold, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&st.aboutValue, excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
	}
	for _, total := range []bool{false, true} {
		m := st.cell
		var font *excelize.Font
		var border []excelize.Border
		if total {
			m, font, border = st.total, bold, []excelize.Border{{Type: "top", Color: "7F8C99", Style: 1}}
		}
		for k, s := range map[kind]excelize.Style{
			textKind:  {},
			countKind: {NumFmt: countFormat},
			moneyKind: {CustomNumFmt: &vnd},
			dateKind:  {CustomNumFmt: &date},
			shareKind: {NumFmt: 10}, // 0.00%
		} {
			s.Font, s.Border = font, border
			id, err := f.NewStyle(&s)
			if err != nil {
				return nil, err
			}
			m[k] = id
		}
	}
	for _, d := range defs {
		id, err := f.NewStyle(&d.style)
		if err != nil {
			return nil, err
		}
		*d.dst = id
	}
	return st, nil
}

func writeFigures(f *excelize.File, t *table, st *styles) error {
	sheet := t.text.sheet
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, w := range t.widths() { // before any row, as the stream writer wants
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	widths := t.widths()
	header := make([]any, len(t.columns))
	lines := 1
	for i, c := range t.columns {
		header[i] = excelize.Cell{StyleID: st.header, Value: c.header}
		lines = max(lines, wrappedLines(c.header, int(widths[i])))
	}
	// Spreadsheets do not grow a row for wrapped text they did not lay out themselves.
	if err := sw.SetRow("A1", header, excelize.RowOpts{Height: 15*float64(lines) + 3}); err != nil {
		return err
	}
	for r, row := range t.allRows() {
		styleOf := st.cell
		if r == len(t.rows) {
			styleOf = st.total
		}
		cells := make([]any, len(row))
		for i, v := range row {
			if d, ok := v.(civil.Date); ok {
				v = d.Time() // a date cell; midnight UTC is the date itself in Excel's serial numbers
			}
			cells[i] = excelize.Cell{StyleID: styleOf[t.columns[i].kind], Value: v}
		}
		cell, err := excelize.CoordinatesToCellName(1, r+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	if len(t.rows) > 0 {
		// Filter buttons on the header, over the rows but not the total.
		last, err := excelize.CoordinatesToCellName(len(t.columns), len(t.rows)+1)
		if err != nil {
			return err
		}
		show := false
		if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: "hotro", ShowRowStripes: &show}); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// setPrinting prints both sheets landscape, all columns on the width of a page, with the header
// row of the figures repeated on every page.
func setPrinting(f *excelize.File, t *table) error {
	landscape, one, any, fit := "landscape", 1, 0, true
	for _, sheet := range []string{t.text.sheet, t.text.querySheet} {
		if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
			return err
		}
		if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &landscape, FitToWidth: &one, FitToHeight: &any}); err != nil {
			return err
		}
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + t.text.sheet + "'!$1:$1", Scope: t.text.sheet})
}

func writeAbout(f *excelize.File, t *table, st *styles) error {
	sheet := t.text.querySheet
	const fieldWidth, valueWidth = 42, 90
	if err := f.SetColWidth(sheet, "A", "A", fieldWidth); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "B", "B", valueWidth); err != nil {
		return err
	}
	for i, line := range t.about {
		row := strconv.Itoa(i + 1)
		if lines := max(wrappedLines(line[0], fieldWidth), wrappedLines(line[1], valueWidth)); lines > 1 {
			if err := f.SetRowHeight(sheet, i+1, 15*float64(lines)); err != nil {
				return err
			}
		}
		if err := f.SetCellValue(sheet, "A"+row, line[0]); err != nil {
			return err
		}
		if err := f.SetCellValue(sheet, "B"+row, line[1]); err != nil {
			return err
		}
		field, value := st.aboutField, st.aboutValue
		if i == 0 {
			field, value = st.header, st.header
		}
		if err := f.SetCellStyle(sheet, "A"+row, "A"+row, field); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, "B"+row, "B"+row, value); err != nil {
			return err
		}
	}
	return nil
}

// widths are column widths in characters: enough for the longest value (a formatted number for the
// measures) and the longest word of the header, which wraps; at most 60.
func (t *table) widths() []float64 {
	out := make([]float64, len(t.columns))
	for i, c := range t.columns {
		w := 8
		for _, word := range strings.Fields(c.header) {
			w = max(w, utf8.RuneCountInString(word)+2)
		}
		for _, row := range t.allRows() {
			w = max(w, displayWidth(row[i], c.kind)+2)
		}
		out[i] = float64(min(w, 60))
	}
	return out
}

// wrappedLines is how many lines text takes in a column of the width, wrapped at spaces.
func wrappedLines(text string, width int) int {
	lines, used := 1, 0
	for _, word := range strings.Fields(text) {
		n := utf8.RuneCountInString(word)
		switch {
		case used == 0:
			used = n
		case used+1+n <= width-1:
			used += 1 + n
		default:
			lines, used = lines+1, n
		}
	}
	return lines
}

func displayWidth(v any, k kind) int {
	switch v := v.(type) {
	case string:
		return utf8.RuneCountInString(v)
	case int64:
		digits := len(strconv.FormatInt(v, 10))
		w := digits + (digits-1)/3 // thousands separators
		if k == moneyKind {
			w += 3 // " ₫", and room for the bold total
		}
		return w
	case civil.Date:
		return 10
	case float64:
		return 8 // 100.00%
	}
	return 0
}
