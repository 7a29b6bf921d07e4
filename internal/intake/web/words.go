package web

import "strings"

var digits = []string{"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"}

// words writes an amount of đồng in Vietnamese words, as official documents repeat it ("bằng
// chữ"): 3,750,000 is "Ba triệu bảy trăm năm mươi nghìn đồng".
func words(n int64) string {
	if n == 0 {
		return "Không đồng"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	scales := []string{"", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ", "tỷ tỷ"}
	var groups []int
	for v := n; v > 0; v /= 1000 {
		groups = append(groups, int(v%1000))
	}
	var parts []string
	for i := len(groups) - 1; i >= 0; i-- {
		g := groups[i]
		if g == 0 {
			continue
		}
		parts = append(parts, triple(g, i < len(groups)-1))
		if scales[i] != "" {
			parts = append(parts, scales[i])
		}
	}
	s := strings.Join(parts, " ") + " đồng"
	if neg {
		s = "âm " + s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// triple reads a group of three digits; full groups (not the leading one) say their zero hundreds.
func triple(n int, full bool) string {
	h, t, u := n/100, n/10%10, n%10
	var w []string
	if full || h > 0 {
		w = append(w, digits[h], "trăm")
	}
	switch {
	case t == 0 && u > 0 && len(w) > 0:
		w = append(w, "lẻ", digits[u])
	case t == 0 && u > 0:
		w = append(w, digits[u])
	case t == 1:
		w = append(w, "mười")
		if u == 5 {
			w = append(w, "lăm")
		} else if u > 0 {
			w = append(w, digits[u])
		}
	case t > 1:
		w = append(w, digits[t], "mươi")
		switch u {
		case 0:
		case 1:
			w = append(w, "mốt")
		case 4:
			w = append(w, "tư")
		case 5:
			w = append(w, "lăm")
		default:
			w = append(w, digits[u])
		}
	}
	return strings.Join(w, " ")
}
