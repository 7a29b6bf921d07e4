package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"

	"hotro/internal/adminunit"
	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/report"
)

// A unitCodeNotice tells an analyst that a unit code of a stats filter has named more than one unit
// over time (codes are reused after 2025), which of them the code matched and by what rule: the
// answer's number is then never silently of another unit than the reader thinks. It is sent in the
// answer's extensions.unitCodes, one per field, filter and code.
type unitCodeNotice struct {
	// Path is the answer's field the notice is about (its alias, "stats" or "byWard").
	Path   string `json:"path"`
	Filter string `json:"filter"` // wards, districts or provinces
	Code   string `json:"code"`
	// Rule is PAID_IN (no unitsAsOf: the units the lines were paid in) or UNITS_AS_OF (the unit of that date).
	Rule      string  `json:"rule"`
	UnitsAsOf *string `json:"unitsAsOf"` // YYYY-MM-DD
	unitsAsOf *civil.Date
	// Chosen are the units of the code the filter matched; Others the units of the code it did not.
	Chosen  []unitPeriod `json:"chosen"`
	Others  []unitPeriod `json:"others"`
	Message string       `json:"message"`
}

// unitPeriod is a unit as the notice names it; dates are YYYY-MM-DD, validTo null: valid today.
type unitPeriod struct {
	Code      string  `json:"code"`
	Name      string  `json:"name"`
	ValidFrom string  `json:"validFrom"`
	ValidTo   *string `json:"validTo"`
	from, to  *civil.Date
}

// unitCodeNotices gathers the notices of one operation (its stats fields resolve concurrently) and
// writes them, sorted, as one extension.
type unitCodeNotices struct {
	once sync.Once
	mu   sync.Mutex
	list []unitCodeNotice
	// found are the notices of a filter's codes already worked out in this operation (the
	// dashboard's aliases share one filter), by level, codes and unitsAsOf.
	found map[string][]unitCodeNotice
}

// memo returns the notices of key worked out before in the operation, or works them out.
func (n *unitCodeNotices) memo(key string, work func() ([]unitCodeNotice, error)) ([]unitCodeNotice, error) {
	n.mu.Lock()
	got, ok := n.found[key]
	n.mu.Unlock()
	if ok {
		return got, nil
	}
	got, err := work()
	if err != nil {
		return nil, err
	}
	n.mu.Lock()
	if n.found == nil {
		n.found = map[string][]unitCodeNotice{}
	}
	n.found[key] = got
	n.mu.Unlock()
	return got, nil
}

func (n *unitCodeNotices) MarshalJSON() ([]byte, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	sort.Slice(n.list, func(i, j int) bool {
		a, b := n.list[i], n.list[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Filter != b.Filter {
			return a.Filter < b.Filter
		}
		return a.Code < b.Code
	})
	return json.Marshal(n.list)
}

func (n *unitCodeNotices) add(ctx context.Context, notices []unitCodeNotice) {
	if len(notices) == 0 {
		return
	}
	n.mu.Lock()
	n.list = append(n.list, notices...)
	n.mu.Unlock()
	n.once.Do(func() { graphql.RegisterExtension(ctx, "unitCodes", n) })
}

// noteUnitCodes adds to the operation's extensions a notice for each unit code of q's filter that has
// named more than one unit over time. It runs after the answer was found (so after the scope check).
func (r *Resolver) noteUnitCodes(ctx context.Context, q report.Query) error {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return nil // not inside a GraphQL operation: nowhere to say it
	}
	gathered := unitCodesOf(ctx)
	var notices []unitCodeNotice
	for _, f := range []struct {
		name  string
		level adminunit.Level
		codes []string
	}{{"wards", adminunit.Commune, q.Filter.Wards}, {"districts", adminunit.District, q.Filter.Districts}, {"provinces", adminunit.Province, q.Filter.Provinces}} {
		if len(f.codes) == 0 {
			continue
		}
		codes := append([]string(nil), f.codes...)
		sort.Strings(codes)
		codes = slices.Compact(codes)
		key := fmt.Sprint(f.level, codes)
		if q.UnitsAsOf != nil {
			key += q.UnitsAsOf.String()
		}
		found, err := gathered.memo(key, func() ([]unitCodeNotice, error) {
			return r.unitCodeNotices(ctx, f.name, f.level, codes, q.UnitsAsOf)
		})
		if err != nil {
			return err
		}
		for _, n := range found {
			n.Path = fc.Path().String()
			notices = append(notices, n)
		}
	}
	gathered.add(ctx, notices)
	return nil
}

