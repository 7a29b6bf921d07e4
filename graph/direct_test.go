package graph_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hotro/graph"
	"hotro/internal/auth"
	"hotro/internal/db"
	"hotro/internal/db/dbtest"
	"hotro/internal/release"
	"hotro/internal/report"
	"hotro/internal/seed/seedtest"
)

// directQueries are questions beyond the examples that exercise the direct answer's plan: aliases,
// fragments, @skip and @include by variables, __typename at every level, every field it writes,
// and operations it must leave to gqlgen (a field it does not know, an error).
var directQueries = []struct {
	name, query string
	vars        map[string]any
	direct      bool // written directly (else gqlgen answers it)
}{
	{"bench city by ward", `{ stats(groupBy: [WARD], filter: {districts: ["164"]}, orderBy: {field: AMOUNT_PAID}) {
		total { amountPaid peopleSupported beneficiaries disbursements amountListed amountApproved }
		rows { ward { code name } totals { amountPaid peopleSupported beneficiaries disbursements amountListed amountApproved } } } }`, nil, true},
	{"bench ward by group and month", `{ stats(groupBy: [GROUP, MONTH], filter: {wards: ["05431"]}, orderBy: {field: KEY, direction: ASC}) {
		total { amountPaid peopleSupported beneficiaries disbursements amountListed amountApproved }
		rows { group { code } period { label } totals { amountPaid peopleSupported beneficiaries disbursements amountListed amountApproved } } } }`, nil, true},
	{"aliases, typenames, every totals field", `query Q { __typename a: stats(groupBy: [WARD, GROUP]) { __typename
		t: total { __typename amountPaid peopleSupported beneficiaries disbursements amountListed amountApproved amountReturned
			amountCancelled averagePerRecipient averagePerPerson shareOfTotal paidShareOfListed undefinedMeasures }
		rows { __typename rank w: ward { __typename code name nameEn } group { __typename code name nameEn shortName shortNameEn }
			totals { amountPaid shareOfTotal paidShareOfListed averagePerPerson undefinedMeasures } } }
		b: stats(filter: {paidFrom: "2020-05-01"}) { total { amountListed amountApproved undefinedMeasures } } }`, nil, true},
	{"every dimension", `{ stats(groupBy: [PROGRAM, PROVINCE, DISTRICT, FUND, STATUS, CHANNEL, KIND]) {
		rows { program { code name nameEn } province { code name } district { code name nameEn } fund { code name }
			status channel kind totals { disbursements amountPaid } } } }`, nil, true},
	{"instalments and weeks", `{ stats(groupBy: [INSTALMENT, WEEK], dateField: LISTED_ON) {
		rows { instalment period { start end label __typename } totals { amountListed disbursements } } } }`, nil, true},
	{"days listed to paid", `{ stats(groupBy: [GROUP]) { total { daysListedToPaid { lines median p90 __typename } }
		rows { group { code } totals { daysListedToPaid { median p90 } } } } }`, nil, true},
	{"fragments and directives by variables", `query Q($more: Boolean!, $less: Boolean!) { stats(groupBy: [WARD]) { ...R total @include(if: $more) { amountPaid } } }
		fragment R on Stats { rows { ... on StatRow { ward { code name @skip(if: $less) } } totals { ...T } } }
		fragment T on Totals { amountPaid peopleSupported @include(if: $more) }`, map[string]any{"more": true, "less": true}, true},
	{"fragments and directives, the other way", `query Q($more: Boolean!, $less: Boolean!) { stats(groupBy: [WARD]) { ...R total @include(if: $more) { amountPaid } } }
		fragment R on Stats { rows { ... on StatRow { ward { code name @skip(if: $less) } } totals { ...T } } }
		fragment T on Totals { amountPaid peopleSupported @include(if: $more) }`, map[string]any{"more": false, "less": false}, true},
	{"variables as arguments", `query Q($f: DisbursementFilter, $g: [Dimension!]) { stats(filter: $f, groupBy: $g, first: 3) { rows { rank group { code } totals { amountPaid } } } }`,
		map[string]any{"f": map[string]any{"districts": []string{"164"}}, "g": []string{"GROUP"}}, true},
	{"first within, having", `{ stats(groupBy: [WARD, GROUP], orderBy: {field: AMOUNT_PAID}, firstWithin: {dimensions: [WARD], first: 2},
		having: [{measure: PEOPLE_SUPPORTED, op: GT, value: 5}]) { rows { rank ward { code } group { code } totals { peopleSupported } } } }`, nil, true},
	{"ward figures and per inhabitant", `query Q($y: Int) { stats(groupBy: [WARD]) { rows { ward { code } amountPaidPerCapita(year: $y)
		peopleSupportedPer1000 wardFigures(year: 2020) { __typename year population households source illustrative } } } }`,
		map[string]any{"y": 2020}, true},
	{"figures of a year without any", `{ stats(groupBy: [WARD, GROUP]) { rows { wardFigures(year: 1999) { year } amountPaidPerCapita(year: 1999) } } }`, nil, true},
	{"public stats, withheld cells, every field", `query Q($y: Int) { __typename publicStats(groupBy: [WARD], orderBy: {field: PEOPLE_SUPPORTED}, first: 20) { __typename minCount
		total { __typename suppressed amountPaid peopleSupported beneficiaries disbursements amountListed amountApproved }
		rows { __typename ward { code name nameEn } wardFigures(year: $y) { year population } amountPaidPerCapita(year: $y) peopleSupportedPer1000
			totals { suppressed amountPaid peopleSupported beneficiaries disbursements amountListed amountApproved } } }
		g: publicStats(groupBy: [GROUP], filter: {paidFrom: "2020-05-04", paidTo: "2020-05-10"}) { rows { group { code shortName } totals { amountListed amountApproved amountPaid } } }
		f: publicStats(groupBy: [FUND], filter: {wards: ["05431"]}) { rows { fund { code name } totals { suppressed amountPaid } } }
		m: publicStats(groupBy: [WEEK], filter: {groups: ["HO_NGHEO"]}) { rows { period { start label } totals { peopleSupported } } }
		p: publicStats(groupBy: [PROGRAM]) { rows { program { code name } totals { amountPaid } } }
		s: publicStats(groupBy: [GROUP], filter: {wards: ["05431"]}) { rows { group { code } totals { suppressed amountPaid peopleSupported amountListed } } }
		d: publicStats(groupBy: [WARD], filter: {groups: ["NGUOI_CO_CONG"]}) { rows { ward { code } totals { suppressed peopleSupported beneficiaries } } } }`, map[string]any{"y": 2020}, true},
	{"public stats refused", `{ publicStats(groupBy: [DAY]) { rows { totals { amountPaid } } } }`, nil, false},
	{"a public field it does not write", `{ publicStats(groupBy: [WARD]) { rows { wardSplitInto { code } } } }`, nil, false},
	{"a field it does not write", `{ stats(groupBy: [MONTH]) { rows { period { label } running { amountPaid } } } }`, nil, false},
	{"another root field", `{ stats { total { amountPaid } } programs { code } }`, nil, false},
	{"a resolver's error", `{ stats(filter: {wards: ["99999"]}) { total { amountPaid } } }`, nil, false},
	{"an argument refused", `{ stats(groupBy: [MONTH, WEEK]) { total { amountPaid } } }`, nil, false},
}

