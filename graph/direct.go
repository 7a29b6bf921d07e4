package graph

import (
	"context"
	"math"
	"strconv"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"

	"hotro/graph/model"
	"hotro/graph/scalar"
	"hotro/internal/adminunit"
	"hotro/internal/civil"
	"hotro/internal/fund"
	"hotro/internal/program"
	"hotro/internal/report"
	"hotro/internal/wardfigure"
)

// directAnswers and directFallbacks count the stats-only queries written directly, and those
// planned to be that gqlgen answered after all (a resolver's error, say): tests read them.
var directAnswers, directFallbacks atomic.Int64

// directSchema answers the queries that ask only for stats (the dashboard's figures and most of the
// analysts' questions) by writing their JSON itself, one pass over the rows, and every other
// operation as gqlgen does. gqlgen's generic execution resolves every field of every row on its own,
// each list element in a goroutine of its own, with a field context and a recovery each: for the
// city's 32 wards that was 250 fields, 130 goroutines and three quarters of the server's time per
// answer. The direct answer is the same bytes: the same arguments (decoded by gqlgen's generated
// code), the same resolvers called for the same fields, the same scalars, keys in the order the
// operation asks for them (TestDirectAnswersAreGqlgens compares the two on every example query).
//
// An operation is written directly when every field it selects, through fragments and after @skip
// and @include, is one of those the plan below knows (directFields); any other field, @defer, an
// error from a resolver or a value gqlgen would refuse (a float that is not finite, a date that is
// not set) leaves it to gqlgen, which then answers it whole, errors included. Nothing the direct
// answer did before it gave up is kept: it writes nothing and reports nothing until it has every
// value.
type directSchema struct {
	graphql.ExecutableSchema
	es *executableSchema
	// plans keeps the plans of the operations without @skip or @include (whose plan depends on
	// the variables), by text and operation name; a nil plan says the operation is gqlgen's.
	plans *lru.LRU[*directPlan]
	// size is the length of the last answer written, to start the next one with room for it.
	size atomic.Int64
}

// directPlan is an operation's plan; ok is false for one that cannot be written directly.
type directPlan struct {
	nodes []directNode
	ok    bool
}

func newDirectSchema(es graphql.ExecutableSchema) graphql.ExecutableSchema {
	inner, ok := es.(*executableSchema)
	if !ok {
		return es
	}
	return &directSchema{ExecutableSchema: es, es: inner, plans: lru.New[*directPlan](1000)}
}

// plan returns the operation's plan, made once for an operation that does not depend on its
// variables.
func (d *directSchema) plan(ctx context.Context, opCtx *graphql.OperationContext) *directPlan {
	key := ""
	if opCtx.RawQuery != "" && !usesVariableDirectives(opCtx.Operation.SelectionSet, 0) {
		key = opCtx.OperationName + "\x00" + opCtx.RawQuery
		if p, ok := d.plans.Get(ctx, key); ok {
			return p
		}
	}
	nodes, ok := planDirect(opCtx)
	p := &directPlan{nodes: nodes, ok: ok}
	if key != "" {
		d.plans.Add(ctx, key, p)
	}
	return p
}

func (d *directSchema) Exec(ctx context.Context) graphql.ResponseHandler {
	opCtx := graphql.GetOperationContext(ctx)
	if opCtx == nil || opCtx.Operation == nil || opCtx.Operation.Operation != ast.Query {
		return d.ExecutableSchema.Exec(ctx)
	}
	plan := d.plan(ctx, opCtx)
	if !plan.ok {
		return d.ExecutableSchema.Exec(ctx)
	}
	first := true
	return func(ctx context.Context) *graphql.Response {
		if !first {
			return nil
		}
		first = false
		ec := newExecutionContext(opCtx, d.es, nil)
		w := directWriter{ec: ec, opCtx: opCtx, rowsR: ec.Resolvers.StatRow(), publicR: ec.Resolvers.PublicStatRow(), totalsR: ec.Resolvers.Totals(),
			groups: ec.Resolvers.BeneficiaryGroup()}
		w.buf = make([]byte, 0, d.size.Load()+512)
		if data, ok := w.answer(ctx, plan.nodes); ok {
			d.size.Store(int64(len(data)))
			directAnswers.Add(1)
			if !w.escapes {
				notePlain(ctx, data)
			}
			return &graphql.Response{Data: data}
		}
		directFallbacks.Add(1)
		return d.ExecutableSchema.Exec(ctx)(ctx)
	}
}

