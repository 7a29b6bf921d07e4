package portal_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"hotro/dashboard"
	"hotro/internal/adminunit"
	"hotro/internal/app/apptest"
	"hotro/internal/config"
	"hotro/internal/dataset"
	"hotro/internal/db/dbtest"
	"hotro/internal/errs"
	"hotro/internal/portal"
	"hotro/internal/program"
	"hotro/internal/reference"
	"hotro/internal/release"
	"hotro/internal/report"
	"hotro/internal/respcache"
	"hotro/internal/seed/seedtest"
)

const secret = "a-test-secret-of-at-least-32-characters!"

func TestSignedLinks(t *testing.T) {
	now := time.Date(2020, 5, 20, 9, 0, 0, 0, time.UTC)
	s := portal.NewSigner([]byte(secret), func() time.Time { return now })
	signed, err := s.Sign("kpi", url.Values{"ward": {"05431"}, "measure": {"amountPaid"}, "full": {"1"}}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Verify("kpi", signed); err != nil {
		t.Fatalf("a fresh link is refused: %v", err)
	}
	for _, other := range []string{"table", "pipeline", "wards"} {
		if err := s.Verify(other, signed); !errs.Is(errs.Permission, err) {
			t.Errorf("a link signed for kpi works for %s: %v", other, err)
		}
	}
	change := func(f func(v url.Values)) url.Values {
		c := url.Values{}
		for k, vs := range signed {
			c[k] = append([]string(nil), vs...)
		}
		f(c)
		return c
	}
	tests := []struct {
		name string
		link url.Values
		want string
	}{
		{"another ward", change(func(v url.Values) { v.Set("ward", "05434") }), "sửa đổi"},
		{"a parameter added", change(func(v url.Values) { v.Set("group", "HO_NGHEO") }), "sửa đổi"},
		{"a parameter removed", change(func(v url.Values) { v.Del("full") }), "sửa đổi"},
		{"a later expiry", change(func(v url.Values) { v.Set("exp", "9999999999") }), "sửa đổi"},
		{"no signature", change(func(v url.Values) { v.Del("sig") }), "sửa đổi"},
		{"signed with another key", func() url.Values {
			v, _ := portal.NewSigner([]byte(strings.Repeat("x", 40)), func() time.Time { return now }).Sign("kpi", url.Values{"ward": {"05431"}}, time.Hour)
			return v
		}(), "sửa đổi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Verify("kpi", tt.link)
			if !errs.Is(errs.Permission, err) || !strings.Contains(errs.Message(err), tt.want) {
				t.Errorf("err = %v, want refused (%s)", err, tt.want)
			}
		})
	}
	later := portal.NewSigner([]byte(secret), func() time.Time { return now.Add(2 * time.Hour) })
	if err := later.Verify("kpi", signed); !errs.Is(errs.Permission, err) || !strings.Contains(errs.Message(err), "hết hạn") {
		t.Errorf("expired link: err = %v", err)
	}
	if err := portal.NewSigner(nil, nil).Verify("kpi", signed); err == nil {
		t.Error("a server without a key accepts signed links")
	}
}

func get(t *testing.T, rawURL string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, rawURL, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, body
}

