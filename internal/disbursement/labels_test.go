package disbursement

import (
	"strings"
	"testing"
)

// TestEveryCodeHasWords: every status, step and channel reads as words in Vietnamese and English,
// distinct within its kind, and the tables hold no other code.
func TestEveryCodeHasWords(t *testing.T) {
	check := func(t *testing.T, kind string, codes []string, text func(string) Text, size int) {
		t.Helper()
		if size != len(codes) {
			t.Errorf("%s: the table has %d entries for %d codes", kind, size, len(codes))
		}
		seen := map[string]string{}
		for _, code := range codes {
			w := text(code)
			for lang, s := range map[string]string{"vi": w.Vi, "en": w.En} {
				if strings.TrimSpace(s) == "" || s == code {
					t.Errorf("%s %s has no %s words (%q)", kind, code, lang, s)
				}
				if other, ok := seen[lang+s]; ok {
					t.Errorf("%s %s and %s both read %q", kind, code, other, s)
				}
				seen[lang+s] = code
			}
			if w.In("vi") != w.Vi || w.In("en") != w.En {
				t.Errorf("%s %s: In picks the wrong language", kind, code)
			}
		}
	}
	check(t, "status", strs(Statuses), func(c string) Text { return Status(c).Text() }, len(statusText))
	check(t, "step", strs(Steps), func(c string) Text { return Step(c).Text() }, len(stepText))
	check(t, "channel", strs(Channels), func(c string) Text { return Channel(c).Text() }, len(channelText))
}

// TestWordsListTheTableInCodeOrder: the table as the API serves it is the same words, in the order
// of the codes.
func TestWordsListTheTableInCodeOrder(t *testing.T) {
	w := Words()
	if len(w.Statuses) != len(Statuses) || len(w.Steps) != len(Steps) || len(w.Channels) != len(Channels) {
		t.Fatalf("Words() has %d statuses, %d steps, %d channels", len(w.Statuses), len(w.Steps), len(w.Channels))
	}
	for i, s := range Statuses {
		if got := w.Statuses[i]; got.Code != s || got.Vi != s.Label() || got.En != s.Text().En {
			t.Errorf("status %d = %+v, want %s", i, got, s)
		}
	}
	for i, s := range Steps {
		if got := w.Steps[i]; got.Code != s || got.Vi != s.Label() || got.En != s.Text().En {
			t.Errorf("step %d = %+v, want %s", i, got, s)
		}
	}
	for i, c := range Channels {
		if got := w.Channels[i]; got.Code != c || got.Vi != c.Label() || got.En != c.Text().En {
			t.Errorf("channel %d = %+v, want %s", i, got, c)
		}
	}
	if got := Status("LOST").Text(); got.Vi != "LOST" || got.En != "LOST" {
		t.Errorf("an unknown status reads %+v, want its code", got)
	}
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
