package graph

import (
	"hotro/graph/model"
	"hotro/internal/civil"
	"hotro/internal/page"
)

// listCost is what a page of a list costs: its size times the cost of one item.
func listCost(child int, first *int) int {
	n := page.DefaultSize
	if first != nil && *first > 0 {
		n = min(*first, page.MaxSize)
	}
	return 1 + n*child
}

// setComplexity prices the list fields by their page size; other fields cost one each.
func setComplexity(c *ComplexityRoot) {
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
	c.Beneficiary.Disbursements = func(child int, first *int, _ *string) int {
		return listCost(child, first)
	}
}
