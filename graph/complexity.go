package graph

import (
	"hotro/graph/model"
	"hotro/internal/civil"
	"hotro/internal/feedback"
	"hotro/internal/page"
	"hotro/internal/report"
)

// Upper bounds of the lengths of the lists whose size no argument fixes, from the national reference
// data (internal/seed/national). They price a list before it runs: a list field costs its bound
// times its selection, so that thirty aliases of every ward with its totals are refused, not run.
const (
	maxWards            = 14_000 // communes of every period: 10,614 in 2020, 3,321 from 1 July 2025
	maxWardsOnADate     = 11_000 // communes valid on one date
	maxWardsPerProvince = 1_000  // communes of one province, every period (Thanh Hóa had 559 in 2020)
	maxWardsPerDistrict = 100    // communes of one district, every period (39 at most in 2020)
	maxDistricts        = 800    // districts of every period (705 in 2020)
	maxProvinces        = 100    // provinces of every period (63 in 2020, 34 from 2025)
	maxLinks            = 10     // units a ward was formed from (8 at most in 2025)
	maxSplit            = 4      // units a ward became: one, or those it was split between (2 at most)
	maxSameCode         = 4      // other units with a ward's code: one reuse in 2025, room for another
	maxFigureYears      = 50     // years of reference figures loaded for a ward
	maxPrograms         = 20     // support programmes
	maxGroups           = 300    // beneficiary groups of every programme
	maxFunds            = 100    // funds of every programme
	maxRounds           = 100    // payment rounds of every programme, and one row for lines in none
	maxPerProgram       = 30     // groups, funds or payment rounds of one programme
	maxOfficerWards     = maxWardsPerDistrict
	maxWorkflowRules    = 20
	maxStatuses         = 7
	maxChannels         = 4 // three channels and none
	maxImportIssues     = 1_000
	maxImportPreview    = 50

	// statsCost prices one aggregate (a stats query, or the totals of a ward, group, fund or
	// programme): it reads rollups and unions recipient sets, so it weighs as much as twenty plain
	// fields. A fund's paid, remaining and utilisation share one aggregate: paidCost each.
	statsCost = 20
	paidCost  = 10

	// snapshotCost prices making a snapshot or comparing one with the data now: every table of
	// every programme is aggregated and every line read, so it counts as expensive (it waits for
	// one of the slots of expensive operations).
	snapshotCost = 6_000
	// linesStatsCost prices a stats query that only the lines can answer (a listing or approval
	// date, kind, instalment, amount or rule filter, KIND or INSTALMENT, a time bucket on another
	// date than payment): it scans the payment lines, so five of them make an expensive operation.
	linesStatsCost = 1_000
	maxKinds       = 2  // persons and households
	maxInstalments = 24 // instalment numbers a grouping by INSTALMENT is priced for
	// lineScanCost prices the line IDs of one cell of a snapshot: a pass over its lines.
	lineScanCost = 200
)

// timeBuckets bounds the periods of a stats answer grouped by a time bucket (ten years of payments).
var timeBuckets = map[report.Dimension]int{
	report.Day: 3_660, report.Week: 530, report.Month: 121, report.Quarter: 41, report.Year: 11,
}

// costCeiling is where costs stop growing, far above any limit, so that products cannot overflow.
const costCeiling = 1 << 40

// times is a*b, saturating at costCeiling.
func times(a, b int) int {
	if a <= 0 || b <= 0 {
		return 0
	}
	if a > costCeiling/b {
		return costCeiling
	}
	return min(a*b, costCeiling)
}

// plus is a+b, saturating at costCeiling.
func plus(a, b int) int { return min(a+b, costCeiling) }

// listOf is what a list of at most n items costs: one for the field and n times one item.
func listOf(n, child int) int { return plus(1, times(n, child)) }

// listCost is what a page of a list costs: its size times the cost of one item.
func listCost(child int, first *int) int {
	n := page.DefaultSize
	if first != nil && *first > 0 {
		n = min(*first, page.MaxSize)
	}
	return listOf(n, child)
}

// wardsBound is the most wards `wards` returns under its arguments.
func wardsBound(asOf *civil.Date, districts, provinces []string) int {
	n := maxWards
	if asOf != nil {
		n = maxWardsOnADate
	}
	if len(districts) > 0 {
		n = min(n, times(len(districts), maxWardsPerDistrict))
	}
	if len(provinces) > 0 {
		n = min(n, times(len(provinces), maxWardsPerProvince))
	}
	return n
}

