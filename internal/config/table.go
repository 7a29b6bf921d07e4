package config

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"hotro/internal/db"
)

// A Setting is one setting, declared once: everything needed to read it from the command line or
// the environment, check it and explain it.
type Setting struct {
	Flag     string    // name on the command line, without dashes; "" for a secret read from the environment only
	Env      string    // environment variable; "" for a setting of one run only (a new account's role)
	Arg      string    // what the value is, in help: URL, FILE, DURATION... ("" for a switch)
	Default  string    // the default as it would be written, parsed like any value ("" for none)
	Help     string    // what it does, one line
	Commands []Command // the commands that take it; nil: every command
	// Parse reads a value (a switch's "true" or "false"), checks it and stores it. Its error says
	// what is wrong with the value; Load adds which flag or variable gave it.
	Parse func(string) error
	// Secret keeps the value out of error messages.
	Secret bool
}

// Switch reports whether the setting is a switch: --flag alone means true.
func (s Setting) Switch() bool { return s.Arg == "" }

// Name is how a person refers to the setting: its flag, or its variable when it has no flag.
func (s Setting) Name() string {
	if s.Flag != "" {
		return "--" + s.Flag
	}
	return s.Env
}

// For returns the settings cmd takes: those of table that list it or list no command, then own.
func For(cmd Command, table, own []Setting) []Setting {
	var out []Setting
	for _, s := range table {
		if s.Commands == nil || slices.Contains(s.Commands, cmd) {
			out = append(out, s)
		}
	}
	return append(out, own...)
}

