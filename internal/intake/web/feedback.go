package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hotro/internal/auth"
	"hotro/internal/errs"
	"hotro/internal/feedback"
	"hotro/internal/intake"
	"hotro/internal/program"
)

// maxFeedbackForm bounds the body of a report sent by the form, well above what its fields may
// hold (the service refuses anything longer than its bounds).
const maxFeedbackForm = 64 << 10

// feedbackPart is what the public posting list shows below the list: the report form (for
// visitors), and the state of a report looked up by its code.
type feedbackPart struct {
	CanSend     bool
	Code        string // as typed in the lookup
	Sent        string // the code of the report just sent
	Tracked     *feedback.PublicStatus
	LookupError string
	Error       string         // why the report just sent was refused
	Values      feedback.Input // what the form holds
	Reasons     []reasonOption
	Groups      []*program.Group
}

type reasonOption struct {
	Code  feedback.Reason
	Label string
}

// feedbackPart fills the feedback part of the public list p.
func (h *Handler) feedbackPart(r *http.Request, p *intake.Posting, fb *feedbackPart) error {
	fb.CanSend = !auth.FromContext(r.Context()).SignedIn() && len(p.Groups) > 0
	for _, reason := range feedback.LineReasons {
		fb.Reasons = append(fb.Reasons, reasonOption{Code: reason, Label: reason.Label()})
	}
	for _, g := range p.Groups {
		fb.Groups = append(fb.Groups, g.Group)
	}
	if fb.Code == "" {
		return nil
	}
	st, err := h.reports.Status(r.Context(), fb.Code)
	switch {
	case errs.Is(errs.NotFound, err):
		fb.LookupError = errs.Message(err)
	case err != nil:
		return err
	default:
		fb.Tracked = st
		if r.URL.Query().Get("sent") == "1" {
			fb.Sent = st.Code
		}
	}
	return nil
}

// submit receives a report sent by the public list's form: on success it goes back to the list,
// showing the tracking code (POST, then redirect, then GET: a reload sends nothing twice); on a
// refusal it shows the list again with the message and what was typed.
func (h *Handler) submit(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	r.Body = http.MaxBytesReader(w, r.Body, maxFeedbackForm)
	if err := r.ParseForm(); err != nil {
		h.render(w, r, http.StatusRequestEntityTooLarge, feedbackPart{Error: "Phản ánh quá dài; hãy viết ngắn hơn (tối đa 2.000 ký tự)."})
		return
	}
	f := r.PostForm
	in := feedback.Input{Ward: code, Kind: feedback.Kind(f.Get("kind")), Reason: feedback.Reason(f.Get("reason")),
		MissingName: f.Get("missingName"), MissingGroup: f.Get("missingGroup"), MissingPlace: f.Get("missingPlace"),
		Body: f.Get("text"), ContactPhone: f.Get("phone"), Website: f.Get("website")}
	if in.Kind == feedback.AboutMissing {
		in.Reason = feedback.MissingPerson
	}
	in.LineID, _ = strconv.ParseInt(strings.TrimSpace(f.Get("line")), 10, 64)
	receipt, err := h.reports.Submit(r.Context(), in)
	if err != nil {
		kind := errs.KindOf(err)
		if kind != errs.Invalid && kind != errs.TooComplex && kind != errs.NotFound {
			h.errors.Error(w, r, err)
			return
		}
		status := http.StatusBadRequest
		if kind == errs.TooComplex {
			status = http.StatusTooManyRequests
			w.Header().Set("Retry-After", "3600")
		}
		in.Website = ""
		h.render(w, r, status, feedbackPart{Error: errs.Message(err), Values: in})
		return
	}
	http.Redirect(w, r, "/wards/"+url.PathEscape(code)+"/posting?code="+url.QueryEscape(receipt.Code)+"&sent=1#tra-cuu", http.StatusSeeOther)
}
