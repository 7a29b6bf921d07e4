package graph

import (
	"hotro/graph/model"
	"strconv"

	"hotro/internal/civil"
	"hotro/internal/disbursement"
	"hotro/internal/feedback"
	"hotro/internal/fund"
	"hotro/internal/report"
)

// filterOf maps the GraphQL filter onto the report's.
func filterOf(f *model.DisbursementFilter) report.Filter {
	if f == nil {
		return report.Filter{}
	}
	return report.Filter{
		Programs: f.Programs, Provinces: f.Provinces, Districts: f.Districts, Wards: f.Wards,
		Groups: f.Groups, Funds: f.Funds, Rounds: f.Rounds, Statuses: f.Statuses, Channels: f.Channels,
		PaidFrom: f.PaidFrom, PaidTo: f.PaidTo, Search: deref(f.Search),
		Batches: f.Batches,
		LineFilter: disbursement.LineFilter{
			ListedFrom: f.ListedFrom, ListedTo: f.ListedTo, ApprovedFrom: f.ApprovedFrom, ApprovedTo: f.ApprovedTo,
			Kinds: f.Kinds, Instalments: f.Instalments, AmountFrom: f.AmountFrom, AmountTo: f.AmountTo,
			BreaksRule: deref(f.BreaksRule),
		},
	}
}

// afterGrouping maps the stats arguments that work on the grouped rows.
func afterGrouping(q *report.Query, dateField *report.DateField, having []*model.MeasureCondition, within *model.FirstWithin) {
	if dateField != nil {
		q.DateField = *dateField
	}
	for _, c := range having {
		if c != nil {
			q.Having = append(q.Having, report.Condition{Measure: c.Measure, Op: c.Op, Value: c.Value})
		}
	}
	if within != nil {
		q.FirstWithin = &report.Within{Dimensions: within.Dimensions, First: within.First}
	}
}

// statsQuery maps the stats arguments onto a report query.
func statsQuery(filter *model.DisbursementFilter, groupBy []report.Dimension, orderBy *model.StatsOrder, first *int, unitsAsOf *civil.Date) report.Query {
	q := report.Query{Filter: filterOf(filter), GroupBy: groupBy, First: first, UnitsAsOf: unitsAsOf}
	if orderBy != nil {
		direction := ""
		if orderBy.Direction != nil {
			direction = string(*orderBy.Direction)
		}
		q.Order = report.OrderOf(orderBy.Field, direction)
	}
	return q
}

// allocateInput maps allocateFund's input onto the fund package's.
func allocateInput(in model.AllocateFundInput) fund.AllocateInput {
	return fund.AllocateInput{Program: in.Program, Fund: in.Fund, Unit: in.Unit, Amount: in.Amount,
		Decision: in.Decision, DecidedOn: in.DecidedOn}
}

// allocationQuery maps fundAllocations' arguments.
func allocationQuery(program string, fundCode, unit *string) fund.AllocationQuery {
	return fund.AllocationQuery{Program: program, Fund: deref(fundCode), Unit: deref(unit)}
}

func submitInput(in model.SubmitFeedbackInput) feedback.Input {
	out := feedback.Input{Ward: in.Ward, Kind: in.Kind, Reason: deref(in.Reason), MissingName: deref(in.MissingName),
		MissingGroup: deref(in.MissingGroup), MissingPlace: deref(in.MissingPlace), Body: in.Text,
		ContactPhone: deref(in.Phone), Website: deref(in.Website)}
	if in.Line != nil {
		// Not a number: no line of any list, which the service says in its words.
		out.LineID, _ = strconv.ParseInt(*in.Line, 10, 64)
	}
	return out
}

func closeInput(in model.CloseFeedbackInput) (feedback.CloseInput, error) {
	id, err := parseID(in.ID)
	if err != nil {
		return feedback.CloseInput{}, err
	}
	out := feedback.CloseInput{ID: id, Outcome: deref(in.Outcome), Reply: in.Reply, CancelLine: deref(in.CancelLine)}
	for _, l := range in.Lines {
		n, err := parseID(l)
		if err != nil {
			return feedback.CloseInput{}, err
		}
		out.Lines = append(out.Lines, n)
	}
	return out, nil
}