// StatsRowsBound is the most rows a stats answer has: the product of the values each dimension
// grouped by may take under the filter, cut by `first`, or by report.MaxUnpagedRows without it.
func StatsRowsBound(f *model.DisbursementFilter, groupBy []report.Dimension, first *int) int {
	if f == nil {
		f = &model.DisbursementFilter{}
	}
	n := 1
	for _, d := range groupBy {
		n = times(n, dimensionBound(d, f))
	}
	limit := report.MaxUnpagedRows
	if first != nil {
		limit = min(max(*first, 0), report.MaxRows)
	}
	return max(min(n, limit), 1)
}

func dimensionBound(d report.Dimension, f *model.DisbursementFilter) int {
	or := func(n, otherwise int) int {
		if n > 0 {
			return min(n, otherwise)
		}
		return otherwise
	}
	switch d {
	case report.Program:
		return or(len(f.Programs), maxPrograms)
	case report.Province:
		return or(len(f.Provinces), maxProvinces)
	case report.District:
		return or(len(f.Districts), maxDistricts)
	case report.Ward:
		return or(len(f.Wards), wardsBound(nil, f.Districts, f.Provinces))
	case report.Group:
		return or(len(f.Groups), maxGroups)
	case report.Fund:
		return or(len(f.Funds), maxFunds)
	case report.Round:
		// A group is in one round at most (or none): no more rows than the groups asked for.
		return or(len(f.Rounds), or(len(f.Groups), maxRounds))
	case report.Status:
		return or(len(f.Statuses), maxStatuses)
	case report.Channel:
		return or(len(f.Channels)+1, maxChannels)
	case report.Kind:
		return or(len(f.Kinds), maxKinds)
	case report.Instalment:
		return or(len(f.Instalments), maxInstalments)
	}
	if n, ok := timeBuckets[d]; ok {
		return n
	}
	return costCeiling
}

// statsQueryCost prices a stats answer: the aggregate, and its selection once per row it may have
// (the total is counted with each row: an upper bound).
func statsQueryCost(child int, f *model.DisbursementFilter, groupBy []report.Dimension, first *int) int {
	return plus(statsCost, times(StatsRowsBound(f, groupBy, first), child))
}

// scansLines reports whether a stats query is answered from the lines by its arguments. (Asking
// for daysListedToPaid scans them too; a field's price is multiplied by the rows, so it is not
// priced here: see the README's limits.)
func scansLines(f *model.DisbursementFilter, groupBy []report.Dimension, dateField *report.DateField) bool {
	q := report.Query{Filter: filterOf(f), GroupBy: groupBy}
	if dateField != nil {
		q.DateField = *dateField
	}
	return q.NeedsLines()
}

// totalsCost prices the totals of one entity: an aggregate of its own.
func totalsCost(child int, _ *model.DisbursementFilter) int { return plus(statsCost, child) }

