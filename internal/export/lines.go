package export

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"hotro/internal/beneficiary"
	"hotro/internal/civil"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/page"
	"hotro/internal/report"
)

// LineSource lists payment lines as the caller in the context may see them (disbursement.Reader is
// one): a ward officer their wards' lines, with the search their role allows.
type LineSource interface {
	List(ctx context.Context, q disbursement.ListQuery) (*disbursement.Page, error)
	Count(ctx context.Context, q disbursement.ListQuery) (int, error)
}

// RecipientSource names recipients as the caller may see them, masked for roles that see masked
// data (beneficiary.Reader is one); recipients the caller may not see are absent.
type RecipientSource interface {
	ByIDs(ctx context.Context, ids []int64) (map[int64]*beneficiary.Beneficiary, error)
}

// MaxExportLines bounds a lines export: a ward's lines, or a district's after a filter, not the
// whole country at once.
const MaxExportLines = 50_000

// linesPage is how many lines each read of a lines export takes.
const linesPage = 1000

// The parameters of GET /export/lines.csv and /export/lines.xlsx: the arguments of the GraphQL
// disbursements query, flattened; /export/disbursements.csv and .xlsx take the stats exports'
// filter instead (disbursementFilterSyntax), besides the lists' own parameters.
var (
	lineSingleParams = []string{"search", "orderBy", "direction", "lang"}
	lineOrders       = []disbursement.ListOrder{disbursement.OrderByID, disbursement.OrderByAmount,
		disbursement.OrderByListedOn, disbursement.OrderByPaidOn, disbursement.OrderByName}
)

// lineFilterSyntax reads the filter of a lines export as the stats exports read theirs.
var lineFilterSyntax = report.URLSyntax{Names: report.URLNames{Programs: "programs", Wards: "wards",
	Groups: "groups", Funds: "funds", Statuses: "statuses", Channels: "channels"}}

// disbursementFilterSyntax reads the filter of /export/disbursements: every filter parameter of the
// stats exports (report.ExportNames), so that the lines behind a figure are one URL away from it;
// the grouping, first and unitsAsOf are the stats' own (the lines are listed where they were
// recorded), and orderBy and direction are the lists' (ID, AMOUNT, LISTED_ON, PAID_ON, NAME).
var disbursementFilterSyntax = func() report.URLSyntax {
	n := report.ExportNames
	n.GroupBy, n.OrderBy, n.Direction, n.First, n.UnitsAsOf = "", "", "", "", ""
	return report.URLSyntax{Names: n}
}()

// joinOrders lists the orders a lines export takes, for its error message.
func joinOrders(orders []disbursement.ListOrder) string {
	names := make([]string, len(orders))
	for i, o := range orders {
		names[i] = string(o)
	}
	return strings.Join(names, ", ")
}

// lineRequest is one lines export.
type lineRequest struct {
	query disbursement.ListQuery
	lang  lang
}

// parseLineRequest reads the URL query of a lines export as strictly as parseRequest does, its
// filter with syntax.
func parseLineRequest(rawQuery string, syntax report.URLSyntax) (lineRequest, error) {
	lineListParams := append(syntax.Params(), "batches")
	const op = "export: parse lines"
	bad := func(format string, args ...any) error { return errs.E(op, errs.Invalid, errs.Msgf(format, args...)) }
	values, err := url.ParseQuery(rawQuery)
	if err != nil {
		return lineRequest{}, bad("Chuỗi tham số không hợp lệ: %v.", err)
	}
	for name, vs := range values {
		switch {
		case slices.Contains(lineListParams, name):
		case slices.Contains(lineSingleParams, name):
			if len(vs) > 1 {
				return lineRequest{}, bad("Tham số %s chỉ được có một giá trị.", name)
			}
		default:
			return lineRequest{}, bad("Tham số %q không được hỗ trợ. Các tham số: %s.", name,
				strings.Join(append(slices.Clone(lineListParams), lineSingleParams...), ", "))
		}
	}
	list := func(name string) ([]string, error) {
		var out []string
		for _, v := range values[name] {
			for item := range strings.SplitSeq(v, ",") {
				item = strings.TrimSpace(item)
				if item == "" {
					return nil, bad("Tham số %s có giá trị rỗng.", name)
				}
				out = append(out, item)
			}
		}
		return out, nil
	}
	var req lineRequest
	q, err := syntax.Parse(op, values)
	if err != nil {
		return lineRequest{}, err
	}
	req.query.Filter = q.Filter
	batches, err := list("batches")
	if err != nil {
		return lineRequest{}, err
	}
	for _, b := range batches {
		if n, err := strconv.ParseInt(b, 10, 64); err != nil || n <= 0 {
			return lineRequest{}, bad("Mã danh sách (batches) %q không hợp lệ.", b)
		}
	}
	req.query.Filter.Batches = batches
	req.query.Filter.Search = values.Get("search")
	if o := values.Get("orderBy"); o != "" {
		if !slices.Contains(lineOrders, disbursement.ListOrder(o)) {
			return lineRequest{}, bad("orderBy %q không hợp lệ. Có: %s.", o, joinOrders(lineOrders))
		}
		req.query.Order = disbursement.ListOrder(o)
	}
	switch values.Get("direction") {
	case "", "ASC":
	case "DESC":
		req.query.Desc = true
	default:
		return lineRequest{}, bad("direction %q không hợp lệ: ASC hoặc DESC.", values.Get("direction"))
	}
	switch values.Get("lang") {
	case "", "vi":
		req.lang = vi
	case "en":
		req.lang = en
	default:
		return lineRequest{}, bad("lang %q không hợp lệ: vi hoặc en.", values.Get("lang"))
	}
	return req, nil
}

