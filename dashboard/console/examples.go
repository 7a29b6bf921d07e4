package console

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
)

// An Example is one analyst query the console offers, read from examples/NN-NAME.graphql: the
// first line is "# Title: ..." (the tab and link name), the comment lines after it describe it.
type Example struct {
	Name        string `json:"name"` // NAME: the file name without order prefix and extension; ?example=NAME opens it
	Title       string `json:"title"`
	Description string `json:"description"`
	Query       string `json:"query"` // the whole file, comments included
}

var exampleFile = regexp.MustCompile(`^examples/([0-9]+)-([a-z0-9-]+)\.graphql$`)

// loadExamples reads the examples in the order of their file names.
func loadExamples(fsys fs.FS) ([]Example, error) {
	files, err := fs.Glob(fsys, "examples/*.graphql")
	if err != nil {
		return nil, err
	}
	var out []Example
	seen := map[string]bool{}
	for _, file := range files { // fs.Glob sorts
		m := exampleFile.FindStringSubmatch(file)
		if m == nil {
			return nil, fmt.Errorf("console: %s: name it examples/NN-name.graphql (lower case, digits, dashes)", file)
		}
		if seen[m[2]] {
			return nil, fmt.Errorf("console: two examples are named %s", m[2])
		}
		seen[m[2]] = true
		b, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, err
		}
		text := string(b)
		first, rest, _ := strings.Cut(text, "\n")
		title, ok := strings.CutPrefix(strings.TrimSpace(first), "# Title:")
		if title = strings.TrimSpace(title); !ok || title == "" {
			return nil, fmt.Errorf("console: %s must start with a line \"# Title: ...\"", path.Base(file))
		}
		var desc []string
		for _, line := range strings.Split(rest, "\n") {
			line, ok := strings.CutPrefix(strings.TrimSpace(line), "#")
			if !ok {
				break
			}
			desc = append(desc, strings.TrimSpace(line))
		}
		out = append(out, Example{Name: m[2], Title: title, Description: strings.Join(desc, " "), Query: text})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("console: no examples")
	}
	return out, nil
}