// directKind is what a planned field is: which value it writes and how.
type directKind uint8

const (
	dTypename    directKind = iota // __typename: the node's name
	dStats                         // Query.stats
	dPublicStats                   // Query.publicStats
	dTotal                         // Stats.total, PublicStats.total
	dRows                          // Stats.rows, PublicStats.rows
	dMinCount                      // PublicStats.minCount
	// StatRow
	dRowProgram
	dRowProvince
	dRowDistrict
	dRowWard
	dRowGroup
	dRowFund
	dRowStatus
	dRowChannel
	dRowKind
	dRowInstalment
	dRowPeriod
	dRowTotals
	dRowRank
	dRowWardFigures
	dRowPerCapita
	dRowPer1000
	// WardFigures
	dFigYear
	dFigPopulation
	dFigHouseholds
	dFigSource
	dFigIllustrative
	// Ward, District, Province, Program, BeneficiaryGroup, Fund
	dCode
	dName
	dNameEn
	dShortName
	dShortNameEn
	// Period
	dPeriodStart
	dPeriodEnd
	dPeriodLabel
	// Totals
	dAmountPaid
	dPeopleSupported
	dBeneficiaries
	dDisbursements
	dAmountListed
	dAmountApproved
	dAmountReturned
	dAmountCancelled
	dAveragePerRecipient
	dAveragePerPerson
	dShareOfTotal
	dPaidShareOfListed
	dDaysListedToPaid
	dUndefinedMeasures
	// PublicTotals (with the measures of Totals above)
	dSuppressed
	// DaysListedToPaid
	dDaysLines
	dDaysMedian
	dDaysP90
)

// directType is what the plan knows of one GraphQL object type: the fields it can write, and the
// type of the object each of them holds.
type directType struct {
	name         string
	implementors []string
	fields       map[string]directKind
	children     map[string]*directType
}