// unitsWithCodes returns the units each code has named over time, oldest first: from the reference
// data in memory when the resolver keeps it (the codes named once, nearly all, need no more), else
// from the database.
func (r *Resolver) unitsWithCodes(ctx context.Context, level adminunit.Level, codes []string) (map[string][]*adminunit.Unit, error) {
	if r.Reference == nil {
		return r.Units.WithCodes(ctx, level, codes)
	}
	ref, err := r.Reference.Get(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string][]*adminunit.Unit{}
	for _, code := range codes {
		if units := ref.ReusedCode(level, code); units != nil {
			out[code] = units
		}
	}
	return out, nil
}

// heldLines is a stats engine that tells from what it holds in memory which units have lines
// (rollup.Resident), ok false when it cannot yet.
type heldLines interface {
	UnitsWithLines(ctx context.Context, ids []int64) (found map[int64]bool, ok bool, err error)
}

// unitsWithLines tells which of the units have payment lines: from the stats engine's memory when
// it holds the rollups (no database round trip), else from the lines.
func (r *Resolver) unitsWithLines(ctx context.Context, ids []int64) (map[int64]bool, error) {
	if h, is := r.Stats.(heldLines); is {
		found, ok, err := h.UnitsWithLines(ctx, ids)
		if err != nil || ok {
			return found, err
		}
	}
	return r.Lines.UnitsWithLines(ctx, ids)
}

// unitCodeNotices works out the notices of the codes (sorted, distinct) of one filter field: one for
// each code that has named more than one unit of level, with the units it matched.
func (r *Resolver) unitCodeNotices(ctx context.Context, filter string, level adminunit.Level, codes []string, unitsAsOf *civil.Date) ([]unitCodeNotice, error) {
	byCode, err := r.unitsWithCodes(ctx, level, codes)
	if err != nil {
		return nil, err
	}
	var reused []*adminunit.Unit
	for _, units := range byCode {
		if len(units) > 1 {
			reused = append(reused, units...)
		}
	}
	if len(reused) == 0 {
		return nil, nil
	}
	matched := map[int64]bool{}
	if unitsAsOf != nil {
		// Lines report under the units of that date: the code matches the one valid then.
		for _, u := range reused {
			matched[u.ID] = u.ValidOn(*unitsAsOf)
		}
	} else {
		// Lines report under the unit they were paid in: the code matches those with lines.
		ids := make([]int64, len(reused))
		for i, u := range reused {
			ids[i] = u.ID
		}
		if matched, err = r.unitsWithLines(ctx, ids); err != nil {
			return nil, err
		}
		// A ward officer's lines are those of their wards: the code matched those of its units, and
		// whether a unit outside the scope has lines is not theirs to learn.
		if id := auth.FromContext(ctx); id.WardScoped() {
			if level != adminunit.Commune {
				return nil, nil
			}
			for uid := range matched {
				matched[uid] = id.InScope(uid)
			}
		}
	}
	var notices []unitCodeNotice
	for _, code := range codes {
		units := byCode[code]
		if len(units) < 2 {
			continue
		}
		n := unitCodeNotice{Filter: filter, Code: code, Rule: "PAID_IN", unitsAsOf: unitsAsOf, Chosen: []unitPeriod{}, Others: []unitPeriod{}}
		if unitsAsOf != nil {
			n.Rule, n.UnitsAsOf = "UNITS_AS_OF", dateString(unitsAsOf)
		}
		for _, u := range units {
			p := unitPeriod{Code: u.Code, Name: u.Name, ValidFrom: u.ValidFrom.String(), ValidTo: dateString(u.ValidTo), from: &u.ValidFrom, to: u.ValidTo}
			if matched[u.ID] {
				n.Chosen = append(n.Chosen, p)
			} else {
				n.Others = append(n.Others, p)
			}
		}
		n.Message = n.sentence()
		notices = append(notices, n)
	}
	return notices, nil
}

