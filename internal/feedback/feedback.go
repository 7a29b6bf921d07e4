package feedback

import (
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/civil"
)

// Kind is what a report is about.
type Kind string

// The kinds of report.
const (
	AboutLine    Kind = "LINE"    // one line of the posted list
	AboutMissing Kind = "MISSING" // a person who should be on the list and is not
)

// Reason is what the reporter says is wrong.
type Reason string

// The reasons. A report on a line gives one of the first four; a report on a missing person has
// MissingPerson.
const (
	NotEligible        Reason = "NOT_ELIGIBLE"
	WrongAmount        Reason = "WRONG_AMOUNT"
	WrongHouseholdSize Reason = "WRONG_HOUSEHOLD_SIZE"
	Other              Reason = "OTHER"
	MissingPerson      Reason = "MISSING_PERSON"
)

// LineReasons are the reasons a report on a line may give.
var LineReasons = []Reason{NotEligible, WrongAmount, WrongHouseholdSize, Other}

// Status is where a report stands.
type Status string

// The statuses: received, answered by the ward without an outcome yet, closed with an outcome.
const (
	Open     Status = "OPEN"
	Answered Status = "ANSWERED"
	Closed   Status = "CLOSED"
)

// Outcome is how the ward closed a report.
type Outcome string

// The outcomes. The first three changed lines, and a report closed with one of them names the lines.
const (
	LineCorrected Outcome = "LINE_CORRECTED"
	LineCancelled Outcome = "LINE_CANCELLED"
	PersonAdded   Outcome = "PERSON_ADDED"
	Explained     Outcome = "EXPLAINED"
	Unfounded     Outcome = "UNFOUNDED"
)

// Outcomes lists every outcome.
var Outcomes = []Outcome{LineCorrected, LineCancelled, PersonAdded, Explained, Unfounded}

// ChangesLines reports whether the outcome changed lines of a list (and so names them).
func (o Outcome) ChangesLines() bool {
	return o == LineCorrected || o == LineCancelled || o == PersonAdded
}

// Report is one resident's report as the ward's officers and admins read it.
type Report struct {
	bun.BaseModel `bun:"table:feedback,alias:f"`

	ID             int64       `bun:"id,pk,autoincrement"`
	Code           string      `bun:"code,notnull"`
	WardID         int64       `bun:"ward_id,notnull"`
	Kind           Kind        `bun:"kind,notnull"`
	Reason         Reason      `bun:"reason,notnull"`
	LineID         *int64      `bun:"line_id"`
	MissingName    string      `bun:"missing_name,notnull"`
	MissingGroupID *int64      `bun:"missing_group_id"`
	MissingPlace   string      `bun:"missing_place,notnull"`
	Body           string      `bun:"body,notnull"`
	ContactPhone   string      `bun:"contact_phone,notnull"`
	SenderKey      string      `bun:"sender_key,notnull"`
	ReceivedAt     time.Time   `bun:"received_at,notnull"`
	ReceivedUnix   int64       `bun:"received_unix,notnull"`
	DueOn          civil.Date  `bun:"due_on,notnull"`
	Status         Status      `bun:"status,notnull"`
	Reply          string      `bun:"reply,notnull"`
	RepliedAt      *time.Time  `bun:"replied_at"`
	RepliedBy      *string     `bun:"replied_by"`
	Outcome        *Outcome    `bun:"outcome"`
	ClosedAt       *time.Time  `bun:"closed_at"`
	ClosedOn       *civil.Date `bun:"closed_on"`
	ClosedBy       *string     `bun:"closed_by"`

	// ChangedLineIDs are the lines the closing changed (feedback_lines), read with the report.
	ChangedLineIDs []int64 `bun:"-"`
	// Overdue is set when the report was read: open past its deadline, or closed after it.
	Overdue bool `bun:"-"`
}

// changedLine links a closed report to a line it changed.
type changedLine struct {
	bun.BaseModel `bun:"table:feedback_lines"`

	FeedbackID     int64 `bun:"feedback_id,pk"`
	DisbursementID int64 `bun:"disbursement_id,pk"`
}

// overdue says whether a report missed its deadline as of today.
func overdue(r *Report, today civil.Date) bool {
	if r.Status == Closed && r.ClosedOn != nil {
		return r.ClosedOn.After(r.DueOn)
	}
	return today.After(r.DueOn)
}

// PublicStatus is what anyone holding a tracking code may read: where the report stands and the
// ward's answer, nothing of what was reported nor who sent it.
type PublicStatus struct {
	Code       string
	WardName   string
	Kind       Kind
	Status     Status
	ReceivedOn civil.Date
	DueOn      civil.Date
	Overdue    bool
	Reply      string
	Outcome    *Outcome
	ClosedOn   *civil.Date
}
