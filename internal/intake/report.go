package intake

import (
	"time"

	"hotro/internal/civil"
	"hotro/internal/intake/sheet"
)

// Status is where an upload stands after a check or a commit.
type Status string

// The statuses of an upload.
const (
	Ready           Status = "READY"            // no errors: it may be committed
	HasErrors       Status = "HAS_ERRORS"       // some rows have errors: fix the file and upload it again
	Refused         Status = "REFUSED"          // the file itself cannot be used (format, columns, size)
	AlreadyImported Status = "ALREADY_IMPORTED" // this very file was committed for this group and ward
	Committed       Status = "COMMITTED"        // written to the lists
	Discarded       Status = "DISCARDED"        // dropped by the officer without committing
)

// Outcome is what a check makes of one row.
type Outcome string

// The row outcomes.
const (
	Accepted Outcome = "ACCEPTED" // imported as is
	Warned   Outcome = "WARNING"  // imported, with warnings to review
	Skipped  Outcome = "SKIPPED"  // already on this very list: nothing to add
	Rejected Outcome = "ERROR"    // refused: the whole upload cannot be committed until it is fixed
)

// Stable codes of the problems a check finds in rows, beside the codes of package sheet (bad_date,
// bad_money, formula, merged_cells, missing_column...). Messages are in Vietnamese and may change;
// codes do not.
const (
	CodeMissingName      = "missing_name"      // error: no name
	CodeMissingID        = "missing_id"        // error: no citizen ID
	CodeInvalidID        = "invalid_id"        // error: not a valid 12-digit CCCD or 9-digit CMND
	CodeIDRepaired       = "id_leading_zero"   // warning: Excel dropped the leading 0 of the ID; it was put back
	CodeIDMismatch       = "id_mismatch"       // error: the birth year or gender disagrees with the CCCD
	CodeBadGender        = "bad_gender"        // error: gender is not Nam/Nữ
	CodeBadBirthDate     = "bad_birth_date"    // error: a birth date in the future or before 1900
	CodeBadMembers       = "bad_members"       // error: household size missing or out of 1..64
	CodeMembersIgnored   = "members_ignored"   // warning: a per-person group ignores the household size
	CodeBadMonths        = "bad_months"        // error: months out of 1..the group's maximum
	CodeNoAmount         = "no_amount"         // error: the group's rule sets no amount and none is given
	CodeAmountAboveRule  = "amount_above_rule" // error: more than the rule grants
	CodeAmountBelowRule  = "amount_below_rule" // warning: less than the rule grants (flagged, imported as written)
	CodeUnknownWard      = "unknown_ward"      // error: the row's ward is no known ward
	CodeOtherWard        = "other_ward"        // error: the row's ward is not the list's ward
	CodeDuplicateInFile  = "duplicate_in_file" // error: the same ID on an earlier row of the file
	CodeNearDuplicate    = "near_duplicate"    // warning: same name (with or without diacritics) and birth date, another ID
	CodeAlreadyListed    = "already_listed"    // warning: already on this group's list of this ward; the row is skipped
	CodeListedElsewhere  = "listed_elsewhere"  // error: on this group's list of another ward
	CodeOverlapRefused   = "overlap_refused"   // error (HIGHEST_ONLY): already on another group's list at an equal or higher amount
	CodeOverlapReplaces  = "overlap_replaces"  // warning (HIGHEST_ONLY): this higher line replaces a lower one, which the commit cancels
	CodeOverlapLocked    = "overlap_locked"    // error (HIGHEST_ONLY): the lower line is already approved or paid
	CodeOverlapAllowed   = "overlap_allowed"   // warning (ALLOW_ALL): also on another group's list
	CodeIDOtherPerson    = "id_other_person"   // error: the ID belongs to a recipient with another name
	CodeMembersMismatch  = "members_mismatch"  // error: more members than the household already on record
	CodeAlreadyImported  = "already_imported"  // file: this file was committed before
	CodeNoRows           = "no_rows"           // file: a header and no data
	CodeUploadNotChecked = "not_checked"       // file: commit of an upload that is not waiting
)

