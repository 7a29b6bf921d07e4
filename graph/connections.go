package graph

import (
	"context"

	"hotro/internal/adminunit"
	"hotro/internal/audit"
	"hotro/internal/beneficiary"
	"hotro/internal/disbursement"
	"hotro/internal/intake"
	"hotro/internal/page"
)

// The Relay connections. Each carries a function that counts the whole list, run only when
// totalCount is asked for.

// DisbursementConnection is a page of payment lines.
type DisbursementConnection struct {
	Edges    []*DisbursementEdge
	PageInfo *page.Info
	count    func(context.Context) (int, error)
}

// DisbursementEdge is one line of a page.
type DisbursementEdge struct {
	Cursor string
	Node   *disbursement.Disbursement
}

// BeneficiaryConnection is a page of recipients.
type BeneficiaryConnection struct {
	Edges    []*BeneficiaryEdge
	PageInfo *page.Info
	count    func(context.Context) (int, error)
}

// BeneficiaryEdge is one recipient of a page.
type BeneficiaryEdge struct {
	Cursor string
	Node   *beneficiary.Beneficiary
}

// WardConnection is a page of wards.
type WardConnection struct {
	Edges    []*WardEdge
	PageInfo *page.Info
	count    func(context.Context) (int, error)
}

// WardEdge is one ward of a page.
type WardEdge struct {
	Cursor string
	Node   *adminunit.Unit
}

// AuditEventConnection is a page of audit events.
type AuditEventConnection struct {
	Edges    []*AuditEventEdge
	PageInfo *page.Info
	count    func(context.Context) (int, error)
}

// AuditEventEdge is one event of a page.
type AuditEventEdge struct {
	Cursor string
	Node   *audit.Event
}

// ReconciliationConnection is a page of the reconciliation queue.
type ReconciliationConnection struct {
	Edges    []*ReconciliationEdge
	PageInfo *page.Info
	count    func(context.Context) (int, error)
}

// ReconciliationEdge is one entry of a page.
type ReconciliationEdge struct {
	Cursor string
	Node   *intake.Reconciliation
}

// pageInfo describes a page from its cursors.
func pageInfo(cursors []string, hasNext, hasPrevious bool) *page.Info {
	info := &page.Info{HasNextPage: hasNext, HasPreviousPage: hasPrevious}
	if len(cursors) > 0 {
		info.StartCursor, info.EndCursor = &cursors[0], &cursors[len(cursors)-1]
	}
	return info
}