func TestChartData(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d, err := seedtest.Fresh(t, dialect)
			if err != nil {
				t.Fatal(err)
			}
			srv := apptest.Start(t, d, func(c *config.Config) {
				c.EmbedSecret = secret
				c.CORSOrigins = []string{"https://thainguyencity.gov.vn"}
			})
			var names, ids []string
			d.NewRaw("SELECT full_name FROM beneficiaries").Scan(context.Background(), &names)
			d.NewRaw("SELECT citizen_id FROM beneficiaries").Scan(context.Background(), &ids)
			noPersonalData := func(t *testing.T, body []byte) {
				t.Helper()
				for _, s := range append(names, ids...) {
					if strings.Contains(string(body), `"`+s+`"`) || (len(s) >= 9 && strings.Contains(string(body), s)) {
						t.Fatalf("chart data holds personal data %q", s)
					}
				}
			}

			res, body := get(t, srv.URL+"/embed/data/wards?measure=peopleSupported&lang=en", nil)
			if res.StatusCode != 200 {
				t.Fatalf("wards: %d %s", res.StatusCode, body)
			}
			noPersonalData(t, body)
			var chart portal.Chart
			json.Unmarshal(body, &chart)
			if len(chart.Points) != 32 || !chart.Public || chart.Points[0].Value == nil || chart.Title != "People supported by ward" {
				t.Errorf("wards chart = %d points, public %v, title %q", len(chart.Points), chart.Public, chart.Title)
			}

			// A small group: its small cells are withheld, with complements, and drawn as such.
			_, body = get(t, srv.URL+"/embed/data/wards?group=CHAM_DUT_HDLD", nil)
			noPersonalData(t, body)
			chart = portal.Chart{}
			json.Unmarshal(body, &chart)
			withheld := 0
			for _, p := range chart.Points {
				if p.Suppressed {
					withheld++
					if p.Value != nil {
						t.Errorf("withheld point %s has a value", p.Code)
					}
				}
			}
			if withheld < 2 {
				t.Errorf("withheld %d wards of a small group, want at least 2", withheld)
			}

			for _, chartName := range []string{"groups", "timeseries", "kpi", "table"} {
				res, body := get(t, srv.URL+"/embed/data/"+chartName+"?bucket=WEEK", nil)
				if chartName != "timeseries" {
					res, body = get(t, srv.URL+"/embed/data/"+chartName, nil)
				}
				if res.StatusCode != 200 {
					t.Errorf("%s: %d %s", chartName, res.StatusCode, body)
				}
				noPersonalData(t, body)
			}

			// Not public without a signature.
			for _, path := range []string{"/embed/data/pipeline", "/embed/data/wards?full=1", "/embed/data/wards?colour=red", "/embed/data/nope"} {
				if res, body := get(t, srv.URL+path, nil); res.StatusCode < 400 {
					t.Errorf("%s: %d %s, want refused", path, res.StatusCode, body)
				}
			}
			signer := portal.NewSigner([]byte(secret), nil)
			link, _ := signer.Sign("wards", url.Values{"group": {"CHAM_DUT_HDLD"}, "full": {"1"}}, time.Hour)
			res, body = get(t, srv.URL+"/embed/data/wards?"+link.Encode(), nil)
			chart = portal.Chart{}
			json.Unmarshal(body, &chart)
			if res.StatusCode != 200 || chart.Public {
				t.Fatalf("signed full link: %d %s", res.StatusCode, body)
			}
			for _, p := range chart.Points {
				if p.Suppressed {
					t.Errorf("a signed full link withholds %s", p.Code)
				}
			}
			link.Set("group", "HO_NGHEO")
			if res, _ := get(t, srv.URL+"/embed/data/wards?"+link.Encode(), nil); res.StatusCode != http.StatusForbidden {
				t.Errorf("tampered link: %d, want 403", res.StatusCode)
			}
		})
	}
}

