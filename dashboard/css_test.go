package dashboard

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// TestStylesheetsAreBalanced: a block left open in a stylesheet (a media query without its closing
// brace) silently puts every rule after it under that query, so the rules hold on phones only, or
// in print only. Every stylesheet's braces close, and none closes what was not opened.
func TestStylesheetsAreBalanced(t *testing.T) {
	comments := regexp.MustCompile(`(?s)/\*.*?\*/`)
	strs := regexp.MustCompile(`"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'`)
	err := fs.WalkDir(static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".css") || strings.HasPrefix(p, "static/vendor/") {
			return err
		}
		src, err := fs.ReadFile(static, p)
		if err != nil {
			return err
		}
		text := strs.ReplaceAllString(comments.ReplaceAllStringFunc(string(src), func(c string) string {
			return strings.Repeat("\n", strings.Count(c, "\n"))
		}), `""`)
		depth, opened := 0, []int{}
		for n, line := range strings.Split(text, "\n") {
			for _, ch := range line {
				switch ch {
				case '{':
					depth++
					opened = append(opened, n+1)
				case '}':
					if depth == 0 {
						t.Errorf("%s:%d: a brace closes nothing", p, n+1)
						continue
					}
					depth--
					opened = opened[:len(opened)-1]
				}
			}
		}
		if depth > 0 {
			t.Errorf("%s: %d block(s) never closed, opened at lines %v", p, depth, opened)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