// TestDirectAnswersAreGqlgens asks every example query and the questions above of two servers over
// the same data, one writing stats-only queries directly (as hotro serves) and one answering every
// query through gqlgen's generic execution: the answers must be the same bytes, and the questions
// the direct answer plans must have been written by it.
func TestDirectAnswersAreGqlgens(t *testing.T) {
	files, err := filepath.Glob("testdata/queries/*.graphql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no example queries: %v", err)
	}
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			r := newResolver(t, seedtest.Demo(t, dialect))
			r.Public = release.NewPublisher(r.Stats, r.Reference, r.Dataset.Version, report.DefaultMinCount)
			direct, generic := serveWith(t, r, analyst, false), serveWith(t, r, analyst, true)
			same := func(t *testing.T, query string, vars map[string]any) {
				t.Helper()
				_, want := post(t, generic.URL, query, vars)
				_, got := post(t, direct.URL, query, vars)
				if !bytes.Equal(got, want) {
					t.Errorf("the direct answer differs from gqlgen's:\n got %s\nwant %s", clip(got), clip(want))
				}
			}
			for _, f := range files {
				t.Run(strings.TrimSuffix(filepath.Base(f), ".graphql"), func(t *testing.T) {
					q, err := os.ReadFile(f)
					if err != nil {
						t.Fatal(err)
					}
					same(t, string(q), nil)
				})
			}
			for _, name := range []string{"Overview", "PublicOverview", "MapProvinces", "Rounds"} {
				t.Run("dashboard "+name, func(t *testing.T) {
					q, err := os.ReadFile(filepath.Join("..", "dashboard", "queries", name+".graphql"))
					if err != nil {
						t.Fatal(err)
					}
					answered, _ := graph.DirectCounts()
					same(t, string(q), map[string]any{"bucket": "MONTH", "filter": map[string]any{"districts": []string{"164"}}})
					if now, _ := graph.DirectCounts(); strings.HasSuffix(name, "Overview") && now == answered {
						t.Errorf("the dashboard's overview was not written directly")
					}
				})
			}
			for _, dq := range directQueries {
				t.Run(dq.name, func(t *testing.T) {
					answered, fellBack := graph.DirectCounts()
					_, raw := post(t, direct.URL, dq.query, dq.vars)
					nowAnswered, nowFellBack := graph.DirectCounts()
					if wrote := nowAnswered > answered && nowFellBack == fellBack; wrote != dq.direct {
						t.Errorf("written directly: %v, want %v (%s)", wrote, dq.direct, clip(raw))
					}
					if dq.direct && bytes.Contains(raw, []byte(`"errors"`)) {
						t.Errorf("errors: %s", clip(raw))
					}
					if strings.Contains(dq.name, "withheld") && !bytes.Contains(raw, []byte(`"suppressed":true`)) {
						t.Errorf("no withheld cell in the answer: %s", clip(raw))
					}
					same(t, dq.query, dq.vars)
				})
			}
		})
	}
}