// setComplexity prices every list by the most items it may return, and every aggregate as
// statsCost; other fields cost one each.
func setComplexity(c *ComplexityRoot) {
	c.Query.SnapshotDiff = func(child int, _ string, _ string) int { return plus(snapshotCost, child) }
	c.Mutation.CreateSnapshot = func(child int, _ string, _ string) int { return plus(snapshotCost, child) }
	// A snapshot's answers are read from memory but have as many rows as stats; a cell's line IDs
	// are found by reading every line the snapshot kept.
	snapshotRows := func(child int, f *model.DisbursementFilter, groupBy []report.Dimension, _ *model.StatsOrder, first *int) int {
		return statsQueryCost(child, f, groupBy, first)
	}
	c.Snapshot.Stats, c.Snapshot.PublicStats, c.Snapshot.Provenance = snapshotRows, snapshotRows, snapshotRows
	c.CellProvenance.LineIds = func(child int, _ *int) int { return plus(lineScanCost, child) }
	c.Query.Disbursements = func(child int, _ *model.DisbursementFilter, _ *bool, _ *model.DisbursementOrder, first *int, _ *string) int {
		return listCost(child, first)
	}
	c.Query.Beneficiaries = func(child int, _ *model.BeneficiaryFilter, first *int, _ *string) int {
		return listCost(child, first)
	}
	c.Query.AuditEvents = func(child int, _ *model.AuditFilter, first *int, _ *string) int {
		return listCost(child, first)
	}
	c.Query.Reconciliations = func(child int, first *int, _ *string) int {
		return listCost(child, first)
	}
	c.Query.WardsConnection = func(child int, _ *civil.Date, _, _ []string, _ *string, first *int, _ *string) int {
		return listCost(child, first)
	}
	c.Query.ImportBatches = func(child int, _, _ []string, first *int) int { return listCost(child, first) }
	c.Beneficiary.Disbursements = func(child int, first *int, _ *string) int {
		return listCost(child, first)
	}

	c.Query.Wards = func(child int, asOf *civil.Date, districts, provinces []string) int {
		return listOf(wardsBound(asOf, districts, provinces), child)
	}
	c.Query.Programs = func(child int) int { return listOf(maxPrograms, child) }
	c.Query.BeneficiaryGroups = func(child int, program *string) int {
		if program != nil {
			return listOf(maxPerProgram, child)
		}
		return listOf(maxGroups, child)
	}
	c.Query.Funds = func(child int, program *string) int {
		if program != nil {
			return listOf(maxPerProgram, child)
		}
		return listOf(maxFunds, child)
	}
	c.Query.WorkflowRules = func(child int) int { return listOf(maxWorkflowRules, child) }
	// Residents' reports: a listing holds at most feedback.MaxList, a closing names at most
	// feedback.MaxLinesPerReport lines; the counts have one entry per ward that received a report,
	// at most feedback.MaxStatsWards (or the wards named).
	c.Query.Feedbacks = func(child int, _ *string, _ []feedback.Status) int { return listOf(feedback.MaxList, child) }
	c.Feedback.ChangedLines = func(child int) int { return listOf(feedback.MaxLinesPerReport, child) }
	c.Query.FeedbackStats = func(child int, wards []string) int {
		if len(wards) > 0 {
			return listOf(min(len(wards), feedback.MaxStatsWards), child)
		}
		return listOf(feedback.MaxStatsWards, child)
	}
	c.Query.Stats = func(child int, f *model.DisbursementFilter, groupBy []report.Dimension, _ *model.StatsOrder, first *int, _ *civil.Date,
		dateField *report.DateField, _ []*model.MeasureCondition, _ *model.FirstWithin) int {
		cost := statsQueryCost(child, f, groupBy, first)
		if scansLines(f, groupBy, dateField) {
			cost = plus(cost, linesStatsCost)
		}
		return cost
	}
	c.Query.PublicStats = func(child int, f *model.DisbursementFilter, groupBy []report.Dimension, _ *model.StatsOrder, first *int, _ *civil.Date) int {
		return statsQueryCost(child, f, groupBy, first)
	}

	c.Me.Wards = func(child int) int { return listOf(maxOfficerWards, child) }
	c.Ward.Became = func(child int) int { return listOf(maxSplit, child) }
	c.Ward.SameCode = func(child int) int { return listOf(maxSameCode, child) }
	c.Ward.Figures = func(child int) int { return listOf(maxFigureYears, child) }
	c.UnitResolution.OtherUnitsWithCode = func(child int) int { return listOf(maxSameCode, child) }
	c.Query.WardFigureYears = func(child int) int { return listOf(maxFigureYears, child) }
	c.Ward.FormedFrom = func(child int) int { return listOf(maxLinks, child) }
	c.StatRow.WardSplitInto = func(child int) int { return listOf(maxSplit, child) }
	c.PublicStatRow.WardSplitInto = func(child int) int { return listOf(maxSplit, child) }
	c.Program.Groups = func(child int) int { return listOf(maxPerProgram, child) }
	c.Program.Funds = func(child int) int { return listOf(maxPerProgram, child) }
	c.Program.Rounds = func(child int) int { return listOf(maxPerProgram, child) }
	c.PaymentRound.Groups = func(child int) int { return listOf(maxPerProgram, child) }
	c.ImportBatch.Statuses = func(child int) int { return listOf(maxStatuses, child) }
	c.ImportReport.Issues = func(child int) int { return listOf(maxImportIssues, child) }
	c.ImportReport.Preview = func(child int) int { return listOf(maxImportPreview, child) }
	c.ImportRow.Issues = func(child int) int { return listOf(maxImportIssues, child) }

	c.Ward.Stats = totalsCost
	c.Program.Stats = totalsCost
	c.BeneficiaryGroup.Stats = totalsCost
	c.Fund.Stats = totalsCost
	c.Fund.Paid = func(child int) int { return plus(paidCost, child) }
	c.Fund.Remaining = func(child int) int { return plus(paidCost, child) }
	c.Fund.Utilisation = func(child int) int { return plus(paidCost, child) }
}
