package app_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The composition packages: the only packages under internal/ that may import the upper floors
// (graph, dashboard and its console), and that only binaries and tests may import.
const (
	composition     = "hotro/internal/app"
	compositionTest = "hotro/internal/app/apptest"
)

// upper reports whether path is a package of the upper floors, which wire the HTTP edges over the
// domain packages of internal/.
func upper(path string) bool {
	for _, p := range []string{"hotro/graph", "hotro/dashboard"} {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

// TestDependenciesPointDown fails when a package under internal/ other than the composition
// packages imports graph/ or dashboard/ (the console included), or when anything but a binary or
// apptest imports the composition package: the arrows point from cmd down to app, from app down to
// graph and dashboard, and from those down to the domain packages, never back up.
func TestDependenciesPointDown(t *testing.T) {
	imports := packageImports(t)
	if len(imports) < 20 || imports[composition] == nil {
		t.Fatalf("go list found %d packages, without %s: the test reads nothing", len(imports), composition)
	}
	for pkg, deps := range imports {
		for _, dep := range deps {
			internal := strings.HasPrefix(pkg, "hotro/internal/")
			if internal && pkg != composition && pkg != compositionTest && upper(dep) {
				t.Errorf("%s imports %s: below the composition package (%s), nothing imports graph/ or dashboard/; pass what it needs in from %s", pkg, dep, composition, composition)
			}
			if dep == composition && pkg != compositionTest && !strings.HasPrefix(pkg, "hotro/cmd/") {
				t.Errorf("%s imports %s: only the binaries (cmd/) and apptest wire hotro", pkg, composition)
			}
			if dep == compositionTest {
				t.Errorf("%s imports %s outside its tests", pkg, compositionTest)
			}
		}
	}
}

// packageImports lists every package of the module with its imports (not its tests' imports).
func packageImports(t *testing.T) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "hotro/...")
	cmd.Dir = filepath.Join("..", "..")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	imports := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		imports[fields[0]] = fields[1:]
	}
	return imports
}