// TestPostTransportIsGqlgens sends requests that do not reach a resolver, or fail on the way, to
// hotro's POST transport and to gqlgen's: the same status, media type and body.
func TestPostTransportIsGqlgens(t *testing.T) {
	dialect := dbtest.Dialects()[0]
	r := newResolver(t, seedtest.Demo(t, dialect))
	direct, generic := serveWith(t, r, analyst, false), serveWith(t, r, analyst, true)
	requests := []struct{ name, accept, body string }{
		{"answer", "", `{"query":"{ stats { total { amountPaid } } }"}`},
		{"answer, graphql-response+json", "application/graphql-response+json", `{"query":"{ stats { total { amountPaid } } }"}`},
		{"answer, two media types", "text/html, application/json;q=0.9", `{"query":"{ __typename }"}`},
		{"answer, an unknown media type", "text/html", `{"query":"{ __typename }"}`},
		{"body not JSON", "", `{"query":`},
		{"syntax error", "", `{"query":"{ stats { "}`},
		{"syntax error, graphql-response+json", "application/graphql-response+json", `{"query":"{ stats { "}`},
		{"unknown field", "", `{"query":"{ nothing }"}`},
		{"unknown operation", "", `{"query":"query A { __typename }","operationName":"B"}`},
		{"variable missing", "", `{"query":"query Q($w: [String!]!) { stats(filter: {wards: $w}) { total { amountPaid } } }"}`},
		{"resolver error", "", `{"query":"{ stats(filter: {wards: [\"99999\"]}) { total { amountPaid } } }"}`},
		{"strings to escape", "", `{"query":"{ a: __typename b: stats { __typename } }","operationName":null}`},
	}
	for _, rq := range requests {
		t.Run(rq.name, func(t *testing.T) {
			ask := func(url string) (int, string, []byte) {
				req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(rq.body))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", "application/json")
				if rq.accept != "" {
					req.Header.Set("Accept", rq.accept)
				}
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				b, _ := io.ReadAll(res.Body)
				return res.StatusCode, res.Header.Get("Content-Type"), b
			}
			gotStatus, gotType, got := ask(direct.URL)
			wantStatus, wantType, want := ask(generic.URL)
			if gotStatus != wantStatus || gotType != wantType || !bytes.Equal(got, want) {
				t.Errorf("hotro's transport: %d %s %s\ngqlgen's: %d %s %s", gotStatus, gotType, got, wantStatus, wantType, want)
			}
		})
	}
}

