package disbursement

import (
	"slices"
	"strings"

	"hotro/internal/auth"
)

// Step is one move of payment lines along the approval chain.
type Step string

// The steps. Each records what the law asks of it: the posting date, the appraisal date, the
// decision (number, date, issuing body), the payment (date, channel, receipt), or a reason.
const (
	Post     Step = "POST"     // the ward posts the list publicly (niêm yết): LISTED -> POSTED
	Appraise Step = "APPRAISE" // the district appraises (thẩm định): POSTED -> APPRAISED
	Approve  Step = "APPROVE"  // the province approves by a numbered decision: APPRAISED -> APPROVED
	Pay      Step = "PAY"      // the money is handed over: APPROVED -> PAID
	Return   Step = "RETURN"   // sent back: not eligible, not found, refused
	Cancel   Step = "CANCEL"   // withdrawn from the list
)

// Steps lists the steps in chain order.
var Steps = []Step{Post, Appraise, Approve, Pay, Return, Cancel}

// Rule is one cell of the approval matrix: the roles that may take Step on lines in one of the
// From statuses, and the status the lines end in.
type Rule struct {
	Step  Step
	From  []Status
	To    Status
	Roles []auth.Role
}

// Rules is the approval chain, role by step. A ward officer acts only on the lines of their wards;
// the other roles are not limited to wards. Analysts and the public take no step.
//
//	step      from                          to         ward_officer  leader  admin
//	POST      LISTED                        POSTED     yes           -       yes
//	APPRAISE  POSTED                        APPRAISED  -             yes     yes
//	APPROVE   APPRAISED                     APPROVED   -             yes     yes
//	PAY       APPROVED                      PAID       yes           -       yes
//	RETURN    POSTED, APPRAISED, APPROVED   RETURNED   yes           -       yes
//	CANCEL    LISTED, POSTED                CANCELLED  yes           yes     yes
//	CANCEL    APPRAISED, APPROVED           CANCELLED  -             yes     yes
//
// PAID, RETURNED and CANCELLED are final: no step leaves them.
var Rules = []Rule{
	{Step: Post, From: []Status{Listed}, To: Posted, Roles: []auth.Role{auth.WardOfficer, auth.Admin}},
	{Step: Appraise, From: []Status{Posted}, To: Appraised, Roles: []auth.Role{auth.Leader, auth.Admin}},
	{Step: Approve, From: []Status{Appraised}, To: Approved, Roles: []auth.Role{auth.Leader, auth.Admin}},
	{Step: Pay, From: []Status{Approved}, To: Paid, Roles: []auth.Role{auth.WardOfficer, auth.Admin}},
	{Step: Return, From: []Status{Posted, Appraised, Approved}, To: Returned, Roles: []auth.Role{auth.WardOfficer, auth.Admin}},
	{Step: Cancel, From: []Status{Listed, Posted}, To: Cancelled, Roles: []auth.Role{auth.WardOfficer, auth.Leader, auth.Admin}},
	{Step: Cancel, From: []Status{Appraised, Approved}, To: Cancelled, Roles: []auth.Role{auth.Leader, auth.Admin}},
}

// ruleFor returns the rule for taking step on a line in status from, if the chain has one.
func ruleFor(step Step, from Status) (Rule, bool) {
	for _, r := range Rules {
		if r.Step == step && slices.Contains(r.From, from) {
			return r, true
		}
	}
	return Rule{}, false
}

// StepFrom returns the statuses from which step may be taken at all, in chain order.
func StepFrom(step Step) []Status {
	var out []Status
	for _, st := range Statuses {
		if _, ok := ruleFor(step, st); ok {
			out = append(out, st)
		}
	}
	return out
}

// StepFromFor returns the statuses from which role may take step, in chain order.
func StepFromFor(step Step, role auth.Role) []Status {
	var out []Status
	for _, st := range Statuses {
		if r, ok := ruleFor(step, st); ok && slices.Contains(r.Roles, role) {
			out = append(out, st)
		}
	}
	return out
}

// StepTo returns the status a step leads to.
func StepTo(step Step) Status {
	for _, r := range Rules {
		if r.Step == step {
			return r.To
		}
	}
	return ""
}

// Valid reports whether s is a step of the chain.
func (s Step) Valid() bool { return slices.Contains(Steps, s) }

// Dated reports whether the step records a date: posting, appraisal, decision or payment.
func (s Step) Dated() bool { return s == Post || s == Appraise || s == Approve || s == Pay }

// statusList writes statuses for a message: `"Đã niêm yết" (POSTED) hoặc "Đã thẩm định" (APPRAISED)`.
func statusList(sts []Status) string {
	parts := make([]string, len(sts))
	for i, st := range sts {
		parts[i] = `"` + st.Label() + `" (` + string(st) + `)`
	}
	return strings.Join(parts, " hoặc ")
}

// roleLabel is a role in Vietnamese, for messages.
func roleLabel(r auth.Role) string {
	switch r {
	case auth.Admin:
		return "quản trị viên"
	case auth.Leader:
		return "lãnh đạo"
	case auth.Analyst:
		return "chuyên viên phân tích"
	case auth.WardOfficer:
		return "cán bộ phường/xã"
	case auth.Supervisor:
		return "Tổ công tác"
	}
	return "khách"
}