// Table is every setting of Config, storing into c. Settings of one command only are declared by
// that command (see Load).
func Table(c *Config) []Setting {
	serve := []Command{Serve}
	return []Setting{
		{Flag: "database-url", Env: "DATABASE_URL", Arg: "URL", Default: "data/hotro.db", Secret: true,
			Help:  "PostgreSQL URL (postgres://...) or SQLite file path",
			Parse: func(v string) (err error) { c.Database, err = db.ParseURL(v); return err }},
		{Flag: "statement-timeout", Env: "HOTRO_STATEMENT_TIMEOUT", Arg: "DURATION", Default: "15s",
			Help: "bound on one SQL statement", Parse: duration(&c.StatementTimeout)},
		{Flag: "log-format", Env: "HOTRO_LOG_FORMAT", Arg: "FORMAT", Default: "text",
			Help: "log format: text or json", Parse: oneOf(&c.LogFormat, "text", "json")},
		{Flag: "log-level", Env: "HOTRO_LOG_LEVEL", Arg: "LEVEL", Default: "info",
			Help: "log level: debug, info, warn or error", Parse: oneOf(&c.LogLevel, "debug", "info", "warn", "error")},

		{Flag: "database-replica-urls", Env: "DATABASE_REPLICA_URLS", Arg: "URLS", Commands: serve, Secret: true,
			Help:  "comma-separated postgres:// URLs of streaming replicas that serve reads",
			Parse: func(v string) (err error) { c.Replicas, err = db.ParseReplicaURLs(v); return err }},
		{Flag: "addr", Env: "HOTRO_ADDR", Arg: "ADDRESS", Default: ":8080", Commands: serve,
			Help: "address to listen on, host:port", Parse: text(&c.Addr)},
		{Flag: "tls-cert", Env: "HOTRO_TLS_CERT", Arg: "FILE", Commands: serve,
			Help: "PEM certificate file; with --tls-key, serve HTTPS", Parse: text(&c.TLSCert)},
		{Flag: "tls-key", Env: "HOTRO_TLS_KEY", Arg: "FILE", Commands: serve,
			Help: "PEM private key file", Parse: text(&c.TLSKey)},
		{Flag: "secure-cookies", Env: "HOTRO_SECURE_COOKIES", Commands: serve,
			Help: "mark session cookies Secure, for a TLS proxy in front", Parse: boolean(&c.SecureCookies)},
		{Flag: "trusted-proxies", Env: "HOTRO_TRUSTED_PROXIES", Arg: "CIDRS", Commands: serve,
			Help:  "comma-separated CIDRs of proxies whose X-Forwarded-For names the client (default none)",
			Parse: func(v string) (err error) { c.TrustedProxies, err = parseProxies(v); return err }},
		{Flag: "admin-username", Env: "HOTRO_ADMIN_USERNAME", Arg: "NAME", Commands: serve,
			Help: "create this admin account at start if none exists; its password from HOTRO_ADMIN_PASSWORD", Parse: text(&c.AdminUsername)},
		{Env: "HOTRO_ADMIN_PASSWORD", Arg: "PASSWORD", Commands: serve, Secret: true,
			Help: "password of --admin-username (environment only: flags show in ps)", Parse: text(&c.AdminPassword)},
		{Flag: "request-timeout", Env: "HOTRO_REQUEST_TIMEOUT", Arg: "DURATION", Default: "1m", Commands: serve,
			Help: "bound on the work of one request; its database statements are cancelled", Parse: duration(&c.RequestTimeout)},
		{Flag: "shutdown-timeout", Env: "HOTRO_SHUTDOWN_TIMEOUT", Arg: "DURATION", Default: "15s", Commands: serve,
			Help: "how long requests may finish after SIGTERM", Parse: duration(&c.ShutdownTimeout)},
		{Flag: "max-body-bytes", Env: "HOTRO_MAX_BODY_BYTES", Arg: "BYTES", Default: "1048576", Commands: serve,
			Help: "largest request body in bytes, at least 1024", Parse: integer(&c.MaxBodyBytes, 1024, 1<<40)},
		{Flag: "metrics-addr", Env: "HOTRO_METRICS_ADDR", Arg: "ADDRESS", Default: "127.0.0.1:9090", Commands: serve,
			Help: "address serving /metrics, apart from the API, host:port; empty or off turns it off",
			Parse: func(v string) error {
				if v == "off" {
					v = ""
				}
				c.MetricsAddr = v
				return nil
			}},
		{Flag: "assets-dir", Env: "HOTRO_ASSETS_DIR", Arg: "FOLDER", Commands: serve,
			Help: "serve the dashboard's files from this folder (dashboard/static of a checkout), read at every request, to edit them while hotro runs", Parse: text(&c.AssetsDir)},
		{Flag: "response-cache-mb", Env: "HOTRO_RESPONSE_CACHE_MB", Arg: "MB", Default: "64", Commands: serve,
			Help: "memory for answers to repeated queries, dropped when the data changes; 0 turns it off", Parse: integer(&c.ResponseCacheMB, 0, 1<<20)},
		{Flag: "import-daily-rows", Env: "HOTRO_IMPORT_DAILY_ROWS", Arg: "ROWS", Default: "5000", Commands: serve,
			Help: "rows of uploaded lists a ward officer may check in a day", Parse: integer(&c.ImportDailyRows, 1, 1<<30)},
		{Flag: "spot-check-daily-draws", Env: "HOTRO_SPOT_CHECK_DAILY_DRAWS", Arg: "N", Default: "3", Commands: serve,
			Help: "spot checks the working group may draw of one ward in a day; a draw past it is refused", Parse: integer(&c.SpotCheckDailyDraws, 1, 1000)},
		{Flag: "posting-days", Env: "HOTRO_POSTING_DAYS", Arg: "DAYS", Default: "7", Commands: serve,
			Help: "how long a list stays posted from its posting date, for the deadline of residents' feedback", Parse: integer(&c.PostingDays, 1, 365)},
		{Flag: "feedback-answer-days", Env: "HOTRO_FEEDBACK_ANSWER_DAYS", Arg: "DAYS", Default: "5", Commands: serve,
			Help: "days after the posting period the ward's officers have to close a resident's report", Parse: integer(&c.FeedbackAnswerDays, 1, 365)},
		{Flag: "public-min-count", Env: "HOTRO_PUBLIC_MIN_COUNT", Arg: "N", Default: "5", Commands: []Command{Serve, Public, Snapshot},
			Help: "withhold public cells counting fewer people or recipients", Parse: integer(&c.PublicMinCount, 1, 1<<30)},
		{Flag: "public-max-age", Env: "HOTRO_PUBLIC_MAX_AGE", Arg: "DURATION", Default: "1m", Commands: serve,
			Help: "how long caches may keep public answers", Parse: duration(&c.PublicMaxAge)},
		{Flag: "public-stale-wait", Env: "HOTRO_PUBLIC_STALE_WAIT", Arg: "DURATION", Default: "0s", Commands: serve,
			Help:  "after the data changed, how long a visitor waits for the new public tables before the last ones answer (0: until they are built)",
			Parse: duration(&c.PublicStaleWait)},
		{Flag: "organisation", Env: "HOTRO_ORGANISATION", Arg: "NAME", Default: "UBND thành phố Thái Nguyên", Commands: []Command{Serve, Report},
			Help: "the organisation that publishes the figures, named in the dashboard's header and print title",
			Parse: func(v string) error {
				if v = strings.TrimSpace(v); v == "" || len([]rune(v)) > 120 {
					return errors.New("give the organisation's name, at most 120 characters")
				}
				c.Organisation = v
				return nil
			}},
		{Flag: "cors-origins", Env: "HOTRO_CORS_ORIGINS", Arg: "ORIGINS", Commands: serve,
			Help:  "comma-separated origins that may read the public API and frame charts",
			Parse: func(v string) (err error) { c.CORSOrigins, err = parseOrigins(v); return err }},
		{Env: "HOTRO_EMBED_SECRET", Arg: "KEY", Commands: serve, Secret: true,
			Help: "key of at least 32 characters that signs chart links (environment only); unset: signed links off",
			Parse: func(v string) error {
				if len(v) < 32 {
					return errors.New("must be at least 32 characters")
				}
				c.EmbedSecret = v
				return nil
			}},
		{Flag: "demo-if-empty", Env: "HOTRO_DEMO_IF_EMPTY", Commands: serve,
			Help: "load the demo data set if the database holds no payments", Parse: boolean(&c.DemoIfEmpty)},
	}
}