// Issue is one problem found in an upload: at a row and column, or (Row 0) with the whole file.
type Issue struct {
	Row     int    `json:"row"`
	Column  string `json:"column,omitempty"`
	Code    string `json:"code"`
	Warning bool   `json:"warning,omitempty"`
	Message string `json:"message"`
}

// Location says where the issue is, in Vietnamese: "dòng 5, cột Số tiền".
func (i Issue) Location() string {
	e := sheet.Error{Row: i.Row, Column: i.Column}
	return e.Location()
}

// RowResult is the outcome of one row.
type RowResult struct {
	Row       int     `json:"row"`
	Outcome   Outcome `json:"outcome"`
	FullName  string  `json:"fullName,omitempty"`
	CitizenID string  `json:"citizenId,omitempty"`
	Members   int     `json:"members,omitempty"`
	People    int     `json:"people,omitempty"`
	Months    int     `json:"months,omitempty"`
	Amount    int64   `json:"amount,omitempty"`
	AmountDue *int64  `json:"amountDue,omitempty"`
	Issues    []Issue `json:"issues,omitempty"`
}

// Report is what a check (or a commit) says about an upload.
type Report struct {
	UploadID int64  `json:"uploadId,omitempty"`
	Status   Status `json:"status"`
	// Message sums the report up in one Vietnamese sentence.
	Message string `json:"message"`

	ProgramID int64      `json:"programId"`
	GroupID   int64      `json:"groupId"`
	WardID    int64      `json:"wardId"`
	FundID    int64      `json:"fundId"`
	ListedOn  civil.Date `json:"-"`
	Listed    string     `json:"listedOn"`

	FileName string `json:"fileName"`
	SHA256   string `json:"sha256"`
	Size     int64  `json:"size"`
	Format   string `json:"format,omitempty"`
	Sheet    string `json:"sheet,omitempty"`

	// Rows counts the data rows read; each is Accepted, Warned, Skipped or Rejected.
	Rows          int   `json:"rows"`
	Accepted      int   `json:"accepted"`
	Warned        int   `json:"warned"`
	Skipped       int   `json:"skipped"`
	Rejected      int   `json:"rejected"`
	Amount        int64 `json:"amount"`        // of the rows to import (accepted and warned)
	People        int   `json:"people"`        // persons they cover
	NewRecipients int   `json:"newRecipients"` // recipients not yet on record
	Replaced      int   `json:"replaced"`      // lower lines of other groups the commit cancels (HIGHEST_ONLY)

	// Issues are the problems found, in row order, at most MaxIssues; IssueCount counts them all.
	Issues     []Issue `json:"issues"`
	IssueCount int     `json:"issueCount"`
	// Preview is the outcome of the first PreviewRows rows.
	Preview []RowResult `json:"preview"`

	BatchID     int64      `json:"batchId,omitempty"`
	CommittedAt *time.Time `json:"committedAt,omitempty"`
	CheckedAt   time.Time  `json:"checkedAt"`
	CheckedBy   string     `json:"checkedBy"`
}

// Report sizes.
const (
	MaxIssues   = 1000
	PreviewRows = 50
)

// CanCommit reports whether the upload may be committed.
func (r *Report) CanCommit() bool { return r.Status == Ready }

// Truncated reports whether issues were left out of Issues.
func (r *Report) Truncated() bool { return r.IssueCount > len(r.Issues) }

// Errors counts the errors among the issues (warnings not counted).
func (r *Report) Errors() int {
	n := 0
	for _, i := range r.Issues {
		if !i.Warning {
			n++
		}
	}
	return n
}

func (r *Report) addIssue(i Issue) {
	r.IssueCount++
	if len(r.Issues) < MaxIssues {
		r.Issues = append(r.Issues, i)
	}
}

// refuse marks the whole file as unusable with one issue.
func (r *Report) refuse(code, msg string) {
	r.addIssue(Issue{Code: code, Message: msg})
	r.Status = Refused
}

// issueOf turns a problem found by package sheet into an issue.
func issueOf(e *sheet.Error) Issue {
	return Issue{Row: e.Row, Column: e.Column, Code: e.Code, Warning: e.Warning, Message: e.Message}
}