var (
	directUnit = func(name string, implementors []string) *directType {
		return &directType{name: name, implementors: implementors,
			fields: map[string]directKind{"code": dCode, "name": dName, "nameEn": dNameEn}}
	}
	directDays = &directType{name: "DaysListedToPaid", implementors: daysListedToPaidImplementors,
		fields: map[string]directKind{"lines": dDaysLines, "median": dDaysMedian, "p90": dDaysP90}}
	directTotals = &directType{name: "Totals", implementors: totalsImplementors,
		fields: map[string]directKind{
			"amountPaid": dAmountPaid, "peopleSupported": dPeopleSupported, "beneficiaries": dBeneficiaries,
			"disbursements": dDisbursements, "amountListed": dAmountListed, "amountApproved": dAmountApproved,
			"amountReturned": dAmountReturned, "amountCancelled": dAmountCancelled,
			"averagePerRecipient": dAveragePerRecipient, "averagePerPerson": dAveragePerPerson,
			"shareOfTotal": dShareOfTotal, "paidShareOfListed": dPaidShareOfListed,
			"daysListedToPaid": dDaysListedToPaid, "undefinedMeasures": dUndefinedMeasures},
		children: map[string]*directType{"daysListedToPaid": directDays}}
	// rowChildren are the objects a row of stats or of public stats holds, but its totals.
	rowChildren = map[string]*directType{
		"program":  {name: "Program", implementors: programImplementors, fields: map[string]directKind{"code": dCode, "name": dName, "nameEn": dNameEn}},
		"province": directUnit("Province", provinceImplementors), "district": directUnit("District", districtImplementors),
		"ward": directUnit("Ward", wardImplementors),
		"group": {name: "BeneficiaryGroup", implementors: beneficiaryGroupImplementors, fields: map[string]directKind{
			"code": dCode, "name": dName, "nameEn": dNameEn, "shortName": dShortName, "shortNameEn": dShortNameEn}},
		"fund":   {name: "Fund", implementors: fundImplementors, fields: map[string]directKind{"code": dCode, "name": dName}},
		"period": {name: "Period", implementors: periodImplementors, fields: map[string]directKind{"start": dPeriodStart, "end": dPeriodEnd, "label": dPeriodLabel}},
		"wardFigures": {name: "WardFigures", implementors: wardFiguresImplementors, fields: map[string]directKind{
			"year": dFigYear, "population": dFigPopulation, "households": dFigHouseholds, "source": dFigSource,
			"illustrative": dFigIllustrative}},
	}
	withTotals = func(totals *directType) map[string]*directType {
		m := map[string]*directType{"totals": totals}
		for k, v := range rowChildren {
			m[k] = v
		}
		return m
	}
	directRow = &directType{name: "StatRow", implementors: statRowImplementors,
		fields: map[string]directKind{
			"program": dRowProgram, "province": dRowProvince, "district": dRowDistrict, "ward": dRowWard,
			"group": dRowGroup, "fund": dRowFund, "status": dRowStatus, "channel": dRowChannel, "kind": dRowKind,
			"instalment": dRowInstalment, "period": dRowPeriod, "totals": dRowTotals, "rank": dRowRank,
			"wardFigures": dRowWardFigures, "amountPaidPerCapita": dRowPerCapita, "peopleSupportedPer1000": dRowPer1000},
		children: withTotals(directTotals)}
	directPublicTotals = &directType{name: "PublicTotals", implementors: publicTotalsImplementors,
		fields: map[string]directKind{"suppressed": dSuppressed,
			"amountPaid": dAmountPaid, "peopleSupported": dPeopleSupported, "beneficiaries": dBeneficiaries,
			"disbursements": dDisbursements, "amountListed": dAmountListed, "amountApproved": dAmountApproved}}
	directPublicRow = &directType{name: "PublicStatRow", implementors: publicStatRowImplementors,
		fields: map[string]directKind{
			"program": dRowProgram, "province": dRowProvince, "district": dRowDistrict, "ward": dRowWard,
			"group": dRowGroup, "fund": dRowFund, "period": dRowPeriod, "totals": dRowTotals,
			"wardFigures": dRowWardFigures, "amountPaidPerCapita": dRowPerCapita, "peopleSupportedPer1000": dRowPer1000},
		children: withTotals(directPublicTotals)}
	directPublicStats = &directType{name: "PublicStats", implementors: publicStatsImplementors,
		fields:   map[string]directKind{"total": dTotal, "rows": dRows, "minCount": dMinCount},
		children: map[string]*directType{"total": directPublicTotals, "rows": directPublicRow}}
	directStats = &directType{name: "Stats", implementors: statsImplementors,
		fields:   map[string]directKind{"total": dTotal, "rows": dRows},
		children: map[string]*directType{"total": directTotals, "rows": directRow}}
	directQuery = &directType{name: "Query", implementors: queryImplementors,
		fields:   map[string]directKind{"stats": dStats, "publicStats": dPublicStats},
		children: map[string]*directType{"stats": directStats, "publicStats": directPublicStats}}
)

// directNode is one field of the operation, planned: its key in the answer (the alias, quoted, with
// its colon), what it writes and, for an object, its own fields.
type directNode struct {
	key      []byte
	kind     directKind
	typename string // of the object, for __typename
	field    graphql.CollectedField
	children []directNode
}

// planDirect plans the operation's fields, or says it cannot be written directly.
func planDirect(opCtx *graphql.OperationContext) ([]directNode, bool) {
	return planFields(opCtx, opCtx.Operation.SelectionSet, directQuery, 0)
}

func planFields(opCtx *graphql.OperationContext, sel ast.SelectionSet, t *directType, depth int) ([]directNode, bool) {
	if depth > 8 || !plainSelections(sel, 0) {
		return nil, false
	}
	fields := graphql.CollectFields(opCtx, sel, t.implementors)
	nodes := make([]directNode, 0, len(fields))
	for _, f := range fields {
		n := directNode{key: directKey(f.Alias), typename: t.name, field: f}
		if f.Name == "__typename" {
			n.kind = dTypename
			nodes = append(nodes, n)
			continue
		}
		kind, ok := t.fields[f.Name]
		if !ok {
			return nil, false
		}
		n.kind = kind
		if child := t.children[f.Name]; child != nil {
			if n.children, ok = planFields(opCtx, f.Selections, child, depth+1); !ok {
				return nil, false
			}
		} else if len(f.Selections) > 0 {
			return nil, false
		}
		nodes = append(nodes, n)
	}
	return nodes, true
}

