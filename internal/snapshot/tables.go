package snapshot

import (
	"slices"
	"strings"

	"hotro/internal/report"
)

// The levels of units a table is broken down by: none (the whole area), provinces, districts,
// wards. A table at a level carries the units above it too (a ward cell knows its district and
// province), as the release tables do.
var levelDims = [4][]report.Dimension{
	{},
	{report.Province},
	{report.Province, report.District},
	{report.Province, report.District, report.Ward},
}

// seconds are what units are crossed with; pairs are the crossings kept for the whole area only.
var (
	seconds = []report.Dimension{report.Group, report.Fund, report.Round, report.Month, report.Week}
	pairs   = [][2]report.Dimension{
		{report.Group, report.Month}, {report.Group, report.Week},
		{report.Fund, report.Month}, {report.Fund, report.Week},
		{report.Round, report.Month}, {report.Round, report.Week},
	}
)

// Tables lists the dimensions of every table a snapshot keeps, for each programme and for all
// programmes together.
func Tables() [][]report.Dimension {
	var out [][]report.Dimension
	for level := range levelDims {
		out = append(out, slices.Clone(levelDims[level]))
		for _, s := range seconds {
			out = append(out, append(slices.Clone(levelDims[level]), s))
		}
	}
	for _, p := range pairs {
		out = append(out, []report.Dimension{p[0], p[1]})
	}
	return out
}

// tableName is a table's dimensions in their canonical order, comma separated ("" the total).
func tableName(dims []report.Dimension) string {
	parts := make([]string, len(dims))
	for i, d := range dims {
		parts[i] = string(d)
	}
	return strings.Join(parts, ",")
}

// tableOf is the table at the unit level with the seconds, if the snapshot keeps one.
func tableOf(level int, secs []report.Dimension) (string, bool) {
	ordered := make([]report.Dimension, 0, len(secs))
	for _, d := range seconds {
		if slices.Contains(secs, d) {
			ordered = append(ordered, d)
		}
	}
	switch len(ordered) {
	case 0, 1:
		return tableName(append(slices.Clone(levelDims[level]), ordered...)), true
	case 2:
		if level == 0 && slices.Contains(pairs, [2]report.Dimension{ordered[0], ordered[1]}) {
			return tableName(ordered), true
		}
	}
	return "", false
}

// timeDim is the time dimension of a table, if any.
func timeDim(tbl string) report.Dimension {
	switch {
	case strings.HasSuffix(tbl, string(report.Month)):
		return report.Month
	case strings.HasSuffix(tbl, string(report.Week)):
		return report.Week
	}
	return ""
}

func unitLevel(d report.Dimension) int {
	switch d {
	case report.Province:
		return 1
	case report.District:
		return 2
	case report.Ward:
		return 3
	}
	return 0
}

// Held says in Vietnamese what a snapshot can answer: said to a caller whose question it cannot.
const Held = "Bản số liệu chính thức lưu các bảng: đơn vị (toàn địa bàn, tỉnh, quận/huyện, phường/xã) riêng và theo nhóm đối tượng, nguồn kinh phí, đợt chi trả, tháng hoặc tuần; toàn địa bàn theo nhóm, nguồn hoặc đợt kết hợp với tháng hoặc tuần; cho từng chương trình và tất cả. Mỗi lần lọc một giá trị mỗi loại, trọn tháng hoặc trọn tuần. Muốn hỏi khác, hãy dùng số liệu hiện tại."
