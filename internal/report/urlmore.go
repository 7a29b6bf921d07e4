package report

import (
	"strconv"
	"strings"

	"hotro/internal/beneficiary"
	"hotro/internal/civil"
)

// URLMoreNames names the URL parameters of the filters only the lines answer (see
// disbursement.LineFilter) and of the arguments after grouping. An empty name is not taken.
type URLMoreNames struct {
	ListedFrom, ListedTo, ApprovedFrom, ApprovedTo string
	Kinds, Instalments, AmountFrom, AmountTo       string
	BreaksRule                                     string // true or false
	DateField                                      string // LISTED_ON, APPROVED_ON or PAID_ON
	// Having is a list of MEASURE:OP:VALUE conditions, e.g. PAID_SHARE_OF_LISTED:LT:0.9.
	Having string
	// FirstWithin is the number of rows kept in each group of rows that agree on Within, a list
	// of dimensions.
	FirstWithin, Within string
	Days                string // true: the time from listing to payment
}

// exportMoreNames are the export URLs' names: the GraphQL argument names.
var exportMoreNames = URLMoreNames{
	ListedFrom: "listedFrom", ListedTo: "listedTo", ApprovedFrom: "approvedFrom", ApprovedTo: "approvedTo",
	Kinds: "kinds", Instalments: "instalments", AmountFrom: "amountFrom", AmountTo: "amountTo", BreaksRule: "breaksRule",
	DateField: "dateField", Having: "having", FirstWithin: "firstWithin", Within: "within", Days: "daysListedToPaid",
}

func (n URLMoreNames) params() []string {
	var out []string
	for _, name := range []string{n.Kinds, n.Instalments, n.Having, n.Within, n.ListedFrom, n.ListedTo, n.ApprovedFrom, n.ApprovedTo,
		n.AmountFrom, n.AmountTo, n.BreaksRule, n.DateField, n.FirstWithin, n.Days} {
		if name != "" {
			out = append(out, name)
		}
	}
	return out
}

// more reads the parameters of URLMoreNames into q.
func (p urlParser) more(q *Query) error {
	n := p.Names.More
	f := &q.Filter.LineFilter
	var err error
	for _, d := range []struct {
		name string
		dst  **civil.Date
	}{{n.ListedFrom, &f.ListedFrom}, {n.ListedTo, &f.ListedTo}, {n.ApprovedFrom, &f.ApprovedFrom}, {n.ApprovedTo, &f.ApprovedTo}} {
		if *d.dst, err = p.date(d.name); err != nil {
			return err
		}
	}
	if f.Kinds, err = enumList(p, n.Kinds, []beneficiary.Kind{beneficiary.Person, beneficiary.Household}); err != nil {
		return err
	}
	items, err := p.list(n.Instalments)
	if err != nil {
		return err
	}
	for _, s := range items {
		i, err := strconv.Atoi(s)
		if err != nil {
			return p.bad("%s: %q không hợp lệ; cần số nguyên.", n.Instalments, s)
		}
		f.Instalments = append(f.Instalments, i)
	}
	for _, a := range []struct {
		name string
		dst  **int64
	}{{n.AmountFrom, &f.AmountFrom}, {n.AmountTo, &f.AmountTo}} {
		if v, ok, err := p.single(a.name); err != nil {
			return err
		} else if ok {
			amount, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return p.bad("%s: %q không hợp lệ; cần số tiền nguyên đồng.", a.name, v)
			}
			*a.dst = &amount
		}
	}
	for _, b := range []struct {
		name string
		dst  *bool
	}{{n.BreaksRule, &f.BreaksRule}, {n.Days, &q.Days}} {
		if v, ok, err := p.single(b.name); err != nil {
			return err
		} else if ok {
			switch v {
			case "true":
				*b.dst = true
			case "false":
			default:
				return p.bad("%s: %q không hợp lệ; dùng true hoặc false.", b.name, v)
			}
		}
	}
	if v, ok, err := p.single(n.DateField); err != nil {
		return err
	} else if ok {
		q.DateField = DateField(v)
	}
	if items, err = p.list(n.Having); err != nil {
		return err
	}
	for _, s := range items {
		parts := strings.Split(s, ":")
		if len(parts) != 3 {
			return p.bad("%s: %q không hợp lệ; viết CHỈ_TIÊU:PHÉP_SO_SÁNH:GIÁ_TRỊ, ví dụ PAID_SHARE_OF_LISTED:LT:0.9.", n.Having, s)
		}
		v, err := strconv.ParseFloat(parts[2], 64)
		if err != nil {
			return p.bad("%s: giá trị %q không phải một số.", n.Having, parts[2])
		}
		q.Having = append(q.Having, Condition{Measure: Measure(parts[0]), Op: Comparison(parts[1]), Value: v})
	}
	within, err := enumList(p, n.Within, Dimensions)
	if err != nil {
		return err
	}
	v, ok, err := p.single(n.FirstWithin)
	switch {
	case err != nil:
		return err
	case ok:
		first, err := strconv.Atoi(v)
		if err != nil || first < 0 {
			return p.bad("%s: %q không hợp lệ; cần một số nguyên không âm.", n.FirstWithin, v)
		}
		q.FirstWithin = &Within{Dimensions: within, First: first}
	case len(within) > 0:
		return p.bad("%s chỉ dùng cùng %s.", n.Within, n.FirstWithin)
	}
	return nil
}