// plainSelections reports whether a selection set uses no directive but @skip and @include, at
// any depth through fragments.
func plainSelections(set ast.SelectionSet, depth int) bool {
	if depth > 32 {
		return false
	}
	plain := func(ds ast.DirectiveList) bool {
		for _, d := range ds {
			if d.Name != "skip" && d.Name != "include" {
				return false
			}
		}
		return true
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if !plain(s.Directives) || !plainSelections(s.SelectionSet, depth+1) {
				return false
			}
		case *ast.InlineFragment:
			if !plain(s.Directives) || !plainSelections(s.SelectionSet, depth+1) {
				return false
			}
		case *ast.FragmentSpread:
			if !plain(s.Directives) || s.Definition == nil || !plain(s.Definition.Directives) ||
				!plainSelections(s.Definition.SelectionSet, depth+1) {
				return false
			}
		}
	}
	return true
}

// usesVariableDirectives reports whether a selection set holds @skip or @include (whose outcome may
// depend on the variables), at any depth through fragments.
func usesVariableDirectives(set ast.SelectionSet, depth int) bool {
	if depth > 32 {
		return true
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if len(s.Directives) > 0 || usesVariableDirectives(s.SelectionSet, depth+1) {
				return true
			}
		case *ast.InlineFragment:
			if len(s.Directives) > 0 || usesVariableDirectives(s.SelectionSet, depth+1) {
				return true
			}
		case *ast.FragmentSpread:
			if len(s.Directives) > 0 || s.Definition == nil || len(s.Definition.Directives) > 0 ||
				usesVariableDirectives(s.Definition.SelectionSet, depth+1) {
				return true
			}
		}
	}
	return false
}

// directKey is a field's key in the answer, as gqlgen writes it.
func directKey(alias string) []byte {
	b := appendQuoted(nil, alias)
	return append(b, ':')
}

// directWriter writes one answer.
type directWriter struct {
	ec      *executionContext
	opCtx   *graphql.OperationContext
	buf     []byte
	rowsR   StatRowResolver
	publicR PublicStatRowResolver
	totalsR TotalsResolver
	groups  BeneficiaryGroupResolver
	// year holds the year argument of the rows' figure fields, decoded once per answer.
	year map[*directNode]*int
	// escapes notes a value written that encoding/json would write otherwise (<, >, &, U+2028,
	// U+2029 in a string): without one, the answer is sent as it is, not scanned (notePlain).
	escapes bool
}

// answer writes the data of the whole operation, or reports that it cannot (the caller then asks
// gqlgen). A panic in a resolver gives up the same way: gqlgen's execution recovers it as it does.
func (w *directWriter) answer(ctx context.Context, plan []directNode) (data []byte, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			data, ok = nil, false
		}
	}()
	if !w.object(ctx, plan, nil) {
		return nil, false
	}
	return w.buf, true
}

// object writes the fields of obj (nil for the query itself).
func (w *directWriter) object(ctx context.Context, nodes []directNode, obj any) bool {
	w.buf = append(w.buf, '{')
	for i := range nodes {
		n := &nodes[i]
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.buf = append(w.buf, n.key...)
		if !w.value(ctx, n, obj) {
			return false
		}
	}
	w.buf = append(w.buf, '}')
	return true
}

func (w *directWriter) value(ctx context.Context, n *directNode, obj any) bool {
	switch n.kind {
	case dTypename:
		w.buf = appendQuoted(w.buf, n.typename)
		return true
	case dStats:
		return w.stats(ctx, n)
	case dPublicStats:
		return w.publicStats(ctx, n)
	}
	switch o := obj.(type) {
	case *report.Result:
		return w.result(ctx, n, o)
	case *report.PublicResult:
		return w.publicResult(ctx, n, o)
	case *report.PublicCell:
		if n.kind == dSuppressed || n.kind >= dAmountPaid && n.kind <= dUndefinedMeasures {
			return w.publicTotals(n, o) // a field of PublicTotals, else of PublicStatRow
		}
		return w.publicRow(ctx, n, o)
	case *report.Row:
		return w.row(ctx, n, o)
	case *report.Totals:
		return w.totals(ctx, n, o)
	case *report.DayStats:
		return w.days(n, o)
	case *report.Period:
		return w.period(n, o)
	case *wardfigure.Figure:
		return w.figures(n, o)
	}
	return w.named(ctx, n, obj)
}

