package sheet

import (
	"encoding/csv"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// TemplateColumn is one column of a blank template handed to ward officers.
type TemplateColumn struct {
	Header   string  // Vietnamese header, e.g. "Số CCCD/CMND"
	Help     string  // how to fill it, shown on the "Hướng dẫn" sheet
	Example  string  // an example value, shown on the "Hướng dẫn" sheet only
	Required bool    // marked "Bắt buộc" in the instructions
	Text     bool    // format the column as text so Excel keeps leading zeros (ID and phone numbers)
	Width    float64 // column width in characters; 0 picks one from the header
}

// Sheet names of the XLSX template.
const (
	TemplateDataSheet = "Danh sách"
	TemplateHelpSheet = "Hướng dẫn"
)

// WriteTemplateXLSX writes a blank workbook: the "Danh sách" sheet holds the
// bold, frozen header row (and is the one Open reads), the "Hướng dẫn" sheet
// explains each column in Vietnamese with an example. Examples stay off the
// data sheet so that they are never imported by mistake.
func WriteTemplateXLSX(w io.Writer, cols []TemplateColumn) error {
	if len(cols) == 0 {
		return fmt.Errorf("sheet: write template: no columns")
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := writeDataSheet(f, cols); err != nil {
		return fmt.Errorf("sheet: write template: %w", err)
	}
	if err := writeHelpSheet(f, cols); err != nil {
		return fmt.Errorf("sheet: write template: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("sheet: write template: %w", err)
	}
	return nil
}

func writeDataSheet(f *excelize.File, cols []TemplateColumn) error {
	if err := f.SetSheetName("Sheet1", TemplateDataSheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
		Border:    []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}},
	})
	if err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": text
	if err != nil {
		return err
	}
	for i, c := range cols {
		col := columnName(i)
		if err := f.SetCellStr(TemplateDataSheet, col+"1", c.Header); err != nil {
			return err
		}
		if err := f.SetColWidth(TemplateDataSheet, col, col, columnWidth(c)); err != nil {
			return err
		}
		if c.Text {
			if err := f.SetColStyle(TemplateDataSheet, col, text); err != nil {
				return err
			}
		}
	}
	last := columnName(len(cols)-1) + "1"
	if err := f.SetCellStyle(TemplateDataSheet, "A1", last, bold); err != nil {
		return err
	}
	return f.SetPanes(TemplateDataSheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

func columnWidth(c TemplateColumn) float64 {
	if c.Width > 0 {
		return c.Width
	}
	return float64(min(max(utf8.RuneCountInString(c.Header)+4, 12), 40))
}

func writeHelpSheet(f *excelize.File, cols []TemplateColumn) error {
	const s = TemplateHelpSheet
	if _, err := f.NewSheet(s); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	rows := [][]any{
		{"Hướng dẫn điền danh sách"},
		{"Điền mỗi người (hoặc mỗi hộ) một dòng ở trang \"" + TemplateDataSheet + "\", bắt đầu từ dòng 2; không sửa dòng tiêu đề."},
		{"Không gộp ô (Merge), không dùng công thức: nếu sao chép từ bảng khác, hãy Dán đặc biệt → Giá trị (Paste Special → Values)."},
		{"Ngày ghi theo dạng ngày/tháng/năm, ví dụ 01/05/2020. Số tiền ghi bằng số đồng chẵn, ví dụ 750000 hoặc 750.000."},
		{"Khi lưu dạng CSV, hãy chọn \"CSV UTF-8 (Comma delimited)\" để giữ chữ tiếng Việt."},
		{},
		{"Cột", "Tên cột", "Bắt buộc", "Cách điền", "Ví dụ"},
	}
	for i, c := range cols {
		required := "Không"
		if c.Required {
			required = "Bắt buộc"
		}
		rows = append(rows, []any{columnName(i), c.Header, required, c.Help, c.Example})
	}
	for i, r := range rows {
		if err := f.SetSheetRow(s, fmt.Sprintf("A%d", i+1), &r); err != nil {
			return err
		}
	}
	const tableHeader = 7
	styles := []struct {
		from, to string
		style    int
	}{
		{"A1", "A1", title},
		{fmt.Sprintf("A%d", tableHeader), fmt.Sprintf("E%d", tableHeader), bold},
		{fmt.Sprintf("A%d", tableHeader+1), fmt.Sprintf("E%d", len(rows)), wrap},
	}
	for _, st := range styles {
		if err := f.SetCellStyle(s, st.from, st.to, st.style); err != nil {
			return err
		}
	}
	for col, width := range map[string]float64{"A": 8, "B": 28, "C": 10, "D": 60, "E": 24} {
		if err := f.SetColWidth(s, col, col, width); err != nil {
			return err
		}
	}
	return nil
}

// WriteTemplateCSV writes the header row as UTF-8 with a BOM (so Excel shows
// the Vietnamese correctly) and CRLF line ends.
func WriteTemplateCSV(w io.Writer, cols []TemplateColumn) error {
	if len(cols) == 0 {
		return fmt.Errorf("sheet: write template: no columns")
	}
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return fmt.Errorf("sheet: write template: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.Header
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("sheet: write template: %w", err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("sheet: write template: %w", err)
	}
	return nil
}
