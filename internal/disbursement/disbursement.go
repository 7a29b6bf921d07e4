// Package disbursement holds payment lines: who is paid what, under which group and fund, in which
// ward, and where each line stands on the way from the list to the money.
//
// It owns the codes of a line's status, the steps of the approval chain and the payment channels,
// and the one table of their words in Vietnamese and English (labels.go: Text, Words), which the
// API serves as Query.vocabulary to the dashboard and which the exports, the posting list and the
// CLI's messages read. Group names are programme data (package program).
package disbursement

import (
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/civil"
)

// Status is where a payment line stands.
type Status string

// The statuses, in the order of the approval chain, then the two ways a line ends unpaid.
const (
	Listed    Status = "LISTED"    // drawn up by the ward
	Posted    Status = "POSTED"    // posted publicly at the ward for residents to check
	Appraised Status = "APPRAISED" // checked by the district
	Approved  Status = "APPROVED"  // approved by a numbered decision
	Paid      Status = "PAID"      // money handed over
	Returned  Status = "RETURNED"  // sent back (not eligible, not found, refused)
	Cancelled Status = "CANCELLED" // withdrawn
)

// Statuses lists every status in chain order.
var Statuses = []Status{Listed, Posted, Appraised, Approved, Paid, Returned, Cancelled}

// Channel is how money reached the recipient.
type Channel string

// The payment channels.
const (
	CashAtWard Channel = "CASH_AT_WARD"
	PostOffice Channel = "POST_OFFICE"
	Bank       Channel = "BANK"
)

// Channels lists every channel.
var Channels = []Channel{CashAtWard, PostOffice, Bank}

// Disbursement is one payment line.
type Disbursement struct {
	bun.BaseModel `bun:"table:disbursements,alias:d"`

	ID             int64       `bun:"id,pk,autoincrement"`
	ProgramID      int64       `bun:"program_id,notnull"`
	BeneficiaryID  int64       `bun:"beneficiary_id,notnull"`
	GroupID        int64       `bun:"group_id,notnull"`
	FundID         int64       `bun:"fund_id,notnull"`
	WardID         int64       `bun:"ward_id,notnull"` // the ward at the time of listing
	Amount         int64       `bun:"amount,notnull"`  // whole dong
	PeopleCovered  int         `bun:"people_covered,notnull"`
	MonthsCovered  int         `bun:"months_covered,notnull"`
	Instalment     int         `bun:"instalment,notnull"`
	Status         Status      `bun:"status,notnull"`
	ListedOn       civil.Date  `bun:"listed_on,notnull"`
	PostedOn       *civil.Date `bun:"posted_on"`
	AppraisedOn    *civil.Date `bun:"appraised_on"`
	ApprovedOn     *civil.Date `bun:"approved_on"`
	DecisionNumber *string     `bun:"decision_number"`
	DecisionIssuer *string     `bun:"decision_issuer"`
	PaidOn         *civil.Date `bun:"paid_on"`
	Channel        *Channel    `bun:"channel"`
	ReceiptNumber  *string     `bun:"receipt_number"`
	StatusReason   *string     `bun:"status_reason"`
	BatchID        *int64      `bun:"batch_id"`
	CreatedAt      time.Time   `bun:"created_at,notnull"`
	UpdatedAt      time.Time   `bun:"updated_at,notnull"`
	// NameKey is the recipient's folded name, read only when lines are listed by name (the cursor's
	// value).
	NameKey string `bun:"name_key,scanonly"`
}

// Batch is one imported list: a file of one group for one ward.
type Batch struct {
	bun.BaseModel `bun:"table:import_batches"`

	ID         int64     `bun:"id,pk,autoincrement"`
	ProgramID  int64     `bun:"program_id,notnull"`
	GroupID    int64     `bun:"group_id,notnull"`
	WardID     int64     `bun:"ward_id,notnull"`
	FileName   string    `bun:"file_name,notnull"`
	FileSHA256 string    `bun:"file_sha256,notnull"`
	RowCount   int       `bun:"row_count,notnull"`
	CreatedBy  string    `bun:"created_by,notnull"`
	CreatedAt  time.Time `bun:"created_at,notnull"`
}