// stats resolves one stats field as gqlgen does: its arguments decoded by the generated code, the
// resolver called under a field context that holds them.
func (w *directWriter) stats(ctx context.Context, n *directNode) bool {
	fc := &graphql.FieldContext{Object: "Query", Field: n.field, IsMethod: true, IsResolver: true}
	ctx = graphql.WithFieldContext(ctx, fc)
	args, err := w.ec.field_Query_stats_args(ctx, n.field.ArgumentMap(w.opCtx.Variables))
	if err != nil {
		return false
	}
	fc.Args = args
	res, err := w.ec.Resolvers.Query().Stats(ctx, args["filter"].(*model.DisbursementFilter), args["groupBy"].([]report.Dimension),
		args["orderBy"].(*model.StatsOrder), args["first"].(*int), args["unitsAsOf"].(*civil.Date), args["dateField"].(*report.DateField),
		args["having"].([]*model.MeasureCondition), args["firstWithin"].(*model.FirstWithin))
	if err != nil || res == nil {
		return false
	}
	return w.object(withReferenceData(ctx), n.children, res)
}

// publicStats resolves one publicStats field as gqlgen does (see stats).
func (w *directWriter) publicStats(ctx context.Context, n *directNode) bool {
	fc := &graphql.FieldContext{Object: "Query", Field: n.field, IsMethod: true, IsResolver: true}
	ctx = graphql.WithFieldContext(ctx, fc)
	args, err := w.ec.field_Query_publicStats_args(ctx, n.field.ArgumentMap(w.opCtx.Variables))
	if err != nil {
		return false
	}
	fc.Args = args
	res, err := w.ec.Resolvers.Query().PublicStats(ctx, args["filter"].(*model.DisbursementFilter), args["groupBy"].([]report.Dimension),
		args["orderBy"].(*model.StatsOrder), args["first"].(*int), args["unitsAsOf"].(*civil.Date))
	if err != nil || res == nil {
		return false
	}
	return w.object(withReferenceData(ctx), n.children, res)
}

func (w *directWriter) publicResult(ctx context.Context, n *directNode, res *report.PublicResult) bool {
	switch n.kind {
	case dTotal:
		return w.object(ctx, n.children, &res.Total)
	case dMinCount:
		w.buf = strconv.AppendInt(w.buf, int64(res.MinCount), 10)
		return true
	case dRows:
		w.buf = append(w.buf, '[')
		for i := range res.Rows {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			if !w.object(ctx, n.children, &res.Rows[i]) {
				return false
			}
		}
		w.buf = append(w.buf, ']')
		return true
	}
	return false
}

// publicRow writes a field of a row of public stats, with PublicStatRow's resolvers.
func (w *directWriter) publicRow(ctx context.Context, n *directNode, c *report.PublicCell) bool {
	if n.kind == dRowTotals {
		return w.object(ctx, n.children, c)
	}
	return rowField(w, ctx, n, w.publicR, c, c.Period)
}

// rowResolvers are the resolvers a row of stats and a row of public stats share, for their own
// type of row.
type rowResolvers[T any] interface {
	Program(ctx context.Context, obj *T) (*program.Program, error)
	Province(ctx context.Context, obj *T) (*adminunit.Unit, error)
	District(ctx context.Context, obj *T) (*adminunit.Unit, error)
	Ward(ctx context.Context, obj *T) (*adminunit.Unit, error)
	Group(ctx context.Context, obj *T) (*program.Group, error)
	Fund(ctx context.Context, obj *T) (*fund.Fund, error)
	WardFigures(ctx context.Context, obj *T, year *int) (*wardfigure.Figure, error)
	AmountPaidPerCapita(ctx context.Context, obj *T, year *int) (*float64, error)
	PeopleSupportedPer1000(ctx context.Context, obj *T, year *int) (*float64, error)
}