func TestPublicAnswersRevalidate(t *testing.T) {
	d, err := seedtest.Fresh(t, dbtest.Dialects()[0])
	if err != nil {
		t.Fatal(err)
	}
	srv := apptest.Start(t, d, func(c *config.Config) { c.PublicMaxAge = 5 * time.Minute })
	kpi := srv.URL + "/embed/data/kpi?measure=amountPaid"
	res, body := get(t, kpi, nil)
	etag := res.Header.Get("ETag")
	if res.StatusCode != 200 || etag == "" || res.Header.Get("Cache-Control") != "public, max-age=300" {
		t.Fatalf("first answer: %d, ETag %q, Cache-Control %q", res.StatusCode, etag, res.Header.Get("Cache-Control"))
	}
	if vary := strings.Join(res.Header.Values("Vary"), ", "); !strings.Contains(vary, "Cookie") || !strings.Contains(vary, "Authorization") {
		t.Errorf("Vary %q: a shared cache could give this public answer to a signed-in caller", vary)
	}
	res, again := get(t, kpi, map[string]string{"If-None-Match": etag})
	if res.StatusCode != http.StatusNotModified || len(again) != 0 {
		t.Errorf("revalidation: %d with %d bytes, want 304 and no body", res.StatusCode, len(again))
	}
	// New data: the old tag no longer matches.
	if err := dataset.NewStore(d).Bump(context.Background()); err != nil {
		t.Fatal(err)
	}
	res, fresh := get(t, kpi, map[string]string{"If-None-Match": etag})
	if res.StatusCode != 200 || res.Header.Get("ETag") == etag || string(fresh) == "" {
		t.Errorf("after a write: %d, ETag %q (old %q)", res.StatusCode, res.Header.Get("ETag"), etag)
	}
	_ = body
	// A public GraphQL answer over GET carries the ETag of the version it was made at: after a write
	// by another process, while the response cache would still trust the old version, the new tag
	// comes with a fresh answer, not the old one (which caches would then keep as current).
	var wardOptions string
	for _, doc := range dashboard.PublicOperations() {
		if strings.Contains(doc, "query WardOptions") {
			wardOptions = doc
		}
	}
	gql := srv.URL + "/graphql?query=" + url.QueryEscape(wardOptions)
	first, _ := get(t, gql, nil)
	if cached, _ := get(t, gql, nil); cached.Header.Get("X-Cache") != "hit" || cached.Header.Get("ETag") != first.Header.Get("ETag") {
		t.Fatalf("public query again: X-Cache %q, ETag %q (first %q)", cached.Header.Get("X-Cache"), cached.Header.Get("ETag"), first.Header.Get("ETag"))
	}
	if err := dataset.NewStore(d).Bump(context.Background()); err != nil {
		t.Fatal(err)
	}
	if after, _ := get(t, gql, nil); after.Header.Get("ETag") == first.Header.Get("ETag") || after.Header.Get("X-Cache") != "miss" {
		t.Errorf("after a write elsewhere: ETag %q (before %q), X-Cache %q, want a new tag on a fresh answer",
			after.Header.Get("ETag"), first.Header.Get("ETag"), after.Header.Get("X-Cache"))
	}
	// A GraphQL answer with errors comes with status 200: it is not stored either.
	var overview string
	for _, doc := range dashboard.PublicOperations() {
		if strings.Contains(doc, "query PublicOverview") {
			overview = doc
		}
	}
	bad := srv.URL + "/graphql?query=" + url.QueryEscape(overview) + "&variables=" + url.QueryEscape(`{"filter":{"wards":["99999"]},"bucket":"MONTH"}`)
	if res, body := get(t, bad, nil); res.StatusCode != 200 || !strings.Contains(string(body), `"errors"`) ||
		res.Header.Get("ETag") != "" || res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("a public answer with errors: %d, ETag %q, Cache-Control %q: %.200s", res.StatusCode, res.Header.Get("ETag"), res.Header.Get("Cache-Control"), body)
	}
	// An error is not stored.
	res, _ = get(t, srv.URL+"/embed/data/wards?lang=fr", nil)
	if res.StatusCode != 400 || res.Header.Get("ETag") != "" || res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("error answer: %d, ETag %q, Cache-Control %q", res.StatusCode, res.Header.Get("ETag"), res.Header.Get("Cache-Control"))
	}
}