// Settings are the settings of the synthetic data sets, storing into d, for serve, seed and
// national.
func (d *Demo) Settings() []Setting {
	return []Setting{
		{Flag: "seed", Env: "HOTRO_DEMO_SEED", Arg: "N", Default: "2020",
			Help: "seed of the demo (or national) data set: the same seed gives the same data", Parse: integer(&d.Seed, 0, 1<<63)},
		{Flag: "scale", Env: "HOTRO_DEMO_SCALE", Arg: "F", Default: "1",
			Help: "size of the data set, above 0 and at most 1000; 1 is the city's first round (national: 20 million recipients)",
			Parse: func(v string) error {
				f, err := strconv.ParseFloat(v, 64)
				if err != nil || !(f > 0 && f <= 1000) {
					return errors.New("must be a number above 0 and at most 1000")
				}
				d.Scale = f
				return nil
			}},
		{Env: "HOTRO_DEMO_PASSWORD", Arg: "PASSWORD", Default: "hotro-demo-2020", Secret: true,
			Help: "password of the demo accounts", Parse: text(&d.Password)},
	}
}

// String is a setting of one command stored into p, such as a new account's name.
func String(flag, arg, help string, p *string) Setting {
	return Setting{Flag: flag, Arg: arg, Help: help, Parse: text(p)}
}

// Bool is a switch of one command stored into p.
func Bool(flag, help string, p *bool) Setting {
	return Setting{Flag: flag, Help: help, Parse: boolean(p)}
}

// Duration is a duration (0 or more) of one command stored into p.
func Duration(flag, help string, p *time.Duration) Setting {
	return Setting{Flag: flag, Arg: "DURATION", Help: help, Parse: duration(p)}
}

func text(p *string) func(string) error { return func(v string) error { *p = v; return nil } }

func duration(p *time.Duration) func(string) error {
	return func(v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return errors.New("must be a duration of 0 or more, such as 15s or 2m")
		}
		*p = d
		return nil
	}
}

func boolean(p *bool) func(string) error {
	return func(v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return errors.New("must be true or false")
		}
		*p = b
		return nil
	}
}

func oneOf(p *string, values ...string) func(string) error {
	return func(v string) error {
		if !slices.Contains(values, v) {
			return fmt.Errorf("must be one of %s", strings.Join(values, ", "))
		}
		*p = v
		return nil
	}
}

// integer parses a whole number from lo to hi into p.
func integer[T int | int64 | uint64](p *T, lo, hi T) func(string) error {
	return func(v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err == nil && n < 0 && lo >= 0 {
			err = errors.New("negative")
		}
		if err != nil || T(n) < lo || T(n) > hi {
			if uint64(hi) >= 1<<30 {
				return fmt.Errorf("must be a whole number of at least %d", lo)
			}
			return fmt.Errorf("must be a whole number from %d to %d", lo, hi)
		}
		*p = T(n)
		return nil
	}
}

// parseProxies reads a comma-separated list of CIDRs (10.0.0.0/8) or single addresses.
func parseProxies(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, p := range strings.Split(v, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		prefix, err := netip.ParsePrefix(p)
		if err != nil {
			addr, aerr := netip.ParseAddr(p)
			if aerr != nil {
				return nil, fmt.Errorf("trusted proxy %q: give a CIDR such as 10.0.0.0/8 or an address such as 10.0.0.1", p)
			}
			prefix = netip.PrefixFrom(addr.Unmap(), addr.Unmap().BitLen())
		}
		out = append(out, prefix.Masked())
	}
	return out, nil
}

// parseOrigins reads a comma-separated list of origins such as https://thainguyencity.gov.vn.
// "*" is refused: the portal's origins are named one by one.
func parseOrigins(v string) ([]string, error) {
	var out []string
	for _, o := range strings.Split(v, ",") {
		o = strings.TrimRight(strings.TrimSpace(o), "/")
		if o == "" {
			continue
		}
		u, err := url.Parse(o)
		if o == "*" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path != "" || u.RawQuery != "" {
			return nil, fmt.Errorf("origin %q: give scheme and host, such as https://thainguyencity.gov.vn (no * and no path)", o)
		}
		out = append(out, u.Scheme+"://"+u.Host)
	}
	return out, nil
}
