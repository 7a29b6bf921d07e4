package dashboard

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
)

// An operation is one GraphQL document the dashboard sends, as written in queries/NAME.graphql.
// The browser sends either the text or, for persisted queries, only its SHA-256 (the APQ hash).
type operation struct {
	Name   string `json:"-"`
	Query  string `json:"query"`
	SHA256 string `json:"sha256"`
}

type operations []operation

// signedInOnly names the operations sent only for signed-in roles (unwithheld aggregates, lists with
// personal data, imports, the approval chain, the audit trail); they stay off the public allow-list.
var signedInOnly = map[string]bool{
	"AuditEvents":             true,
	"BatchLines":              true,
	"CheckImport":             true,
	"CommitImport":            true,
	"DiscardImport":           true,
	"CloseFeedback":           true,
	"FeedbackStats":           true,
	"Feedbacks":               true,
	"ReplyFeedback":           true,
	"Disbursements":           true,
	"DrawSpotCheck":           true,
	"FundUse":                 true,
	"ImportBatch":             true,
	"WorkflowRules":           true,
	"ImportBatches":           true,
	"ImportUpload":            true,
	"MapProvinces":            true,
	"Me":                      true,
	"Overview":                true,
	"Recipient":               true,
	"RecordSpotCheckVisit":    true,
	"Rounds":                  true,
	"SpotCheck":               true,
	"SpotChecks":              true,
	"SignedInWardOptions":     true,
	"SupervisionBoard":        true,
	"TransitionDisbursements": true,
	"WorkQueue":               true,
	"WorkQueueCount":          true,
	"Snapshots":               true,
	"SnapshotOverview":        true,
	"SnapshotDiff":            true,
	"CreateSnapshot":          true,
	"WithdrawSnapshot":        true,
}

// publicWrites names the one write visitors may send: a resident's report on a posted list, which
// needs no account and is bounded by the feedback service itself (sizes, per-address limits, a
// honeypot). Every other mutation is in signedInOnly.
var publicWrites = map[string]bool{"SubmitFeedback": true}

var operationName = regexp.MustCompile(`(?m)^\s*(query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)`)

// loadOperations reads every queries/*.graphql file: one named operation per file, named as the file.
func loadOperations(fsys fs.FS) (operations, error) {
	files, err := fs.Glob(fsys, "queries/*.graphql")
	if err != nil {
		return nil, err
	}
	var ops operations
	for _, file := range files {
		b, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, err
		}
		name := strings.TrimSuffix(path.Base(file), ".graphql")
		m := operationName.FindAllStringSubmatch(string(b), -1)
		if len(m) != 1 || m[0][2] != name {
			return nil, fmt.Errorf("dashboard: %s must hold one operation named %s", file, name)
		}
		sum := sha256.Sum256(b)
		ops = append(ops, operation{Name: name, Query: string(b), SHA256: hex.EncodeToString(sum[:])})
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].Name < ops[j].Name })
	return ops, nil
}

// json is what the browser loads: {"Name": {"query": ..., "sha256": ...}}.
func (ops operations) json() ([]byte, error) {
	m := make(map[string]operation, len(ops))
	for _, op := range ops {
		m[op.Name] = op
	}
	return json.Marshal(m)
}
