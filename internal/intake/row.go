package intake

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"hotro/internal/beneficiary"
	"hotro/internal/civil"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/intake/sheet"
	"hotro/internal/program"
	"hotro/internal/vntext"
)

// candidate is one row of an upload on its way to becoming a payment line.
type candidate struct {
	row       int
	fullName  string
	nameKey   string
	citizenID string
	birth     *civil.Date
	gender    *beneficiary.Gender
	members   int
	address   string
	months    int
	people    int
	amount    int64
	due       *int64
	note      string
	wardCell  string // checked against the database with the chunk

	issues []Issue

	// Found in the database.
	recipientID int64                        // an existing recipient to pay, 0 for a new one
	personBase  int64                        // the recipient's first person ID
	skip        bool                         // already on this very list
	replace     []*disbursement.Disbursement // lower lines of other groups that this one replaces
}

func (c *candidate) fail(column, code, msg string) {
	c.issues = append(c.issues, Issue{Row: c.row, Column: column, Code: code, Message: msg})
}

func (c *candidate) warn(column, code, msg string) {
	c.issues = append(c.issues, Issue{Row: c.row, Column: column, Code: code, Warning: true, Message: msg})
}

func (c *candidate) hasErrors() bool {
	for _, i := range c.issues {
		if !i.Warning {
			return true
		}
	}
	return false
}

func (c *candidate) outcome() Outcome {
	switch {
	case c.hasErrors():
		return Rejected
	case c.skip:
		return Skipped
	case len(c.issues) > 0:
		return Warned
	}
	return Accepted
}

func (c *candidate) result() RowResult {
	return RowResult{Row: c.row, Outcome: c.outcome(), FullName: c.fullName, CitizenID: c.citizenID,
		Members: c.members, People: c.people, Months: c.months, Amount: c.amount, AmountDue: c.due, Issues: c.issues}
}

// rowParser reads the cells of rows into candidates: every check that needs no database.
type rowParser struct {
	cols      sheet.Mapping
	header    []string
	group     *program.Group
	today     civil.Date
	parseDate func(string) (time.Time, error)
}

// column is how an issue points to a column: the header as the officer wrote it.
func (p *rowParser) column(key string) string {
	if i, ok := p.cols[key]; ok && i < len(p.header) {
		return p.header[i]
	}
	return key
}

func (p *rowParser) parse(row sheet.Row) *candidate {
	c := &candidate{row: row.Number}
	for _, e := range row.Errors {
		c.issues = append(c.issues, issueOf(e))
	}
	val := func(key string) string { return p.cols.Value(row.Cells, key) }

	c.fullName = vntext.NormalizeName(val(colName))
	c.nameKey = vntext.Fold(c.fullName)
	if c.nameKey == "" {
		c.fail(p.column(colName), CodeMissingName, "Thiếu họ và tên.")
	}
	p.parseCitizenID(c, val(colCitizenID))
	if cell := val(colBirth); cell != "" {
		t, err := p.parseDate(cell)
		if e, ok := sheet.AsError(err); ok {
			c.issues = append(c.issues, issueOf(e.At(row.Number, p.column(colBirth))))
		} else if d := civil.New(t.Year(), t.Month(), t.Day()); d.After(p.today) || d.Year < 1900 {
			c.fail(p.column(colBirth), CodeBadBirthDate, fmt.Sprintf("Ngày sinh %s không hợp lệ.", d.Vietnamese()))
		} else {
			c.birth = &d
		}
	}
	if cell := val(colGender); cell != "" {
		switch vntext.Fold(cell) {
		case "nam", "m", "male", "trai":
			g := beneficiary.Male
			c.gender = &g
		case "nu", "f", "female", "gai":
			g := beneficiary.Female
			c.gender = &g
		default:
			c.fail(p.column(colGender), CodeBadGender, fmt.Sprintf("Giới tính %q không hợp lệ; hãy ghi Nam hoặc Nữ.", cell))
		}
	}
	if c.citizenID != "" {
		if info, err := beneficiary.ParseCitizenID(c.citizenID, p.today); err == nil {
			if err := info.CheckAgainst(c.birth, c.gender); err != nil {
				c.fail(p.column(colCitizenID), CodeIDMismatch, errs.Message(err))
			}
		}
	}
	p.parseMembers(c, val(colMembers))
	c.address = strings.Join(strings.Fields(val(colAddress)), " ")
	c.note = val(colNote)
	c.wardCell = val(colWard)
	p.parseAmount(c, val(colMonths), val(colAmount))
	return c
}