// rowField writes a field both kinds of rows have: the units, programme, group and fund of the
// row, its period and its ward's figures.
func rowField[T any](w *directWriter, ctx context.Context, n *directNode, rows rowResolvers[T], row *T, period *report.Period) bool {
	switch n.kind {
	case dRowProgram:
		p, err := rows.Program(ctx, row)
		return err == nil && w.nullable(ctx, n, p, p == nil)
	case dRowProvince:
		u, err := rows.Province(ctx, row)
		return err == nil && w.nullable(ctx, n, u, u == nil)
	case dRowDistrict:
		u, err := rows.District(ctx, row)
		return err == nil && w.nullable(ctx, n, u, u == nil)
	case dRowWard:
		u, err := rows.Ward(ctx, row)
		return err == nil && w.nullable(ctx, n, u, u == nil)
	case dRowGroup:
		g, err := rows.Group(ctx, row)
		return err == nil && w.nullable(ctx, n, g, g == nil)
	case dRowFund:
		f, err := rows.Fund(ctx, row)
		return err == nil && w.nullable(ctx, n, f, f == nil)
	case dRowPeriod:
		return w.nullable(ctx, n, period, period == nil)
	case dRowWardFigures:
		year, ok := w.figuresYear(ctx, n)
		if !ok {
			return false
		}
		f, err := rows.WardFigures(ctx, row, year)
		return err == nil && w.nullable(ctx, n, f, f == nil)
	case dRowPerCapita, dRowPer1000:
		year, ok := w.figuresYear(ctx, n)
		if !ok {
			return false
		}
		var v *float64
		var err error
		if n.kind == dRowPerCapita {
			v, err = rows.AmountPaidPerCapita(ctx, row, year)
		} else {
			v, err = rows.PeopleSupportedPer1000(ctx, row, year)
		}
		return err == nil && w.optionalFloat(v)
	}
	return false
}

// publicTotals writes a field of a public cell's totals: null where the cell is withheld, or the
// measure undefined (PublicTotals' resolvers, without allocating a pointer).
func (w *directWriter) publicTotals(n *directNode, c *report.PublicCell) bool {
	if n.kind == dSuppressed {
		w.buf = strconv.AppendBool(w.buf, c.Suppressed)
		return true
	}
	t := c.Totals
	if c.Suppressed || t == nil {
		w.buf = append(w.buf, "null"...)
		return true
	}
	switch n.kind {
	case dAmountPaid:
		return w.amount(t.AmountPaid, true)
	case dPeopleSupported:
		return w.amount(t.PeopleSupported, true)
	case dBeneficiaries:
		return w.amount(t.Beneficiaries, true)
	case dDisbursements:
		return w.amount(t.Disbursements, true)
	case dAmountListed:
		return w.amount(t.AmountListed, !t.Undefined.Has(report.MeasureAmountListed))
	case dAmountApproved:
		return w.amount(t.AmountApproved, !t.Undefined.Has(report.MeasureAmountApproved))
	}
	return false
}

func (w *directWriter) result(ctx context.Context, n *directNode, res *report.Result) bool {
	switch n.kind {
	case dTotal:
		return w.object(ctx, n.children, &res.Total)
	case dRows:
		if !w.prefetchFigures(ctx, n, res.Rows) {
			return false
		}
		w.buf = append(w.buf, '[')
		for i := range res.Rows {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			if !w.object(ctx, n.children, &res.Rows[i]) {
				return false
			}
		}
		w.buf = append(w.buf, ']')
		return true
	}
	return false
}

func (w *directWriter) row(ctx context.Context, n *directNode, row *report.Row) bool {
	rows := w.rowsR
	switch n.kind {
	case dRowStatus:
		if row.Status == nil {
			w.buf = append(w.buf, "null"...)
		} else {
			w.quote(string(*row.Status))
		}
	case dRowChannel:
		if row.Channel == nil {
			w.buf = append(w.buf, "null"...)
		} else {
			w.quote(string(*row.Channel))
		}
	case dRowKind:
		if row.Kind == nil {
			w.buf = append(w.buf, "null"...)
		} else {
			w.quote(string(*row.Kind))
		}
	case dRowInstalment:
		v, err := rows.Instalment(ctx, row)
		if err != nil {
			return false
		}
		w.optionalInt(v)
	case dRowTotals:
		return w.object(ctx, n.children, &row.Totals)
	case dRowRank:
		w.buf = strconv.AppendInt(w.buf, int64(row.Rank), 10)
	default:
		return rowField(w, ctx, n, rows, row, row.Period)
	}
	return true
}

// figuresYear is the year argument of a figure field, decoded by gqlgen's generated code once per
// answer.
func (w *directWriter) figuresYear(ctx context.Context, n *directNode) (*int, bool) {
	if y, ok := w.year[n]; ok {
		return y, true
	}
	raw := n.field.ArgumentMap(w.opCtx.Variables)
	var args map[string]any
	var err error
	switch n.kind {
	case dRowWardFigures:
		args, err = w.ec.field_StatRow_wardFigures_args(ctx, raw)
	case dRowPerCapita:
		args, err = w.ec.field_StatRow_amountPaidPerCapita_args(ctx, raw)
	default:
		args, err = w.ec.field_StatRow_peopleSupportedPer1000_args(ctx, raw)
	}
	if err != nil {
		return nil, false
	}
	year, _ := args["year"].(*int)
	if w.year == nil {
		w.year = map[*directNode]*int{}
	}
	w.year[n] = year
	return year, true
}

