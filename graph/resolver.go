// Package graph is hotro's GraphQL adapter: the schema, the generated executor, thin resolvers that
// map arguments onto one domain call each, per-request dataloaders and the error presenter. Caching
// lives in internal/respcache; this package only says which requests it may keep (CacheRequest) and
// which answers carry errors (cacheOutcome).
package graph

import (
	"hotro/internal/adminunit"
	"hotro/internal/audit"
	"hotro/internal/beneficiary"
	"hotro/internal/dataset"
	"hotro/internal/disbursement"
	"hotro/internal/feedback"
	"hotro/internal/fund"
	"hotro/internal/intake"
	"hotro/internal/portal"
	"hotro/internal/program"
	"hotro/internal/reference"
	"hotro/internal/report"
	"hotro/internal/snapshot"
	"hotro/internal/supervision"
	"hotro/internal/wardfigure"
	"hotro/internal/workqueue"
	"time"
)

// Resolver holds the domain services the resolvers call. main builds it; it has no state of its own.
type Resolver struct {
	Units      *adminunit.Store
	Programs   *program.Store
	Funds      *fund.Store
	Dataset    *dataset.Store
	Stats      report.Engine
	Lines      *disbursement.Reader
	Recipients *beneficiary.Reader
	Audit      *audit.Store
	// Links signs chart links for the portal.
	Links *portal.Signer
	// Public answers the public's questions from the release tables.
	Public report.Publisher
	// Intake checks and commits uploaded lists; Workflow moves lines along the approval chain.
	Intake   *intake.Service
	Workflow *disbursement.Workflow
	// Reports receives residents' reports on posted lists and the wards' answers.
	Reports *feedback.Service
	// Queue answers what waits for the caller's step.
	Queue *workqueue.Service
	// Supervision is the working group's board and spot checks (on the primary database).
	Supervision *supervision.Service
	// Allocator records fund allocations (on the primary database).
	Allocator *fund.Allocator
	// Snapshots makes and answers the official snapshots.
	Snapshots *snapshot.Service
	// Reference, when set, answers the names in stats rows (units, programmes, groups, funds) from
	// reference data held in memory, shared with the stats engine, instead of the loaders.
	Reference *reference.Cache
	// Organisation is who publishes the figures (the setting), for the dashboard's header.
	Organisation string
	// PortalOrigins are the origins allowed to frame charts (the CORS setting), for the embed dialog.
	PortalOrigins []string
	// Figures holds the reference figures per ward (population, households) and loads them.
	Figures *wardfigure.Store
	// LoaderWait is how long the dataloaders gather keys before they fetch (0: 0.5 ms).
	LoaderWait time.Duration
}
