package intake

import (
	"fmt"
	"io"

	"hotro/internal/intake/sheet"
	"hotro/internal/program"
	"hotro/internal/vntext"
)

// Column keys of an upload.
const (
	colSeq       = "seq"
	colName      = "name"
	colCitizenID = "citizen_id"
	colBirth     = "birth_date"
	colGender    = "gender"
	colMembers   = "members"
	colAddress   = "address"
	colWard      = "ward"
	colMonths    = "months"
	colAmount    = "amount"
	colNote      = "note"
)

// column is one column of an upload: how the header may be written, and how the template shows it.
type column struct {
	sheet.Column
	help    string
	example string
	text    bool
	width   float64
	// when decides whether the column belongs to a group's template (nil: always); a column left
	// out is still read when a file has it.
	when func(*program.Group) bool
	// inTemplate is false for columns accepted but not offered (STT, Phường/xã).
	inTemplate bool
}

func householdGroup(g *program.Group) bool { return g.SupportUnit != program.PerPerson }
func monthlyGroup(g *program.Group) bool   { return g.Payment != program.OneTime }

const amountRule = "Nếu ghi, không được cao hơn mức quy định; thấp hơn sẽ được đánh dấu để kiểm tra."

// columnsFor returns the columns of an upload for the group, in template order.
func columnsFor(g *program.Group) []column {
	amountHelp := "Để trống: hệ thống tính theo mức của nhóm. " + amountRule
	if g.MonthlyAmount != nil && g.Payment != program.OneTime {
		per := ""
		if g.SupportUnit == program.PerHouseholdMember {
			per = " × số nhân khẩu"
		}
		amountHelp = fmt.Sprintf("Để trống: hệ thống tính %s đồng%s × số tháng. %s", vntext.Number(*g.MonthlyAmount), per, amountRule)
	} else if due, ok := g.AmountDue(0, 1); ok {
		amountHelp = fmt.Sprintf("Để trống: hệ thống tính %s đồng. %s", vntext.Number(due), amountRule)
	}
	nameHelp := "Họ và tên đầy đủ, có dấu."
	if householdGroup(g) {
		nameHelp = "Họ và tên chủ hộ, đầy đủ, có dấu."
	}
	cols := []column{
		{Column: sheet.Column{Key: colSeq, Aliases: []string{"STT", "Số thứ tự", "TT"}}},
		{Column: sheet.Column{Key: colName, Aliases: []string{"Họ và tên", "Họ tên", "Họ và tên chủ hộ", "Họ tên chủ hộ", "Chủ hộ", "Tên", "Full name", "Name"}, Required: true},
			help: nameHelp, example: "Nguyễn Văn An", width: 28, inTemplate: true},
		{Column: sheet.Column{Key: colCitizenID, Aliases: []string{"Số CCCD/CMND", "Số CCCD", "Số CMND", "CCCD/CMND", "CCCD", "CMND", "Số định danh cá nhân", "Số định danh", "Số giấy tờ", "Citizen ID", "National ID"}, Required: true},
			help: "Số căn cước công dân 12 chữ số, hoặc chứng minh nhân dân cũ 9 chữ số. Cột đã định dạng kiểu văn bản để giữ số 0 đầu.", example: "019085001234", text: true, width: 18, inTemplate: true},
		{Column: sheet.Column{Key: colBirth, Aliases: []string{"Ngày sinh", "Ngày tháng năm sinh", "Ngày, tháng, năm sinh", "Date of birth"}},
			help: "Ngày/tháng/năm, ví dụ 02/03/1985. Dùng để đối chiếu với số CCCD và phát hiện trùng tên.", example: "02/03/1985", width: 14, inTemplate: true},
		{Column: sheet.Column{Key: colGender, Aliases: []string{"Giới tính", "Nam/Nữ", "Gender"}},
			help: "Nam hoặc Nữ.", example: "Nam", width: 10, inTemplate: true},
		{Column: sheet.Column{Key: colMembers, Aliases: []string{"Số nhân khẩu", "Số khẩu", "Nhân khẩu", "Số người trong hộ", "Số thành viên", "Members"}, Required: householdGroup(g)},
			help: "Số người trong hộ (1 đến 64), theo danh sách hộ.", example: "4", width: 14, when: householdGroup, inTemplate: true},
		{Column: sheet.Column{Key: colAddress, Aliases: []string{"Địa chỉ", "Nơi ở", "Nơi cư trú", "Thôn, tổ", "Thôn/tổ", "Tổ dân phố", "Address"}},
			help: "Thôn/xóm/tổ dân phố nơi cư trú.", example: "Tổ 5", width: 28, inTemplate: true},
		{Column: sheet.Column{Key: colWard, Aliases: []string{"Phường/xã", "Xã/phường", "Mã phường/xã", "Phường", "Xã", "Ward"}}},
		{Column: sheet.Column{Key: colMonths, Aliases: []string{"Số tháng hưởng", "Số tháng", "Số tháng hỗ trợ", "Months"}},
			help: fmt.Sprintf("Để trống: %d tháng (tối đa của nhóm).", maxMonths(g)), example: fmt.Sprint(maxMonths(g)), width: 12, when: monthlyGroup, inTemplate: true},
		{Column: sheet.Column{Key: colAmount, Aliases: []string{"Số tiền (đồng)", "Số tiền", "Số tiền hỗ trợ", "Thành tiền", "Mức hỗ trợ", "Kinh phí", "Amount"}},
			help: amountHelp, example: exampleAmount(g), width: 16, inTemplate: true},
		{Column: sheet.Column{Key: colNote, Aliases: []string{"Ghi chú", "Note"}},
			help: "Không bắt buộc.", width: 24, inTemplate: true},
	}
	return cols
}

func maxMonths(g *program.Group) int {
	if g.Payment == program.OneTime {
		return 0
	}
	if g.MaxMonths == nil {
		return 1
	}
	return *g.MaxMonths
}

func exampleAmount(g *program.Group) string {
	people := 1
	if g.SupportUnit == program.PerHouseholdMember {
		people = 4
	}
	if due, ok := g.AmountDue(maxMonths(g), people); ok {
		return vntext.Number(due)
	}
	return ""
}

// matchColumns maps the header of an upload for the group.
func matchColumns(header []string, g *program.Group) (sheet.Mapping, []*sheet.Error) {
	cols := columnsFor(g)
	sc := make([]sheet.Column, len(cols))
	for i, c := range cols {
		sc[i] = c.Column
	}
	return sheet.MatchColumns(header, sc)
}

// TemplateColumns returns the columns of the blank list handed to ward officers for the group,
// with Vietnamese headers and instructions.
func TemplateColumns(g *program.Group) []sheet.TemplateColumn {
	var out []sheet.TemplateColumn
	for _, c := range columnsFor(g) {
		if !c.inTemplate || c.when != nil && !c.when(g) {
			continue
		}
		out = append(out, sheet.TemplateColumn{Header: c.Aliases[0], Help: c.help, Example: c.example,
			Required: c.Required, Text: c.text, Width: c.width})
	}
	return out
}

// Template formats.
const (
	TemplateXLSX = "xlsx"
	TemplateCSV  = "csv"
)

// WriteTemplate writes the blank list for the group as XLSX (with a sheet of instructions) or CSV.
func WriteTemplate(w io.Writer, format string, g *program.Group) error {
	switch format {
	case TemplateXLSX:
		return sheet.WriteTemplateXLSX(w, TemplateColumns(g))
	case TemplateCSV:
		return sheet.WriteTemplateCSV(w, TemplateColumns(g))
	}
	return fmt.Errorf("intake: template: unknown format %q", format)
}