func TestCORSAndFraming(t *testing.T) {
	srv := apptest.Start(t, seedtest.Demo(t, dbtest.Dialects()[0]), func(c *config.Config) {
		c.CORSOrigins = []string{"https://thainguyencity.gov.vn"}
	})
	preflight := func(origin string) *http.Response {
		req, _ := http.NewRequest(http.MethodOptions, srv.URL+"/graphql", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	ok := preflight("https://thainguyencity.gov.vn")
	if ok.Header.Get("Access-Control-Allow-Origin") != "https://thainguyencity.gov.vn" || ok.Header.Get("Access-Control-Max-Age") != "600" || ok.Header.Get("Access-Control-Allow-Credentials") != "" {
		t.Errorf("allowed origin preflight: %v", ok.Header)
	}
	if bad := preflight("https://evil.example"); bad.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("other origin allowed: %v", bad.Header)
	}
	res, _ := get(t, srv.URL+"/embed/data/kpi", nil)
	if csp := res.Header.Get("Content-Security-Policy"); csp != "frame-ancestors 'self' https://thainguyencity.gov.vn" {
		t.Errorf("embed framing: %q", csp)
	}
	res, _ = get(t, srv.URL+"/", nil)
	if csp := res.Header.Get("Content-Security-Policy"); res.Header.Get("X-Frame-Options") != "SAMEORIGIN" || strings.Contains(csp, "thainguyencity") || !strings.Contains(csp, "frame-ancestors") {
		t.Errorf("dashboard framing: %v", res.Header)
	}
}

// countingEngine counts the stats queries it answers.
type countingEngine struct {
	report.Engine
	n atomic.Int64
}

func (c *countingEngine) Stats(ctx context.Context, q report.Query) (*report.Result, error) {
	c.n.Add(1)
	return c.Engine.Stats(ctx, q)
}

// TestPublicAnswersAreComputedOncePerVersion: the same public chart asked twice runs one query;
// after a write it runs again; a signed link is never served from the cache.
func TestPublicAnswersAreComputedOncePerVersion(t *testing.T) {
	d, err := seedtest.Fresh(t, dbtest.Dialects()[0])
	if err != nil {
		t.Fatal(err)
	}
	engine := &countingEngine{Engine: report.NewSQL(d)}
	signer := portal.NewSigner([]byte(secret), nil)
	h := &portal.Handler{Engine: engine, Units: adminunit.NewStore(d), Programs: program.NewStore(d), Dataset: dataset.NewStore(d),
		Signer: signer, Public: release.NewPublisher(engine, reference.NewCache(d), dataset.NewStore(d).Version, 5)}
	var clock atomic.Int64 // nanoseconds: the cache's time, moved by the test
	cache := respcache.New(respcache.Options{MaxBytes: 1 << 20, Version: dataset.NewStore(d).Version,
		Now: func() time.Time { return time.Unix(0, clock.Load()) }})
	srv := httptest.NewServer(cache.Handler(portal.CacheRequest, h))
	defer srv.Close()
	ask := func(path string) {
		res, body := get(t, srv.URL+path, nil)
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, res.StatusCode, body)
		}
	}
	ask("/embed/data/wards?lang=vi")
	build := engine.n.Load() // the release tables of this version
	if build == 0 {
		t.Fatal("the first ask ran no query")
	}
	ask("/embed/data/wards?lang=vi")
	ask("/embed/data/groups?lang=vi")
	if n := engine.n.Load(); n != build {
		t.Errorf("asks after the first ran %d queries, want none (the release tables of the version)", n-build)
	}
	if err := dataset.NewStore(d).Bump(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Written by another process: seen once the version read last is no longer trusted.
	clock.Add(int64(respcache.DefaultVersionTTL))
	ask("/embed/data/wards?lang=vi")
	if n := engine.n.Load(); n != 2*build {
		t.Errorf("after a write: %d queries, want the release tables again (%d)", n-build, build)
	}
	link, _ := signer.Sign("wards", url.Values{"full": {"1"}}, time.Hour)
	ask("/embed/data/wards?" + link.Encode())
	ask("/embed/data/wards?" + link.Encode())
	if n := engine.n.Load(); n != 2*build+2 {
		t.Errorf("signed links: %d queries, want 2 (never cached)", n-2*build)
	}
}

