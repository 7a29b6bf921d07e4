package graph_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"hotro/graph"
	"hotro/internal/disbursement"
	"hotro/internal/report"
)

// TestVocabularyIsTheDomainTable: the API serves the words for statuses, steps and channels
// exactly as package disbursement has them, to visitors too when the document is allow-listed (the
// dashboard loads it with Meta for everyone).
func TestVocabularyIsTheDomainTable(t *testing.T) {
	const doc = `query Words { vocabulary { statuses { code vi en } steps { code vi en } channels { code vi en } } }`
	srv := serve(t, &graph.Resolver{}, nil, doc)
	res, raw := post(t, srv.URL, doc, nil)
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %s", raw)
	}
	type label struct{ Code, Vi, En string }
	var got struct {
		Vocabulary struct{ Statuses, Steps, Channels []label }
	}
	if err := json.Unmarshal(res.Data, &got); err != nil {
		t.Fatal(err)
	}
	w := disbursement.Words()
	var want struct{ Statuses, Steps, Channels []label }
	for _, s := range w.Statuses {
		want.Statuses = append(want.Statuses, label{string(s.Code), s.Vi, s.En})
	}
	for _, s := range w.Steps {
		want.Steps = append(want.Steps, label{string(s.Code), s.Vi, s.En})
	}
	for _, c := range w.Channels {
		want.Channels = append(want.Channels, label{string(c.Code), c.Vi, c.En})
	}
	if !reflect.DeepEqual(got.Vocabulary, want) {
		t.Errorf("vocabulary = %+v\nwant %+v", got.Vocabulary, want)
	}
}

// TestStatsEnumsAreTheReportLists: the API's enums of a stats query are report's lists, value for
// value and in order, so that exports and embed links (which read report.Dimensions and
// report.OrderFields) accept what the API accepts.
func TestStatsEnumsAreTheReportLists(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	values := func(enum string) []string {
		var out []string
		for _, v := range schema.Types[enum].EnumValues {
			out = append(out, v.Name)
		}
		return out
	}
	for _, tt := range []struct {
		enum string
		want []string
	}{
		{"Dimension", names(report.Dimensions)},
		{"StatsOrderField", names(report.OrderFields)},
		{"DisbursementStatus", names(disbursement.Statuses)},
		{"PaymentChannel", names(disbursement.Channels)},
		{"WorkflowStep", names(disbursement.Steps)},
	} {
		if got := values(tt.enum); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("enum %s = %v, want %v", tt.enum, got, tt.want)
		}
	}
}

func names[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