// lineTable reads every line the request selects, in its order, as the caller may see them, and
// lays them out: one row per line with its recipient (masked as the API masks them), then a total.
func (h *Handler) lineTable(r *http.Request) (*table, error) {
	syntax := lineFilterSyntax
	if strings.HasPrefix(r.URL.Path, "/export/disbursements.") {
		syntax = disbursementFilterSyntax
	}
	const op = "export: lines"
	if h.c.Lines == nil || h.c.Recipients == nil {
		return nil, errs.E(op, errs.NotFound, errs.Msg("Máy chủ này không xuất dòng chi trả."))
	}
	req, err := parseLineRequest(r.URL.RawQuery, syntax)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	n, err := h.c.Lines.Count(ctx, req.query)
	if err != nil {
		return nil, err
	}
	if n > MaxExportLines {
		return nil, errs.E(op, errs.TooComplex, errs.Msgf("Có %d dòng, tối đa %d dòng cho một lần xuất. Hãy lọc theo phường/xã, nhóm hoặc danh sách.", n, MaxExportLines))
	}
	var lines []*disbursement.Disbursement
	q := req.query
	q.First = linesPage
	for {
		p, err := h.c.Lines.List(ctx, q)
		if err != nil {
			return nil, err
		}
		lines = append(lines, p.Lines...)
		if !p.HasNext || len(p.Cursors) == 0 || len(lines) > MaxExportLines {
			break
		}
		last := p.Cursors[len(p.Cursors)-1]
		if q.After, err = page.Decode(&last); err != nil {
			return nil, err
		}
	}
	var benIDs, wardIDs, programIDs, groupIDs ids
	for _, l := range lines {
		benIDs.add(l.BeneficiaryID)
		wardIDs.add(l.WardID)
		programIDs.add(l.ProgramID)
		groupIDs.add(l.GroupID)
	}
	recipients := map[int64]*beneficiary.Beneficiary{}
	for part := range slices.Chunk(benIDs.list(), linesPage) {
		got, err := h.c.Recipients.ByIDs(ctx, part)
		if err != nil {
			return nil, err
		}
		for k, v := range got {
			recipients[k] = v
		}
	}
	units, err := h.c.Units.ByIDs(ctx, wardIDs.list())
	if err != nil {
		return nil, err
	}
	programs, err := h.c.Programs.ProgramsByIDs(ctx, programIDs.list())
	if err != nil {
		return nil, err
	}
	groups, err := h.c.Programs.GroupsByIDs(ctx, groupIDs.list())
	if err != nil {
		return nil, err
	}
	base := texts[req.lang]
	tx := *base
	lt := lineTexts[req.lang]
	tx.sheet, tx.querySheet, tx.about.reportName = lt.sheet, base.querySheet, lt.reportName
	l := layout{text: &tx, lang: req.lang}
	t := &table{text: &tx, fileName: lt.fileName + "-" + h.c.Now().In(civil.Location).Format("2006-01-02")}
	for _, c := range lt.columns {
		t.columns = append(t.columns, column{c.header, c.kind})
	}
	date := func(d *civil.Date) any {
		if d == nil {
			return nil
		}
		return *d
	}
	str := func(s *string) any {
		if s == nil || *s == "" {
			return nil
		}
		return *s
	}
	var sum int64
	for i, d := range lines {
		var name, id any
		if b := recipients[d.BeneficiaryID]; b != nil {
			name, id = b.FullName, str(b.CitizenID)
		}
		var ward, prog, group any
		if u := units[d.WardID]; u != nil {
			ward = l.name(u.Name, u.NameEn)
		}
		if p := programs[d.ProgramID]; p != nil {
			prog = p.Code
		}
		if g := groups[d.GroupID]; g != nil {
			group = l.name(g.Name, g.NameEn)
		}
		var channel any
		if d.Channel != nil {
			channel = d.Channel.Text().In(string(req.lang))
		}
		sum += d.Amount
		t.rows = append(t.rows, []any{int64(i + 1), name, id, ward, prog, group, d.Amount, d.Status.Text().In(string(req.lang)),
			d.ListedOn, date(d.PostedOn), date(d.AppraisedOn), date(d.ApprovedOn), str(d.DecisionNumber),
			date(d.PaidOn), channel, str(d.ReceiptNumber), str(d.StatusReason)})
	}
	t.total = make([]any, len(t.columns))
	t.total[1] = fmt.Sprintf(lt.totalLines, len(lines))
	t.total[6] = sum
	t.about = [][2]string{
		{tx.about.field, tx.about.value},
		{tx.about.report, lt.reportName},
		{lt.searchField, values(req.query.Filter.Search, tx.about.all)},
		{tx.about.orderBy, orderText(req.query)},
		{tx.about.programs, joinOr(req.query.Filter.Programs, tx.about.all)},
		{tx.about.provinces, joinOr(req.query.Filter.Provinces, tx.about.all)},
		{tx.about.districts, joinOr(req.query.Filter.Districts, tx.about.all)},
		{tx.about.wards, joinOr(req.query.Filter.Wards, tx.about.all)},
		{tx.about.groups, joinOr(req.query.Filter.Groups, tx.about.all)},
		{tx.about.funds, joinOr(req.query.Filter.Funds, tx.about.all)},
		{tx.about.rounds, joinOr(req.query.Filter.Rounds, tx.about.all)},
		{tx.about.statuses, joinOr(strs(req.query.Filter.Statuses), tx.about.all)},
		{tx.about.channels, joinOr(strs(req.query.Filter.Channels), tx.about.all)},
		{tx.about.paidFrom, dateOr(req.query.Filter.PaidFrom, tx.about.all)},
		{tx.about.paidTo, dateOr(req.query.Filter.PaidTo, tx.about.all)},
		{lt.batchesField, joinOr(req.query.Filter.Batches, tx.about.all)},
		{lt.maskingField, lt.maskingNote},
		{tx.about.generated, h.c.Now().In(civil.Location).Format("2006-01-02 15:04:05") + " (" + tx.about.timeZone + ")"},
		{tx.about.requestURL, r.URL.RequestURI()},
	}
	return t, nil
}