// prefetchFigures asks the figures loader for every row's ward at once when the rows ask for
// figures: rows are written one after the other, and each would otherwise wait for the loader's
// batch alone.
func (w *directWriter) prefetchFigures(ctx context.Context, n *directNode, rows []report.Row) bool {
	wants := false
	for i := range n.children {
		switch n.children[i].kind {
		case dRowWardFigures, dRowPerCapita, dRowPer1000:
			wants = true
		}
	}
	if !wants || referenceCache(ctx) != nil { // held in memory with the reference data
		return true
	}
	ids := make([]int64, 0, len(rows))
	for i := range rows {
		if rows[i].WardID != 0 {
			ids = append(ids, rows[i].WardID)
		}
	}
	if len(ids) == 0 {
		return true
	}
	_, err := loaders(ctx).Figures.LoadAll(ctx, ids)
	return err == nil
}

func (w *directWriter) figures(n *directNode, f *wardfigure.Figure) bool {
	switch n.kind {
	case dFigYear:
		w.buf = strconv.AppendInt(w.buf, int64(f.Year), 10)
	case dFigPopulation:
		w.buf = strconv.AppendInt(w.buf, f.Population, 10)
	case dFigHouseholds:
		w.buf = strconv.AppendInt(w.buf, f.Households, 10)
	case dFigSource:
		w.quote(f.Source)
	case dFigIllustrative:
		w.buf = strconv.AppendBool(w.buf, f.Illustrative)
	default:
		return false
	}
	return true
}

// nullable writes null, or the object.
func (w *directWriter) nullable(ctx context.Context, n *directNode, obj any, isNil bool) bool {
	if isNil {
		w.buf = append(w.buf, "null"...)
		return true
	}
	return w.object(ctx, n.children, obj)
}

// named writes a field of a unit, programme, group or fund.
func (w *directWriter) named(ctx context.Context, n *directNode, obj any) bool {
	var code, name, nameEn string
	switch o := obj.(type) {
	case *adminunit.Unit:
		code, name, nameEn = o.Code, o.Name, o.NameEn
	case *program.Program:
		code, name, nameEn = o.Code, o.Name, o.NameEn
	case *program.Group:
		code, name, nameEn = o.Code, o.Name, o.NameEn
		switch n.kind {
		case dShortName:
			s, err := w.groups.ShortName(ctx, o)
			if err != nil {
				return false
			}
			w.quote(s)
			return true
		case dShortNameEn:
			s, err := w.groups.ShortNameEn(ctx, o)
			if err != nil {
				return false
			}
			w.quote(s)
			return true
		}
	case *fund.Fund:
		code, name = o.Code, o.Name
	default:
		return false
	}
	switch n.kind {
	case dCode:
		w.quote(code)
	case dName:
		w.quote(name)
	case dNameEn:
		w.quote(nameEn)
	default:
		return false
	}
	return true
}

func (w *directWriter) period(n *directNode, p *report.Period) bool {
	switch n.kind {
	case dPeriodStart:
		return w.date(p.Start)
	case dPeriodEnd:
		return w.date(p.End)
	case dPeriodLabel:
		w.quote(p.Label)
		return true
	}
	return false
}

// date writes a Date as its scalar does; an unset date (which the scalar refuses) gives up.
func (w *directWriter) date(d civil.Date) bool {
	m := scalar.MarshalDate(d)
	if m == graphql.Null {
		return false
	}
	start := len(w.buf)
	m.MarshalGQL(bufferOf{&w.buf})
	w.escapes = w.escapes || needsEscape(w.buf[start:])
	return true
}