// TestDirectAnswerEscapesAsGqlgens: a direct answer whose strings hold what encoding/json escapes
// (<, >, & and the line separators, here in a source of ward figures) is sent as gqlgen sends it,
// escaped, and one without is sent as written: the same bytes either way.
func TestDirectAnswerEscapesAsGqlgens(t *testing.T) {
	dialect := dbtest.Dialects()[0]
	d, err := seedtest.Fresh(t, dialect)
	if err != nil {
		t.Fatal(err)
	}
	admin := &auth.Identity{UserID: 1, Username: "quantri", Role: auth.Admin}
	r := newResolver(t, d)
	direct, generic := serveWith(t, r, admin, false), serveWith(t, r, admin, true)
	const load = `mutation($csv: String!) { loadWardFigures(csv: $csv) { rows } }`
	csv := "ma_xa,nam,dan_so,so_ho,nguon\n05431,2020,30000,9000,\"Niên giám <2020> & R&D\u2028ghi chú\u2029hết\"\n" +
		"05434,2020,20000,6000,Niên giám thống kê\n"
	if res, raw := post(t, direct.URL, load, map[string]any{"csv": csv}); len(res.Errors) > 0 {
		t.Fatalf("loading figures: %s", raw)
	}
	for _, ward := range []string{"05431", "05434"} {
		query := `query($w: [String!]) { stats(groupBy: [WARD], filter: {wards: $w}) { rows { ward { code name } wardFigures(year: 2020) { source } } } }`
		vars := map[string]any{"w": []string{ward}}
		answered, _ := graph.DirectCounts()
		_, got := post(t, direct.URL, query, vars)
		if now, _ := graph.DirectCounts(); now == answered {
			t.Errorf("ward %s: not written directly", ward)
		}
		_, want := post(t, generic.URL, query, vars)
		if !bytes.Equal(got, want) {
			t.Errorf("ward %s: the direct answer differs from gqlgen's:\n got %s\nwant %s", ward, got, want)
		}
		if escaped := bytes.Contains(got, []byte(`\u003c2020\u003e \u0026 R\u0026D\u2028ghi chú\u2029hết`)); escaped != (ward == "05431") {
			t.Errorf("ward %s: escaped %v: %s", ward, escaped, got)
		}
	}
}

// serveWith is serve with the direct answer on or off.
func serveWith(t testing.TB, r *graph.Resolver, id *auth.Identity, generic bool) *httptest.Server {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	opt := graph.Options{Logger: log, Classify: db.Classify, Generic: generic}
	if w, ok := r.Stats.(graph.Writes); ok {
		opt.Writes = w
	}
	h := graph.NewHandler(r, opt)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		h.ServeHTTP(w, req.WithContext(auth.WithIdentity(req.Context(), id)))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func clip(b []byte) string {
	var v any
	if json.Unmarshal(b, &v) == nil && len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

// BenchmarkStatsAnswer is the server's side of one answer to the city's question by ward (the
// bench's), through the GraphQL handler as hotro serves it (direct) and through gqlgen alone
// (generic): the handler only, no network, over the demo data held in memory.
//
//	go test -run '^$' -bench StatsAnswer -benchmem ./graph
func BenchmarkStatsAnswer(b *testing.B) {
	r := newResolver(b, seedtest.Demo(b, dbtest.Dialects()[0]))
	body := []byte(`{"query":` + strconvQuote(directQueries[0].query) + `}`)
	for _, mode := range []struct {
		name    string
		generic bool
	}{{"direct", false}, {"generic", true}} {
		b.Run(mode.name, func(b *testing.B) {
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			h := graph.NewHandler(r, graph.Options{Logger: log, Classify: db.Classify, Generic: mode.generic})
			ask := func() *httptest.ResponseRecorder {
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req = req.WithContext(auth.WithIdentity(req.Context(), analyst))
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				return w
			}
			if w := ask(); w.Code != http.StatusOK || bytes.Contains(w.Body.Bytes(), []byte(`"errors"`)) {
				b.Fatalf("%d %s", w.Code, w.Body.Bytes())
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				ask()
			}
		})
	}
}

func strconvQuote(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}