// sentence says the notice in Vietnamese, for the reader of the answer.
func (n unitCodeNotice) sentence() string {
	all := append(append([]unitPeriod(nil), n.Chosen...), n.Others...)
	sort.Slice(all, func(i, j int) bool { return all[i].from.Before(*all[j].from) })
	var b strings.Builder
	fmt.Fprintf(&b, "Mã %s đã dùng cho %d đơn vị: %s. ", n.Code, len(all), periodList(all))
	switch {
	case n.unitsAsOf != nil && len(n.Chosen) > 0:
		fmt.Fprintf(&b, "Với unitsAsOf %s, bộ lọc lấy các dòng quy về %s.", viDate(*n.unitsAsOf), periodList(n.Chosen))
	case n.unitsAsOf != nil:
		fmt.Fprintf(&b, "Vào ngày %s (unitsAsOf) không đơn vị nào mang mã này.", viDate(*n.unitsAsOf))
	case len(n.Chosen) > 0:
		fmt.Fprintf(&b, "Không có unitsAsOf, bộ lọc lấy các dòng theo đơn vị nơi chi trả: %s. Thêm unitsAsOf để tính theo các đơn vị của một ngày.", periodList(n.Chosen))
	default:
		b.WriteString("Không có unitsAsOf, bộ lọc lấy các dòng theo đơn vị nơi chi trả; không có dòng nào bạn được xem ở các đơn vị này.")
	}
	return b.String()
}

func periodList(units []unitPeriod) string {
	parts := make([]string, len(units))
	for i, u := range units {
		if u.to == nil {
			parts[i] = fmt.Sprintf("%s (từ %s)", u.Name, viDate(*u.from))
		} else {
			parts[i] = fmt.Sprintf("%s (%s–%s)", u.Name, viDate(*u.from), viDate(*u.to))
		}
	}
	return strings.Join(parts, ", ")
}

func viDate(d civil.Date) string { return fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year) }

func dateString(d *civil.Date) *string {
	if d == nil {
		return nil
	}
	s := d.String()
	return &s
}

// UnitCodeMessages says, in Vietnamese, each unit code of q's filter that has named more than one
// unit over time, which of them the filter matched and by what rule: the notices of the API's
// extensions.unitCodes, for the exports' query sheet. It works outside a GraphQL operation.
func (r *Resolver) UnitCodeMessages(ctx context.Context, q report.Query) ([]string, error) {
	var out []string
	for _, f := range []struct {
		name  string
		level adminunit.Level
		codes []string
	}{{"wards", adminunit.Commune, q.Filter.Wards}, {"districts", adminunit.District, q.Filter.Districts}, {"provinces", adminunit.Province, q.Filter.Provinces}} {
		if len(f.codes) == 0 {
			continue
		}
		codes := append([]string(nil), f.codes...)
		sort.Strings(codes)
		notices, err := r.unitCodeNotices(ctx, f.name, f.level, slices.Compact(codes), q.UnitsAsOf)
		if err != nil {
			return nil, err
		}
		for _, n := range notices {
			out = append(out, n.Message)
		}
	}
	return out, nil
}

// noteFilterCodes is noteUnitCodes for a list of lines filtered by f (no unitsAsOf: lines report
// under the unit they were paid in).
func (r *Resolver) noteFilterCodes(ctx context.Context, f report.Filter) error {
	return r.noteUnitCodes(ctx, report.Query{Filter: f})
}