// parseCitizenID reads the ID, putting back the leading zero that Excel drops from numbers.
func (p *rowParser) parseCitizenID(c *candidate, cell string) {
	col := p.column(colCitizenID)
	id := strings.Map(func(r rune) rune {
		if r == ' ' || r == '.' || r == '-' || r == '\u00a0' || r == '\'' {
			return -1
		}
		return r
	}, cell)
	if id == "" {
		c.fail(col, CodeMissingID, "Thiếu số CCCD/CMND.")
		return
	}
	if f, err := strconv.ParseFloat(id, 64); err == nil && strings.ContainsAny(id, "eE") && f > 0 && f < 1e12 {
		id = strconv.FormatFloat(f, 'f', 0, 64) // 1.9085001234E10, as some tools write numbers
	}
	if (len(id) == 11 || len(id) == 8) && allDigits(id) {
		id = "0" + id
		c.warn(col, CodeIDRepaired, fmt.Sprintf("Số CCCD/CMND bị mất số 0 ở đầu (ô đang định dạng kiểu số); đã ghi lại thành %s. Hãy định dạng cột này kiểu văn bản (Text).", id))
	}
	if _, err := beneficiary.ParseCitizenID(id, p.today); err != nil {
		c.fail(col, CodeInvalidID, errs.Message(err))
		return
	}
	c.citizenID = id
}

func (p *rowParser) parseMembers(c *candidate, cell string) {
	col := p.column(colMembers)
	c.members = 1
	if !householdGroup(p.group) {
		if n, err := sheet.ParseInt(cell); cell != "" && (err != nil || n != 1) {
			c.warn(col, CodeMembersIgnored, "Nhóm này hỗ trợ theo từng người; số nhân khẩu không được tính.")
		}
		c.people = p.group.PeopleCovered(1)
		return
	}
	n, err := sheet.ParseInt(cell)
	switch {
	case cell == "":
		c.fail(col, CodeBadMembers, "Thiếu số nhân khẩu của hộ.")
	case err != nil:
		c.fail(col, CodeBadMembers, fmt.Sprintf("Số nhân khẩu %q không phải là số nguyên.", cell))
	case n < 1 || n > beneficiary.MaxMembers:
		c.fail(col, CodeBadMembers, fmt.Sprintf("Số nhân khẩu phải từ 1 đến %d, nhận được %d.", beneficiary.MaxMembers, n))
	default:
		c.members = int(n)
	}
	c.people = p.group.PeopleCovered(c.members)
}

// parseAmount reads the months and the amount and holds the amount against the group's rule: more
// than the rule grants is an error, less is a warning (the line is imported as written and flagged).
func (p *rowParser) parseAmount(c *candidate, monthsCell, amountCell string) {
	g := p.group
	c.months = maxMonths(g)
	if monthlyGroup(g) && monthsCell != "" {
		n, err := sheet.ParseInt(monthsCell)
		switch {
		case err != nil:
			c.fail(p.column(colMonths), CodeBadMonths, fmt.Sprintf("Số tháng %q không phải là số nguyên.", monthsCell))
			return
		case n < 1 || n > int64(maxMonths(g)):
			c.fail(p.column(colMonths), CodeBadMonths, fmt.Sprintf("Số tháng hưởng phải từ 1 đến %d (mức tối đa của nhóm), nhận được %d.", maxMonths(g), n))
			return
		}
		c.months = int(n)
	}
	due, ruled := g.AmountDue(c.months, c.people)
	if ruled {
		c.due = &due
	}
	col := p.column(colAmount)
	if amountCell == "" {
		if !ruled {
			c.fail(col, CodeNoAmount, "Nhóm này không có mức hỗ trợ cố định; hãy ghi số tiền.")
			return
		}
		c.amount = due
		return
	}
	amount, err := sheet.ParseMoney(amountCell)
	if e, ok := sheet.AsError(err); ok {
		c.issues = append(c.issues, issueOf(e.At(c.row, col)))
		return
	}
	c.amount = amount
	switch {
	case amount == 0:
		c.fail(col, sheet.CodeBadMoney, "Số tiền phải lớn hơn 0.")
	case ruled && amount > due:
		c.fail(col, CodeAmountAboveRule, fmt.Sprintf("Số tiền %s đồng cao hơn mức quy định %s đồng%s.", vntext.Number(amount), vntext.Number(due), p.ruleText(c)))
	case ruled && amount < due:
		c.warn(col, CodeAmountBelowRule, fmt.Sprintf("Số tiền %s đồng thấp hơn mức quy định %s đồng%s; dòng vẫn được nhập và được đánh dấu để kiểm tra.", vntext.Number(amount), vntext.Number(due), p.ruleText(c)))
	}
}

// ruleText explains how the amount due was worked out: " (250.000 × 4 người × 3 tháng)".
func (p *rowParser) ruleText(c *candidate) string {
	g := p.group
	if g.Payment == program.OneTime || g.MonthlyAmount == nil {
		return ""
	}
	if g.SupportUnit == program.PerHouseholdMember {
		return fmt.Sprintf(" (%s × %d người × %d tháng)", vntext.Number(*g.MonthlyAmount), c.people, c.months)
	}
	return fmt.Sprintf(" (%s × %d tháng)", vntext.Number(*g.MonthlyAmount), c.months)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
