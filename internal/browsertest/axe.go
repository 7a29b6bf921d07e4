package browsertest

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeScript is axe-core as npm ships it, vendored by axe/vendor.mjs (axe/VENDOR.md says how and
// why). It is embedded in test binaries only: no package of the hotro binary imports browsertest.
//
//go:embed axe/vendor/axe-core-4.14.1.min.js
var axeScript string

// AxeVersion is the version of the vendored axe-core.
const AxeVersion = "4.14.1"

// AxeTags are the axe-core rule sets an audit runs: WCAG 2.0 and 2.1, levels A and AA (the standard
// the pages meet), and axe's best practices (landmarks, one h1, headings in order, unique labels).
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"}

// axeExtraRules are rules axe ships switched off (tagged experimental) that an audit turns on:
// label-in-name (WCAG 2.5.3, level A: a control's accessible name starts with its visible text).
var axeExtraRules = []string{"label-content-name-mismatch"}

// Violation is one axe-core rule that a page breaks, with the elements that break it.
type Violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"` // "critical", "serious", "moderate" or "minor"
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// String writes the violation for a test's log: the rule, its impact, and the elements (at most
// five) with what is wrong with each.
func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s, %d element(s)", v.ID, v.Impact, v.Help, len(v.Nodes))
	for i, n := range v.Nodes {
		if i == 5 {
			b.WriteString("\n    …")
			break
		}
		html := n.HTML
		if len(html) > 160 {
			html = html[:160] + "…"
		}
		fmt.Fprintf(&b, "\n    %v %s\n      %s", n.Target, html, strings.ReplaceAll(n.Summary, "\n", "; "))
	}
	return b.String()
}

// Audit runs axe-core over the document in ctx's tab as it is now (injecting axe into it first
// if it is not there yet) and returns the violations of AxeTags, the worst first. Frames are not
// entered: a page that embeds another (the embed dialog's preview) is audited, and the embedded
// page on its own.
func Audit(ctx context.Context) ([]Violation, error) {
	has, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === "object" && axe.version === "`+AxeVersion+`"`))
	if err != nil {
		return nil, err
	}
	if !has {
		// Runtime.evaluate runs outside the page's Content Security Policy: the page need not
		// allow anything for its audit.
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](axeScript+"\n;undefined")); err != nil {
			return nil, fmt.Errorf("injecting axe-core: %w", err)
		}
	}
	tags, _ := json.Marshal(AxeTags)
	rules := map[string]any{}
	for _, r := range axeExtraRules {
		rules[r] = map[string]bool{"enabled": true}
	}
	rulesJSON, _ := json.Marshal(rules)
	expr := fmt.Sprintf(`axe.run(document, {runOnly: {type: "tag", values: %s}, rules: %s, iframes: false, resultTypes: ["violations"]})
		.then((r) => JSON.stringify(r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.map((n) => ({target: n.target, html: n.html, failureSummary: n.failureSummary}))}))))`, tags, rulesJSON)
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("axe.run: %w", err)
	}
	var vs []Violation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		return nil, fmt.Errorf("axe.run's answer: %w", err)
	}
	rank := map[string]int{"critical": 0, "serious": 1, "moderate": 2, "minor": 3}
	sort.SliceStable(vs, func(i, j int) bool { return rank[vs[i].Impact] < rank[vs[j].Impact] })
	return vs, nil
}

// Kept is a moderate or minor axe-core violation that a page keeps, with why (a test lists each
// one it keeps, so that nobody keeps one by accident). Critical and serious ones cannot be kept.
type Kept struct {
	Rule string // the axe-core rule ID, e.g. "region"
	Why  string // why the page is right as it is
}

// AssertAccessible audits the page in ctx's tab with axe-core (see Audit) and fails t for every
// critical or serious violation, and for every moderate or minor one that kept does not list.
// label names the page and state in the failure (e.g. "ward page, en, 390 px"). Call it once the
// page has drawn what is to be audited: a dialog open, a list loaded.
func AssertAccessible(t testing.TB, ctx context.Context, label string, kept ...Kept) {
	t.Helper()
	vs, err := Audit(ctx)
	if err != nil {
		t.Fatalf("%s: %v", label, err)
	}
	allowed := map[string]bool{}
	for _, k := range kept {
		if k.Why == "" {
			t.Fatalf("%s: kept axe rule %s says not why", label, k.Rule)
		}
		allowed[k.Rule] = true
	}
	for _, v := range vs {
		switch {
		case v.Impact == "critical" || v.Impact == "serious":
			t.Errorf("%s: accessibility: %s", label, v)
		case !allowed[v.ID]:
			t.Errorf("%s: accessibility (not listed as kept): %s", label, v)
		}
	}
}