func values(s, none string) string {
	if strings.TrimSpace(s) == "" {
		return none
	}
	return s
}

func dateOr(d *civil.Date, none string) string {
	if d == nil {
		return none
	}
	return d.String()
}

func joinOr(vs []string, none string) string {
	if len(vs) == 0 {
		return none
	}
	return strings.Join(vs, ", ")
}

func orderText(q disbursement.ListQuery) string {
	o := q.Order
	if o == "" {
		o = disbursement.OrderByID
	}
	if q.Desc {
		return string(o) + " DESC"
	}
	return string(o) + " ASC"
}

// lineText is the wording of a lines export in one language.
type lineText struct {
	fileName, sheet, reportName, totalLines string
	searchField, batchesField, maskingField string
	maskingNote                             string
	columns                                 []column
}

var lineTexts = map[lang]*lineText{
	vi: {
		fileName: "hotro-dong-chi-tra", sheet: "Dòng chi trả", reportName: "Danh sách dòng chi trả",
		totalLines: "Tổng cộng: %d dòng", searchField: "Tìm kiếm (search)", batchesField: "Danh sách nhập (batches)",
		maskingField: "Dữ liệu cá nhân",
		maskingNote:  "Như vai trò của người xuất được xem: vai trò chỉ thấy dữ liệu che thì họ tên chỉ có chữ cái đầu và số giấy tờ chỉ có 4 số cuối.",
		columns: []column{{"STT", countKind}, {"Họ và tên", textKind}, {"Số giấy tờ", textKind}, {"Phường/xã", textKind},
			{"Chương trình", textKind}, {"Nhóm đối tượng", textKind}, {"Số tiền (đồng)", moneyKind}, {"Trạng thái", textKind},
			{"Ngày lập danh sách", dateKind}, {"Ngày niêm yết", dateKind}, {"Ngày thẩm định", dateKind}, {"Ngày phê duyệt", dateKind},
			{"Số quyết định", textKind}, {"Ngày chi trả", dateKind}, {"Hình thức chi trả", textKind}, {"Số chứng từ", textKind},
			{"Lý do trả lại/hủy", textKind}},
	},
	en: {
		fileName: "hotro-payment-lines", sheet: "Payment lines", reportName: "Payment lines",
		totalLines: "Total: %d lines", searchField: "Search (search)", batchesField: "Imported lists (batches)",
		maskingField: "Personal data",
		maskingNote:  "As the exporter's role may see it: for roles that see masked data, names keep their initials and ID numbers their last four digits.",
		columns: []column{{"No.", countKind}, {"Full name", textKind}, {"ID number", textKind}, {"Ward/commune", textKind},
			{"Programme", textKind}, {"Beneficiary group", textKind}, {"Amount (VND)", moneyKind}, {"Status", textKind},
			{"Listed on", dateKind}, {"Posted on", dateKind}, {"Appraised on", dateKind}, {"Approved on", dateKind},
			{"Decision number", textKind}, {"Paid on", dateKind}, {"Payment channel", textKind}, {"Receipt number", textKind},
			{"Reason returned/cancelled", textKind}},
	},
}
