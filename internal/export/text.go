package export

import (
	"hotro/internal/report"
)

// lang is the language of a file's headers, labels and names.
type lang string

const (
	vi lang = "vi"
	en lang = "en"
)

// text is everything a file says in one language.
type text struct {
	fileName, sheet, querySheet string
	total, none, notPaid        string
	// Headers of the code and name columns of each dimension; time buckets have a label column
	// (named by the bucket) and the first and last day.
	code, name             map[report.Dimension]string
	periodStart, periodEnd string
	validFrom, validTo     string // of a unit
	pivot                  string // the query sheet's line of a wide table
	splitInto              string
	measures               [6]string // in the order of measureValues
	// Statuses and channels read as disbursement.Text has them.
	// The query sheet.
	about aboutText
}

type aboutText struct {
	field, value                                   string
	report, reportName                             string
	groupBy, noGrouping                            string
	orderBy, defaultOrder                          string
	first, allRows                                 string
	unitsAsOf, unitsWherePaid                      string
	programs, provinces, districts, wards          string
	groups, funds, rounds, statuses, channels      string
	paidFrom, paidTo, all                          string
	totalRow, totalRowNote                         string
	unitCodes                                      string // a filter code that named several units
	scope, scopeWards                              string // scopeWards formats the number of wards
	withheld, withheldCells                        string // withheldCells formats the smallest count shown
	generated, timeZone                            string
	dataVersion, demo, demoYes, demoNo, requestURL string
	definitions                                    [6]string // of the measures
}