// TestSignEmbedLinkThroughTheAPI: a leader signs a link to the pipeline without suppression; the
// link works, a changed copy does not, and other roles cannot sign.
func TestSignEmbedLinkThroughTheAPI(t *testing.T) {
	srv := apptest.Start(t, seedtest.Demo(t, dbtest.Dialects()[0]), func(c *config.Config) { c.EmbedSecret = secret })
	const mutation = `mutation($chart: String!, $params: [EmbedParam!], $full: Boolean) {
		signEmbedLink(chart: $chart, params: $params, full: $full, expiresInHours: 24) { page data expiresAt } }`
	vars := map[string]any{"chart": "pipeline", "full": true, "params": []map[string]string{{"name": "group", "value": "HO_NGHEO"}, {"name": "lang", "value": "en"}}}
	leader := srv.NewClient()
	leader.SignIn(t, "lanhdao", seedtest.DemoPassword)
	res := leader.GraphQL(t, mutation, vars)
	var out struct {
		SignEmbedLink struct{ Page, Data, ExpiresAt string }
	}
	if err := json.Unmarshal(res.Data, &out); err != nil || len(res.Errors) > 0 {
		t.Fatalf("leader signing: %s", res.Raw)
	}
	link := out.SignEmbedLink
	if !strings.HasPrefix(link.Page, "/embed/pipeline?") || !strings.Contains(link.Data, "sig=") || link.ExpiresAt == "" {
		t.Fatalf("link = %+v", link)
	}
	r, body := get(t, srv.URL+link.Data, nil)
	var chart portal.Chart
	json.Unmarshal(body, &chart)
	if r.StatusCode != 200 || chart.Public || len(chart.Points) == 0 {
		t.Errorf("the signed pipeline: %d %.300s", r.StatusCode, body)
	}
	// A signed answer is checked every time and kept by no cache: no ETag to revalidate with, and
	// If-None-Match (as a cache holding an expired link's answer would send) gets the full check.
	if r.Header.Get("ETag") != "" || r.Header.Get("Cache-Control") != "private, no-store" {
		t.Errorf("the signed answer: ETag %q, Cache-Control %q, want none and private, no-store", r.Header.Get("ETag"), r.Header.Get("Cache-Control"))
	}
	if r, _ := get(t, srv.URL+link.Data, map[string]string{"If-None-Match": "*"}); r.StatusCode != 200 {
		t.Errorf("the signed answer revalidated: %d, want 200 after the signature is checked again", r.StatusCode)
	}
	// Moved to another chart, the link no longer holds.
	if r, _ := get(t, srv.URL+strings.Replace(link.Data, "/embed/data/pipeline?", "/embed/data/table?", 1), nil); r.StatusCode != http.StatusForbidden {
		t.Errorf("the link moved to the table: %d, want 403", r.StatusCode)
	}
	if r, _ := get(t, srv.URL+link.Page, nil); r.StatusCode != 200 {
		t.Errorf("the signed page: %d", r.StatusCode)
	}
	if r, _ := get(t, srv.URL+strings.Replace(link.Data, "HO_NGHEO", "HO_CAN_NGHEO", 1), nil); r.StatusCode != http.StatusForbidden {
		t.Errorf("a changed copy: %d, want 403", r.StatusCode)
	}
	analyst := srv.NewClient()
	analyst.SignIn(t, "phantich", seedtest.DemoPassword)
	if res := analyst.GraphQL(t, mutation, vars); res.Code() != "FORBIDDEN" {
		t.Errorf("an analyst signing: %s", res.Raw)
	}
	if res := srv.NewClient().GraphQL(t, mutation, vars); res.Code() != "FORBIDDEN" {
		t.Errorf("a visitor signing: %s", res.Raw)
	}
	if res := leader.GraphQL(t, mutation, map[string]any{"chart": "pie"}); res.Code() != "BAD_USER_INPUT" {
		t.Errorf("an unknown chart: %s", res.Raw)
	}
	if res := leader.GraphQL(t, mutation, map[string]any{"chart": "wards", "params": []map[string]string{{"name": "sig", "value": "x"}}}); res.Code() != "BAD_USER_INPUT" {
		t.Errorf("a forged parameter: %s", res.Raw)
	}
}

// TestPipelineUnderPaidDatesLeavesListedOut: a signed pipeline over a paid date range has no listed
// or approved figures (every line kept is paid: they would repeat amountPaid), only the paid one;
// without dates it has all three.
func TestPipelineUnderPaidDatesLeavesListedOut(t *testing.T) {
	srv := apptest.Start(t, seedtest.Demo(t, dbtest.Dialects()[0]), func(c *config.Config) { c.EmbedSecret = secret })
	const mutation = `mutation($params: [EmbedParam!]) {
		signEmbedLink(chart: "pipeline", params: $params, full: true, expiresInHours: 24) { data } }`
	leader := srv.NewClient()
	leader.SignIn(t, "lanhdao", seedtest.DemoPassword)
	chartOf := func(params []map[string]string) portal.Chart {
		t.Helper()
		res := leader.GraphQL(t, mutation, map[string]any{"params": params})
		var out struct{ SignEmbedLink struct{ Data string } }
		if err := json.Unmarshal(res.Data, &out); err != nil || len(res.Errors) > 0 {
			t.Fatalf("signing: %s", res.Raw)
		}
		r, body := get(t, srv.URL+out.SignEmbedLink.Data, nil)
		var chart portal.Chart
		if err := json.Unmarshal(body, &chart); err != nil || r.StatusCode != 200 || len(chart.Points) == 0 {
			t.Fatalf("the chart: %d %.300s", r.StatusCode, body)
		}
		return chart
	}
	for _, p := range chartOf(nil).Points {
		if p.Values.AmountListed == nil || p.Values.AmountApproved == nil || p.Values.AmountPaid == nil {
			t.Errorf("without dates, %s: %+v, want all three", p.Code, p.Values)
		}
	}
	for _, p := range chartOf([]map[string]string{{"name": "from", "value": "2020-05-01"}, {"name": "to", "value": "2020-05-31"}}).Points {
		if p.Values.AmountListed != nil || p.Values.AmountApproved != nil || p.Values.AmountPaid == nil {
			t.Errorf("paid in May, %s: listed %v approved %v paid %v, want paid only", p.Code, p.Values.AmountListed, p.Values.AmountApproved, p.Values.AmountPaid)
		}
	}
}