func (w *directWriter) totals(ctx context.Context, n *directNode, t *report.Totals) bool {
	totals := w.totalsR
	var amount *int64
	var err error
	switch n.kind {
	case dAmountPaid:
		w.buf = strconv.AppendInt(w.buf, t.AmountPaid, 10)
		return true
	case dPeopleSupported:
		w.buf = strconv.AppendInt(w.buf, t.PeopleSupported, 10)
		return true
	case dBeneficiaries:
		w.buf = strconv.AppendInt(w.buf, t.Beneficiaries, 10)
		return true
	case dDisbursements:
		w.buf = strconv.AppendInt(w.buf, t.Disbursements, 10)
		return true
	// The resolvers' rule (definedAmount), without allocating a pointer.
	case dAmountListed:
		return w.amount(amountIf(t, report.MeasureAmountListed, t.AmountListed))
	case dAmountApproved:
		return w.amount(amountIf(t, report.MeasureAmountApproved, t.AmountApproved))
	case dAmountReturned:
		return w.amount(amountIf(t, report.MeasureAmountReturned, t.AmountReturned))
	case dAmountCancelled:
		return w.amount(amountIf(t, report.MeasureAmountCancelled, t.AmountCancelled))
	case dAveragePerRecipient:
		amount = t.AveragePerRecipient()
	case dAveragePerPerson:
		amount = t.AveragePerPerson()
	case dShareOfTotal:
		return w.optionalFloat(t.ShareOfTotal)
	case dPaidShareOfListed:
		return w.optionalFloat(t.PaidShareOfListed())
	case dDaysListedToPaid:
		return w.nullable(ctx, n, t.DaysListedToPaid, t.DaysListedToPaid == nil)
	case dUndefinedMeasures:
		ms, err := totals.UndefinedMeasures(ctx, t)
		if err != nil {
			return false
		}
		w.buf = append(w.buf, '[')
		for i, m := range ms {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			w.quote(string(m))
		}
		w.buf = append(w.buf, ']')
		return true
	default:
		return false
	}
	if err != nil {
		return false
	}
	if amount == nil {
		w.buf = append(w.buf, "null"...)
	} else {
		w.buf = strconv.AppendInt(w.buf, *amount, 10)
	}
	return true
}

func (w *directWriter) days(n *directNode, d *report.DayStats) bool {
	switch n.kind {
	case dDaysLines:
		w.buf = strconv.AppendInt(w.buf, d.Lines, 10)
	case dDaysMedian:
		w.optionalInt(d.Median)
	case dDaysP90:
		w.optionalInt(d.P90)
	default:
		return false
	}
	return true
}

func (w *directWriter) optionalInt(v *int) {
	if v == nil {
		w.buf = append(w.buf, "null"...)
		return
	}
	w.buf = strconv.AppendInt(w.buf, int64(*v), 10)
}

// amount writes an amount, or null where it is not defined.
func (w *directWriter) amount(v int64, defined bool) bool {
	if !defined {
		w.buf = append(w.buf, "null"...)
		return true
	}
	w.buf = strconv.AppendInt(w.buf, v, 10)
	return true
}

// optionalFloat writes a Float as gqlgen does (%g); one that is not finite, which gqlgen refuses,
// gives up.
func (w *directWriter) optionalFloat(v *float64) bool {
	if v == nil {
		w.buf = append(w.buf, "null"...)
		return true
	}
	if math.IsInf(*v, 0) || math.IsNaN(*v) {
		return false
	}
	w.buf = strconv.AppendFloat(w.buf, *v, 'g', -1, 64)
	return true
}

// quote writes s as a GraphQL string, noting whether encoding/json would write it otherwise.
func (w *directWriter) quote(s string) {
	if !w.escapes {
		w.escapes = htmlEscaped(s)
	}
	w.buf = appendQuoted(w.buf, s)
}

// htmlEscaped reports whether s holds a character encoding/json escapes and gqlgen does not: <, >,
// & and the line separators U+2028, U+2029 (E2 80 A8, E2 80 A9).
func htmlEscaped(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<', '>', '&':
			return true
		case 0xE2:
			if i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9) {
				return true
			}
		}
	}
	return false
}

// appendQuoted quotes s as gqlgen's strings are (only controls, quotes and backslashes escaped).
func appendQuoted(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '\\' && c != '"' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '\t':
			b = append(b, `\t`...)
		case '\r':
			b = append(b, `\r`...)
		case '\n':
			b = append(b, `\n`...)
		case '\\':
			b = append(b, `\\`...)
		case '"':
			b = append(b, `\"`...)
		default:
			b = append(b, `\u00`...)
			b = append(b, hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// bufferOf lets a gqlgen marshaler write into the answer.
type bufferOf struct{ b *[]byte }

func (o bufferOf) Write(p []byte) (int, error) {
	*o.b = append(*o.b, p...)
	return len(p), nil
}
