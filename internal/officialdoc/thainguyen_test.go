package officialdoc

import (
	"time"
)

// thaiNguyenReport is the report Thái Nguyên city would send up for the demo data: the totals, the
// rounds, the groups, the funds and the people and amounts of its 32 wards are the demo's figures
// (graph/testdata/golden: stats-by-ward, rounds, group-and-fund-stats); the beneficiaries by ward
// are spread from the city's total (the golden has none by ward), so that they add up to it.
func thaiNguyenReport() Report {
	wards := []struct {
		name           string
		people, amount int64
	}{
		{"Phường Quán Triều", 647, 900650000},
		{"Phường Quang Vinh", 216, 297300000},
		{"Phường Túc Duyên", 471, 661650000},
		{"Phường Hoàng Văn Thụ", 310, 433500000},
		{"Phường Trưng Vương", 320, 429700000},
		{"Phường Quang Trung", 644, 906250000},
		{"Phường Phan Đình Phùng", 293, 422950000},
		{"Phường Tân Thịnh", 248, 360600000},
		{"Phường Thịnh Đán", 438, 641150000},
		{"Phường Đồng Quang", 614, 886250000},
		{"Phường Gia Sàng", 585, 808550000},
		{"Phường Tân Lập", 249, 350600000},
		{"Phường Cam Giá", 261, 354050000},
		{"Phường Phú Xá", 425, 588750000},
		{"Phường Hương Sơn", 458, 655050000},
		{"Phường Trung Thành", 268, 388400000},
		{"Phường Tân Thành", 726, 967550000},
		{"Phường Tân Long", 616, 823350000},
		{"Xã Phúc Hà", 441, 561800000},
		{"Xã Phúc Xuân", 628, 754050000},
		{"Xã Quyết Thắng", 471, 582400000},
		{"Xã Phúc Trìu", 460, 579600000},
		{"Xã Thịnh Đức", 444, 525500000},
		{"Phường Tích Lương", 614, 842400000},
		{"Xã Tân Cương", 245, 302350000},
		{"Xã Sơn Cẩm", 536, 688250000},
		{"Phường Chùa Hang", 209, 275200000},
		{"Xã Cao Ngạn", 246, 300250000},
		{"Xã Linh Sơn", 298, 366200000},
		{"Phường Đồng Bẩm", 554, 800350000},
		{"Xã Huống Thượng", 382, 452450000},
		{"Xã Đồng Liên", 618, 785400000},
	}
	const beneficiaries = 11255
	var byWard []Row
	var given int64
	for i, w := range wards {
		b := w.people * 4 / 5
		if i == len(wards)-1 {
			b = beneficiaries - given
		}
		given += b
		byWard = append(byWard, Row{Name: w.name, Totals: Totals{PeopleSupported: w.people, Beneficiaries: b, AmountPaid: w.amount}})
	}
	chart := Chart{Title: "Số tiền đã chi theo phường, xã"}
	for _, r := range byWard {
		chart.Bars = append(chart.Bars, Bar{Label: r.Name, Value: r.AmountPaid})
	}
	alloc := func(n int64) *int64 { return &n }
	return Report{
		ParentBody:  "UBND tỉnh Thái Nguyên",
		IssuingBody: "Ủy ban nhân dân\nthành phố Thái Nguyên",
		Number:      "123/BC-UBND",
		Place:       "Thái Nguyên",
		Date:        time.Date(2020, 5, 20, 0, 0, 0, 0, time.UTC),
		Subject:     "Kết quả thực hiện hỗ trợ người dân gặp khó khăn do đại dịch Covid-19 theo Nghị quyết số 42/NQ-CP ngày 09/4/2020 của Chính phủ",
		Opening: []string{
			"Thực hiện Nghị quyết số 42/NQ-CP ngày 09/4/2020 của Chính phủ và Quyết định số 15/2020/QĐ-TTg ngày 24/4/2020 của Thủ tướng Chính phủ, Ủy ban nhân dân thành phố Thái Nguyên báo cáo kết quả thực hiện như sau:",
		},
		Figures: Figures{
			Source: "Số liệu chốt lúc 17 giờ 00 ngày 19/5/2020 (phiên bản dữ liệu số 1.234).",
			Total:  Totals{PeopleSupported: 13935, Beneficiaries: 11255, AmountPaid: 18692500000},
			ByRound: []Row{
				{Name: "Đợt 1: người có công, bảo trợ xã hội, hộ nghèo, hộ cận nghèo", Totals: Totals{PeopleSupported: 12888, Beneficiaries: 10539, AmountPaid: 16831500000}},
				{Name: "Đợt 2: các nhóm còn lại (người lao động, hộ kinh doanh)", Totals: Totals{PeopleSupported: 1047, Beneficiaries: 716, AmountPaid: 1861000000}},
			},
			ByGroup: []Row{
				{Name: "Người có công", Totals: Totals{PeopleSupported: 5280, Beneficiaries: 5280, AmountPaid: 7920000000}},
				{Name: "Bảo trợ xã hội", Totals: Totals{PeopleSupported: 4274, Beneficiaries: 4274, AmountPaid: 6411000000}},
				{Name: "Hộ nghèo", Totals: Totals{PeopleSupported: 1708, Beneficiaries: 515, AmountPaid: 1281000000}},
				{Name: "Hộ cận nghèo", Totals: Totals{PeopleSupported: 1626, Beneficiaries: 470, AmountPaid: 1219500000}},
				{Name: "Người lao động tạm hoãn hợp đồng lao động", Totals: Totals{PeopleSupported: 129, Beneficiaries: 129, AmountPaid: 513000000}},
				{Name: "Hộ kinh doanh", Totals: Totals{PeopleSupported: 475, Beneficiaries: 144, AmountPaid: 322000000}},
				{Name: "Người lao động mất việc", Totals: Totals{PeopleSupported: 45, Beneficiaries: 45, AmountPaid: 105000000}},
				{Name: "Lao động tự do", Totals: Totals{PeopleSupported: 398, Beneficiaries: 398, AmountPaid: 921000000}},
			},
			ByWard: byWard,
			Funds: []FundUse{
				{Name: "Ngân sách trung ương hỗ trợ", Allocated: alloc(16000000000), Paid: 13186800000},
				{Name: "Ngân sách tỉnh Thái Nguyên", Allocated: alloc(5000000000), Paid: 3614650000},
				{Name: "Ngân sách thành phố Thái Nguyên", Allocated: alloc(2500000000), Paid: 1891050000},
			},
			Chart: chart,
		},
		Closing: []string{
			"Ủy ban nhân dân thành phố Thái Nguyên kính báo cáo Ủy ban nhân dân tỉnh Thái Nguyên./.",
		},
		Recipients: []string{"UBND tỉnh Thái Nguyên (b/c)", "Sở Lao động - Thương binh và Xã hội tỉnh", "Thường trực Thành ủy", "Chủ tịch, các PCT UBND thành phố", "UBND các phường, xã", "Lưu: VT, LĐTBXH"},
		Signer:     Signer{Authority: "TM. Ủy ban nhân dân", Position: "Chủ tịch", Name: "Nguyễn Văn Bình"},
	}
}
