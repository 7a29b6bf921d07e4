package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hotro/internal/app/apptest"
	"hotro/internal/db/dbtest"
	"hotro/internal/feedback"
	"hotro/internal/seed/seedtest"
)

// postForm sends the public posting page's report form as a browser does, without following the
// redirect.
func postForm(t *testing.T, srv *apptest.Server, ward string, form url.Values) (int, http.Header, string) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm(srv.URL+"/wards/"+ward+"/feedback", form)
	must(t, err)
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(body)
}

// TestPublicFeedbackFormUnderAttack: what a hostile visitor sends to the public form: an oversized
// body, markup and links, the honeypot filled, a flood from one address. Nothing they send runs or
// links on any page, and nothing past the bounds is stored.
func TestPublicFeedbackFormUnderAttack(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d, err := seedtest.Fresh(t, dialect)
			must(t, err)
			var lineID int64
			must(t, d.NewSelect().TableExpr("disbursements AS d").ColumnExpr("d.id").
				Join("JOIN admin_units AS w ON w.id = d.ward_id").Where("w.code = '05431'").Where("d.status = 'POSTED'").
				OrderExpr("d.id").Limit(1).Scan(context.Background(), &lineID))
			srv := apptest.Start(t, d, nil)
			stored := func() int {
				n, err := d.NewSelect().Table("feedback").Count(context.Background())
				must(t, err)
				return int(n)
			}
			line := fmt.Sprint(lineID)
			report := func(text string) url.Values {
				return url.Values{"kind": {"LINE"}, "line": {line}, "reason": {"OTHER"}, "text": {text}}
			}

			t.Run("oversized", func(t *testing.T) {
				if status, _, body := postForm(t, srv, "05431", report(strings.Repeat("x", 100<<10))); status != http.StatusRequestEntityTooLarge || !strings.Contains(body, "quá dài") {
					t.Errorf("a 100 KB form: %d", status)
				}
				if status, _, body := postForm(t, srv, "05431", report(strings.Repeat("ư", feedback.MaxBodyRunes+1))); status != http.StatusBadRequest || !strings.Contains(body, "dài quá 2000 ký tự") {
					t.Errorf("a text of %d characters: %d", feedback.MaxBodyRunes+1, status)
				}
				if n := stored(); n != 0 {
					t.Errorf("%d reports stored", n)
				}
			})
			t.Run("honeypot", func(t *testing.T) {
				f := report("Mua thuốc giá rẻ")
				f.Set("website", "http://spam.example")
				if status, _, body := postForm(t, srv, "05431", f); status != http.StatusBadRequest || strings.Contains(body, "spam.example") {
					t.Errorf("the honeypot filled: %d", status)
				}
				if n := stored(); n != 0 {
					t.Errorf("%d reports stored", n)
				}
			})
			t.Run("script and links", func(t *testing.T) {
				hostile := `<script>alert(1)</script><a href="http://evil.example">bấm</a>`
				status, h, _ := postForm(t, srv, "05431", report(hostile))
				where := h.Get("Location")
				if status != http.StatusSeeOther || !strings.Contains(where, "code=") {
					t.Fatalf("a report with markup: %d %s", status, where)
				}
				code, _ := url.ParseQuery(strings.TrimPrefix(strings.SplitN(where, "?", 2)[1], "?"))
				// The officer answers with markup too: both are shown as text.
				officer := srv.NewClient()
				officer.SignIn(t, "canbo.quantrieu", seedtest.DemoPassword)
				list := officer.GraphQL(t, dashboardDoc(t, "Feedbacks"), nil)
				if !strings.Contains(string(list.Data), `"text":"\u003cscript\u003ealert(1)\u003c/script\u003e\u003ca href=\"http://evil.example\"\u003ebấm\u003c/a\u003e"`) {
					t.Errorf("the text is not kept as written: %s", list.Data)
				}
				var reports struct{ Feedbacks []struct{ ID string } }
				mustJSON(t, list.Data, &reports)
				r := officer.GraphQL(t, dashboardDoc(t, "ReplyFeedback"), map[string]any{"id": reports.Feedbacks[0].ID, "reply": `<img src=x onerror=alert(2)> xem http://evil.example`})
				if len(r.Errors) > 0 {
					t.Fatal(r.Raw)
				}
				status, _, body := get(t, srv, srv.NewClient(), "/wards/05431/posting?code="+url.QueryEscape(code.Get("code")))
				page := string(body)
				if status != http.StatusOK || strings.Contains(page, "<img src=x") || !strings.Contains(page, "&lt;img src=x onerror=alert(2)&gt; xem http://evil.example") ||
					strings.Contains(page, `href="http://evil.example"`) {
					t.Errorf("the status page shows the answer as markup or a link: %d\n%s", status, page)
				}
			})
			t.Run("flooding from one address", func(t *testing.T) {
				var statuses []int
				for i := range feedback.PerHour + 1 {
					status, _, _ := postForm(t, srv, "05431", report(fmt.Sprintf("Phản ánh số %d", i)))
					statuses = append(statuses, status)
				}
				// One report of this address went in above: PerHour-1 more pass, then 429.
				want := strings.Repeat("303 ", feedback.PerHour-1) + "429 429"
				if got := strings.Trim(fmt.Sprint(statuses), "[]"); got != want {
					t.Errorf("statuses %s, want %s", got, want)
				}
				if n := stored(); n != feedback.PerHour {
					t.Errorf("%d reports stored, want %d", n, feedback.PerHour)
				}
			})
		})
	}
}

func mustJSON(t *testing.T, data []byte, v any) {
	t.Helper()
	must(t, json.Unmarshal(data, v))
}