var texts = map[lang]*text{
	vi: {
		fileName: "hotro-thong-ke", sheet: "Thống kê", querySheet: "Truy vấn",
		total: "Tổng cộng", none: "(không có)", notPaid: "(chưa chi trả)",
		code: map[report.Dimension]string{
			report.Program: "Mã chương trình", report.Province: "Mã tỉnh/thành phố", report.District: "Mã quận/huyện",
			report.Ward: "Mã phường/xã", report.Group: "Mã nhóm đối tượng", report.Fund: "Mã nguồn kinh phí", report.Round: "Mã đợt chi trả",
			report.Status: "Mã trạng thái", report.Channel: "Mã hình thức chi trả",
			report.Kind: "Mã loại đối tượng", report.Instalment: "Lần chi trả",
		},
		name: map[report.Dimension]string{
			report.Program: "Chương trình", report.Province: "Tỉnh/thành phố", report.District: "Quận/huyện",
			report.Ward: "Phường/xã", report.Group: "Nhóm đối tượng", report.Fund: "Nguồn kinh phí", report.Round: "Đợt chi trả",
			report.Status: "Trạng thái", report.Channel: "Hình thức chi trả",
			report.Kind: "Loại đối tượng", report.Instalment: "Tên lần chi trả",
			report.Day: "Ngày", report.Week: "Tuần", report.Month: "Tháng", report.Quarter: "Quý", report.Year: "Năm",
		},
		periodStart: "Từ ngày", periodEnd: "Đến ngày",
		validFrom: "Hiệu lực từ", validTo: "Hiệu lực đến",
		pivot:     "Bảng xoay: cột theo chiều, chỉ tiêu (pivot, measure)",
		splitInto: "Đã chia tách thành",
		measures: [6]string{"Số tiền đã chi (đồng)", "Số người được hỗ trợ", "Số đối tượng", "Số dòng chi trả",
			"Số tiền trong danh sách (đồng)", "Số tiền đã phê duyệt (đồng)"},
		about: aboutText{
			field: "Mục", value: "Giá trị",
			report: "Báo cáo", reportName: "Thống kê chi trả hỗ trợ",
			groupBy: "Nhóm theo (groupBy)", noGrouping: "(không nhóm: chỉ dòng tổng cộng)",
			orderBy: "Sắp xếp (orderBy)", defaultOrder: "theo các giá trị nhóm, tăng dần",
			first: "Số dòng tối đa (first)", allRows: "(tất cả)",
			unitsAsOf: "Đơn vị hành chính tại ngày (unitsAsOf)", unitsWherePaid: "(đơn vị nơi chi trả)",
			programs: "Chương trình (programs)", provinces: "Tỉnh/thành phố (provinces)", districts: "Quận/huyện (districts)",
			wards: "Phường/xã (wards)", groups: "Nhóm đối tượng (groups)", funds: "Nguồn kinh phí (funds)", rounds: "Đợt chi trả (rounds)",
			statuses: "Trạng thái (statuses)", channels: "Hình thức chi trả (channels)",
			paidFrom: "Chi từ ngày (paidFrom)", paidTo: "Chi đến ngày (paidTo)", all: "(tất cả)",
			totalRow: "Dòng tổng cộng", totalRowNote: "tính trên toàn bộ bộ lọc, kể cả các dòng không hiện do first",
			unitCodes: "Mã đơn vị đã dùng cho nhiều đơn vị",
			scope:     "Giới hạn theo quyền truy cập", scopeWards: "chỉ số liệu của %d phường/xã được phân quyền",
			withheld: "Ô để trống", withheldCells: "số liệu công khai: ô tính dưới %d người hoặc đối tượng, và các ô giúp suy ra chúng, được để trống để không ai bị nhận ra",
			generated: "Thời điểm lập", timeZone: "giờ Việt Nam, UTC+7",
			dataVersion: "Phiên bản dữ liệu", demo: "Dữ liệu mẫu",
			demoYes: "Có: số liệu mô phỏng, không phải số liệu chi trả thật", demoNo: "Không",
			requestURL: "Địa chỉ tải lại",
			definitions: [6]string{
				"tổng số tiền của các dòng đã chi trả (PAID)",
				"số người khác nhau được các dòng đã chi trả hỗ trợ (khoản chi cho hộ tính các thành viên; lần chi thứ hai không tính lại)",
				"số người/hộ nhận khác nhau có dòng đã chi trả",
				"số dòng chi trả, mọi trạng thái",
				"tổng số tiền của các dòng trong danh sách, trừ dòng bị trả lại hoặc huỷ",
				"tổng số tiền của các dòng đã được phê duyệt (APPROVED hoặc PAID)",
			},
		},
	},
	en: {
		fileName: "hotro-statistics", sheet: "Statistics", querySheet: "Query",
		total: "Total", none: "(none)", notPaid: "(not paid)",
		code: map[report.Dimension]string{
			report.Program: "Programme code", report.Province: "Province code", report.District: "District code",
			report.Ward: "Ward code", report.Group: "Group code", report.Fund: "Fund code", report.Round: "Round code",
			report.Status: "Status code", report.Channel: "Channel code",
			report.Kind: "Recipient kind code", report.Instalment: "Instalment",
		},
		name: map[report.Dimension]string{
			report.Program: "Programme", report.Province: "Province", report.District: "District",
			report.Ward: "Ward or commune", report.Group: "Beneficiary group", report.Fund: "Fund", report.Round: "Payment round",
			report.Status: "Status", report.Channel: "Payment channel",
			report.Kind: "Recipient kind", report.Instalment: "Instalment name",
			report.Day: "Day", report.Week: "Week", report.Month: "Month", report.Quarter: "Quarter", report.Year: "Year",
		},
		periodStart: "From", periodEnd: "To",
		validFrom: "Valid from", validTo: "Valid to",
		pivot:     "Wide table: columns by, measure (pivot, measure)",
		splitInto: "Split into",
		measures: [6]string{"Amount paid (VND)", "People supported", "Beneficiaries", "Disbursements",
			"Amount listed (VND)", "Amount approved (VND)"},
		about: aboutText{
			field: "Item", value: "Value",
			report: "Report", reportName: "Support payment statistics",
			groupBy: "Grouped by (groupBy)", noGrouping: "(not grouped: the total row only)",
			orderBy: "Ordered by (orderBy)", defaultOrder: "by the grouping values, ascending",
			first: "Most rows (first)", allRows: "(all)",
			unitsAsOf: "Administrative units as of (unitsAsOf)", unitsWherePaid: "(the unit where paid)",
			programs: "Programmes (programs)", provinces: "Provinces (provinces)", districts: "Districts (districts)",
			wards: "Wards and communes (wards)", groups: "Beneficiary groups (groups)", funds: "Funds (funds)", rounds: "Payment rounds (rounds)",
			statuses: "Statuses (statuses)", channels: "Payment channels (channels)",
			paidFrom: "Paid from (paidFrom)", paidTo: "Paid to (paidTo)", all: "(all)",
			totalRow: "Total row", totalRowNote: "over the whole filter, including rows that first leaves out",
			unitCodes: "Unit code used by several units (note in Vietnamese)",
			scope:     "Limited by your access", scopeWards: "only the figures of the %d wards you may see",
			withheld: "Empty cells", withheldCells: "public figures: cells counting fewer than %d people or recipients, and the cells that would give them away, are left empty so that no one can be recognised",
			generated: "Generated at", timeZone: "Vietnam time, UTC+7",
			dataVersion: "Data version", demo: "Demo data",
			demoYes: "Yes: synthetic figures, not real payments", demoNo: "No",
			requestURL: "Download again from",
			definitions: [6]string{
				"sum of the amounts of PAID lines",
				"distinct persons covered by PAID lines (a household payment covers its members; a second instalment does not count them again)",
				"distinct recipients (persons or households) with a PAID line",
				"number of lines, any status",
				"sum of the amounts of lines on a list and not withdrawn (not RETURNED or CANCELLED)",
				"sum of the amounts of lines approved by decision (APPROVED or PAID)",
			},
		},
	},
}

// measureValues are a row's measures in the order of text.measures; money marks the VND ones.
func measureValues(t report.Totals) [6]int64 {
	return [6]int64{t.AmountPaid, t.PeopleSupported, t.Beneficiaries, t.Disbursements, t.AmountListed, t.AmountApproved}
}

var money = [6]bool{true, false, false, false, true, true}
