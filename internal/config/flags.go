package config

import (
	"fmt"
	"io"
	"strings"
)

// parseFlags applies the flags of args to settings and returns the other arguments, in order. Flags
// may come before, between or after the arguments; "--" ends the flags. A flag is -name or --name,
// its value the next argument or after "=" (a switch takes no value but may have =true or =false).
func parseFlags(cmd Command, settings []Setting, args []string) ([]string, error) {
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(rest, args[i+1:]...), nil
		}
		if len(a) < 2 || a[0] != '-' {
			rest = append(rest, a)
			continue
		}
		name := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		name, value, hasValue := strings.Cut(name, "=")
		if name == "h" || name == "help" {
			return nil, ErrHelp
		}
		s, ok := lookup(settings, name)
		if !ok {
			return nil, fmt.Errorf("%s: hotro %s has no flag --%s (hotro %s -h lists its flags)", a, cmd, name, cmd)
		}
		switch {
		case s.Switch() && !hasValue:
			value = "true"
		case !hasValue && i+1 < len(args):
			i++
			value = args[i]
		case !hasValue:
			return nil, fmt.Errorf("--%s needs a value (%s)", name, s.Arg)
		}
		if err := s.Parse(trim(value)); err != nil {
			return nil, fmt.Errorf("--%s %q: %v", name, shown(s, value), err)
		}
	}
	return rest, nil
}

func lookup(settings []Setting, flag string) (Setting, bool) {
	for _, s := range settings {
		if s.Flag != "" && s.Flag == flag {
			return s, true
		}
	}
	return Setting{}, false
}

func trim(v string) string { return strings.TrimSpace(v) }

// shown is a value as an error message may repeat it: secrets (passwords, URLs that may carry one)
// are not repeated.
func shown(s Setting, v string) string {
	if s.Secret {
		return "…"
	}
	return v
}

// Help writes the flags and environment variables of cmd (with own, its own settings), one per
// setting, for hotro CMD -h.
func Help(w io.Writer, cmd Command, own ...Setting) {
	var c Config
	settings := For(cmd, Table(&c), own)
	fmt.Fprintln(w, "Flags (each may also come after the arguments; a flag wins over its environment variable):")
	for _, s := range settings {
		var name string
		switch {
		case s.Flag == "":
			name = "  " + s.Env + " (environment only)"
		case s.Switch():
			name = "  --" + s.Flag
		default:
			name = "  --" + s.Flag + " " + s.Arg
		}
		var notes []string
		if s.Flag != "" && s.Env != "" {
			notes = append(notes, "env "+s.Env)
		}
		if s.Default != "" {
			notes = append(notes, "default "+s.Default)
		}
		help := s.Help
		if len(notes) > 0 {
			help += " (" + strings.Join(notes, "; ") + ")"
		}
		fmt.Fprintf(w, "%s\n      %s\n", name, help)
	}
}
