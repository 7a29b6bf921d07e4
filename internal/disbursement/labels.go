package disbursement

// The words people read for the codes of this package, in Vietnamese and English: the one table
// that the dashboard (through the API's vocabulary query), the exports, the posting list, the CLI
// and this package's own messages use. Group, programme, fund and unit names are not here: they
// are data (program.Group.Name and NameEn, loaded with the reference data).

// Text is what a code reads as, in Vietnamese and in English.
type Text struct {
	Vi, En string
}

// In returns the text in lang: "en" for English, Vietnamese otherwise.
func (t Text) In(lang string) string {
	if lang == "en" {
		return t.En
	}
	return t.Vi
}

// statusText: the state a line is in, as a table cell or a filter option reads it.
var statusText = map[Status]Text{
	Listed:    {"Đã lập danh sách", "Listed"},
	Posted:    {"Đã niêm yết", "Posted"},
	Appraised: {"Đã thẩm định", "Appraised"},
	Approved:  {"Đã phê duyệt", "Approved"},
	Paid:      {"Đã chi trả", "Paid"},
	Returned:  {"Bị trả lại", "Returned"},
	Cancelled: {"Đã huỷ", "Cancelled"},
}

// stepText: the step as the verb of a sentence whose object follows ("phê duyệt 12 dòng",
// "record payment of 12 lines").
var stepText = map[Step]Text{
	Post:     {"niêm yết", "post"},
	Appraise: {"thẩm định", "appraise"},
	Approve:  {"phê duyệt", "approve"},
	Pay:      {"ghi nhận chi trả", "record payment of"},
	Return:   {"trả lại", "return"},
	Cancel:   {"huỷ", "cancel"},
}

// channelText: how the money reached the beneficiary (hình thức chi trả).
var channelText = map[Channel]Text{
	CashAtWard: {"Tiền mặt tại phường/xã", "Cash at the ward"},
	PostOffice: {"Qua bưu điện", "Post office"},
	Bank:       {"Chuyển khoản ngân hàng", "Bank transfer"},
}

// Text is the status in both languages; an unknown status reads as its code.
func (s Status) Text() Text { return textOf(statusText, s) }

// Text is the step in both languages, as a verb; an unknown step reads as its code.
func (s Step) Text() Text { return textOf(stepText, s) }

// Text is the channel in both languages; an unknown channel reads as its code.
func (c Channel) Text() Text { return textOf(channelText, c) }

// Label is the status in Vietnamese: "Đã phê duyệt".
func (s Status) Label() string { return s.Text().Vi }

// Label is the step in Vietnamese, as a verb: "phê duyệt".
func (s Step) Label() string { return s.Text().Vi }

// Label is the channel in Vietnamese: "Qua bưu điện".
func (c Channel) Label() string { return c.Text().Vi }

func textOf[K ~string](table map[K]Text, code K) Text {
	if t, ok := table[code]; ok {
		return t
	}
	return Text{string(code), string(code)}
}

// StatusLabel, StepLabel and ChannelLabel are one row of the table, as the API serves it.
type (
	StatusLabel struct {
		Code   Status
		Vi, En string
	}
	StepLabel struct {
		Code   Step
		Vi, En string
	}
	ChannelLabel struct {
		Code   Channel
		Vi, En string
	}
)

// Vocabulary is the whole table, each list in the order of its codes (Statuses, Steps, Channels).
type Vocabulary struct {
	Statuses []StatusLabel
	Steps    []StepLabel
	Channels []ChannelLabel
}

// Words returns the table.
func Words() Vocabulary {
	var v Vocabulary
	for _, s := range Statuses {
		t := s.Text()
		v.Statuses = append(v.Statuses, StatusLabel{s, t.Vi, t.En})
	}
	for _, s := range Steps {
		t := s.Text()
		v.Steps = append(v.Steps, StepLabel{s, t.Vi, t.En})
	}
	for _, c := range Channels {
		t := c.Text()
		v.Channels = append(v.Channels, ChannelLabel{c, t.Vi, t.En})
	}
	return v
}
