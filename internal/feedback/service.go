package feedback

import (
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/disbursement"
)

// Defaults of Options.
const (
	// DefaultPostingDays is how long a list stays posted from its posting date.
	DefaultPostingDays = 7
	// DefaultAnswerDays is how many days after the posting period the ward has to close a report.
	DefaultAnswerDays = 5
)

// Options tune the service.
type Options struct {
	// PostingDays and AnswerDays set a report's deadline: the posting date of the list it is about,
	// plus PostingDays (the end of the posting period, or the day it arrives if later), plus
	// AnswerDays. Zero: the defaults.
	PostingDays int
	AnswerDays  int
	// Workflow cancels the line a report names when an officer closes it that way (nil: closing
	// names lines already changed, and cancels nothing).
	Workflow *disbursement.Workflow
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// Service receives residents' reports and lets the ward's officers answer them.
type Service struct {
	db  *bun.DB
	opt Options
}

// NewService returns the service over the primary database.
func NewService(db *bun.DB, opt Options) *Service {
	if opt.PostingDays <= 0 {
		opt.PostingDays = DefaultPostingDays
	}
	if opt.AnswerDays <= 0 {
		opt.AnswerDays = DefaultAnswerDays
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Service{db: db, opt: opt}
}
