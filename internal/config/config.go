// Package config reads hotro's settings from command-line flags and environment variables into one
// struct that main passes down. Flags win over the environment, which wins over defaults.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of hotro.
type Config struct {
	// Database
	DatabaseURL      string        // DATABASE_URL: postgres://... or a SQLite file path (default data/hotro.db)
	StatementTimeout time.Duration // HOTRO_STATEMENT_TIMEOUT: bound on one SQL statement
	ReplicaURLs      string        // DATABASE_REPLICA_URLS: PostgreSQL streaming replicas that serve reads (comma list)

	// Logging
	LogFormat string // HOTRO_LOG_FORMAT: text or json
	LogLevel  string // HOTRO_LOG_LEVEL: debug, info, warn, error

	// Serving
	Addr            string        // HOTRO_ADDR: where to listen
	DemoIfEmpty     bool          // HOTRO_DEMO_IF_EMPTY: load demo data into an empty database at start
	ShutdownTimeout time.Duration // HOTRO_SHUTDOWN_TIMEOUT: how long requests may finish after SIGTERM
	MaxBodyBytes    int64         // HOTRO_MAX_BODY_BYTES: largest request body
	RequestTimeout  time.Duration // HOTRO_REQUEST_TIMEOUT: bound on the work of one request
	SecureCookies   bool          // HOTRO_SECURE_COOKIES: mark cookies Secure (behind a TLS proxy)
	TLSCert         string        // HOTRO_TLS_CERT: PEM certificate file; with TLSKey, serve HTTPS
	TLSKey          string        // HOTRO_TLS_KEY: PEM private key file
	AdminUsername   string        // HOTRO_ADMIN_USERNAME: create this admin at start if there is none
	AdminPassword   string        // HOTRO_ADMIN_PASSWORD: its password (env only, never a flag)
	// TrustedProxies are the proxies (CIDRs) whose X-Forwarded-For names the client: HOTRO_TRUSTED_PROXIES.
	TrustedProxies []netip.Prefix
	// MetricsAddr is where /metrics is served, apart from the API (empty: not served): HOTRO_METRICS_ADDR.
	MetricsAddr string
	// AssetsDir, when set, is the dashboard/static folder of a checkout, served from disk instead of
	// the embedded files, to edit the dashboard while hotro runs: HOTRO_ASSETS_DIR.
	AssetsDir string

	// The public and the city portal
	PublicMinCount int           // HOTRO_PUBLIC_MIN_COUNT: public cells counting fewer people are withheld
	PublicMaxAge   time.Duration // HOTRO_PUBLIC_MAX_AGE: how long caches may keep public answers
	CORSOrigins    []string      // HOTRO_CORS_ORIGINS: origins (https://portal.example) that may read the public API and frame charts
	EmbedSecret    string        // HOTRO_EMBED_SECRET: key that signs chart links (env only); empty: signed links off

	ResponseCacheMB int // HOTRO_RESPONSE_CACHE_MB: memory for answers to repeated queries (0: off)

	ImportDailyRows int // HOTRO_IMPORT_DAILY_ROWS: rows a ward officer's uploads may check in a day

	// Seeding
	Demo         bool    // seed: also load the demo data set
	National     bool    // seed: load the synthetic national data set (PostgreSQL)
	DemoPassword string  // HOTRO_DEMO_PASSWORD: password of the demo accounts
	DemoSeed     uint64  // HOTRO_DEMO_SEED: seed of the demo data set
	DemoScale    float64 // HOTRO_DEMO_SCALE: size of the demo data set (1 = the city's first round)

	// Accounts (hotro user, hotro token)
	UserRole        string        // user add: admin, leader, analyst or ward_officer
	UserDisplayName string        // user add: the person's name as shown
	UserWards       string        // user add: comma-separated ward codes of a ward officer
	KeepTokens      bool          // user passwd: leave the account's API tokens working
	TokenTTL        time.Duration // token create: lifetime (0: no expiry)
}

// Defaults returns the settings used when nothing is set.
func Defaults() Config {
	return Config{
		StatementTimeout: 15 * time.Second,
		LogFormat:        "text",
		LogLevel:         "info",
		Addr:             ":8080",
		ShutdownTimeout:  15 * time.Second,
		MaxBodyBytes:     1 << 20,
		RequestTimeout:   time.Minute,
		DemoSeed:         2020,
		DemoScale:        1,
		DemoPassword:     "hotro-demo-2020",
		PublicMinCount:   5,
		ResponseCacheMB:  64,
		ImportDailyRows:  5_000,
		PublicMaxAge:     time.Minute,
		MetricsAddr:      "127.0.0.1:9090",
	}
}

// Command names the subcommand being configured; each sees the flags it uses.
type Command string

// The subcommands.
const (
	Serve   Command = "serve"
	Migrate Command = "migrate"
	Seed    Command = "seed"
	User    Command = "user"
	Token   Command = "token"
	Public  Command = "public"
)

// Load reads the settings for cmd from args (the flags after the subcommand) and getenv. It returns
// the remaining positional arguments.
func Load(cmd Command, args []string, getenv func(string) string, usage io.Writer) (Config, []string, error) {
	c := Defaults()
	fs := flag.NewFlagSet("hotro "+string(cmd), flag.ContinueOnError)
	fs.SetOutput(usage)
	var errEnv error
	env := func(name string, set func(string) error) {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			if err := set(v); err != nil && errEnv == nil {
				errEnv = fmt.Errorf("%s=%q: %v", name, v, err)
			}
		}
	}
	str := func(p *string) func(string) error { return func(v string) error { *p = v; return nil } }
	dur := func(p *time.Duration) func(string) error {
		return func(v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				return errors.New("not a duration such as 15s or 2m")
			}
			*p = d
			return nil
		}
	}
	boolean := func(p *bool) func(string) error {
		return func(v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return errors.New("not true or false")
			}
			*p = b
			return nil
		}
	}

	env("DATABASE_URL", str(&c.DatabaseURL))
	env("HOTRO_STATEMENT_TIMEOUT", dur(&c.StatementTimeout))
	env("HOTRO_LOG_FORMAT", str(&c.LogFormat))
	env("HOTRO_LOG_LEVEL", str(&c.LogLevel))
	fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, "PostgreSQL URL (postgres://...) or SQLite file path `url` (env DATABASE_URL; default data/hotro.db)")
	fs.DurationVar(&c.StatementTimeout, "statement-timeout", c.StatementTimeout, "bound on one SQL statement (env HOTRO_STATEMENT_TIMEOUT)")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "log format: text or json (env HOTRO_LOG_FORMAT)")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "log level: debug, info, warn or error (env HOTRO_LOG_LEVEL)")

	switch cmd {
	case Serve:
		env("HOTRO_ADDR", str(&c.Addr))
		env("HOTRO_DEMO_IF_EMPTY", boolean(&c.DemoIfEmpty))
		env("HOTRO_SHUTDOWN_TIMEOUT", dur(&c.ShutdownTimeout))
		env("HOTRO_REQUEST_TIMEOUT", dur(&c.RequestTimeout))
		fs.DurationVar(&c.RequestTimeout, "request-timeout", c.RequestTimeout, "bound on the work of one request; its database statements are cancelled (env HOTRO_REQUEST_TIMEOUT)")
		env("HOTRO_MAX_BODY_BYTES", func(v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1024 {
				return errors.New("not a byte count of at least 1024")
			}
			c.MaxBodyBytes = n
			return nil
		})
		env("DATABASE_REPLICA_URLS", str(&c.ReplicaURLs))
		fs.StringVar(&c.ReplicaURLs, "database-replica-urls", c.ReplicaURLs, "comma-separated postgres:// URLs of streaming replicas that serve reads (env DATABASE_REPLICA_URLS)")
		env("HOTRO_SECURE_COOKIES", boolean(&c.SecureCookies))
		env("HOTRO_TLS_CERT", str(&c.TLSCert))
		env("HOTRO_TLS_KEY", str(&c.TLSKey))
		fs.StringVar(&c.TLSCert, "tls-cert", c.TLSCert, "PEM certificate `file`; with --tls-key, serve HTTPS (env HOTRO_TLS_CERT)")
		fs.StringVar(&c.TLSKey, "tls-key", c.TLSKey, "PEM private key `file` (env HOTRO_TLS_KEY)")
		env("HOTRO_ADMIN_USERNAME", str(&c.AdminUsername))
		env("HOTRO_ADMIN_PASSWORD", str(&c.AdminPassword))
		fs.BoolVar(&c.SecureCookies, "secure-cookies", c.SecureCookies, "mark session cookies Secure, for a TLS proxy in front (env HOTRO_SECURE_COOKIES)")
		fs.StringVar(&c.AdminUsername, "admin-username", c.AdminUsername, "create this admin account at start if none exists; password from HOTRO_ADMIN_PASSWORD (env HOTRO_ADMIN_USERNAME)")
		env("HOTRO_PUBLIC_MAX_AGE", dur(&c.PublicMaxAge))
		env("HOTRO_CORS_ORIGINS", func(v string) error {
			origins, err := parseOrigins(v)
			c.CORSOrigins = origins
			return err
		})
		env("HOTRO_EMBED_SECRET", str(&c.EmbedSecret))
		env("HOTRO_RESPONSE_CACHE_MB", func(v string) error {
			n, err := strconv.Atoi(v)
			if err != nil {
				return errors.New("not a whole number of megabytes")
			}
			c.ResponseCacheMB = n
			return nil
		})
		env("HOTRO_IMPORT_DAILY_ROWS", func(v string) error {
			n, err := strconv.Atoi(v)
			if err != nil {
				return errors.New("not a whole number of rows")
			}
			c.ImportDailyRows = n
			return nil
		})
		fs.IntVar(&c.ImportDailyRows, "import-daily-rows", c.ImportDailyRows, "rows of uploaded lists a ward officer may check in a day (env HOTRO_IMPORT_DAILY_ROWS)")
		fs.IntVar(&c.ResponseCacheMB, "response-cache-mb", c.ResponseCacheMB, "memory for answers to repeated queries, dropped when the data changes; 0 turns it off (env HOTRO_RESPONSE_CACHE_MB)")
		fs.DurationVar(&c.PublicMaxAge, "public-max-age", c.PublicMaxAge, "how long caches may keep public answers (env HOTRO_PUBLIC_MAX_AGE)")
		fs.Func("cors-origins", "comma-separated origins that may read the public API and frame charts (env HOTRO_CORS_ORIGINS)", func(v string) error {
			origins, err := parseOrigins(v)
			c.CORSOrigins = origins
			return err
		})
		fs.StringVar(&c.Addr, "addr", c.Addr, "`address` to listen on, host:port (env HOTRO_ADDR)")
		env("HOTRO_TRUSTED_PROXIES", func(v string) error {
			proxies, err := parseProxies(v)
			c.TrustedProxies = proxies
			return err
		})
		fs.Func("trusted-proxies", "comma-separated CIDRs of proxies whose X-Forwarded-For names the client (env HOTRO_TRUSTED_PROXIES; default none)", func(v string) error {
			proxies, err := parseProxies(v)
			c.TrustedProxies = proxies
			return err
		})
		metricsAddr := func(v string) error {
			if v == "off" {
				v = ""
			}
			c.MetricsAddr = v
			return nil
		}
		env("HOTRO_METRICS_ADDR", metricsAddr)
		fs.Func("metrics-addr", "`address` serving /metrics, apart from the API, host:port; empty or off turns it off (env HOTRO_METRICS_ADDR; default 127.0.0.1:9090)", metricsAddr)
		env("HOTRO_ASSETS_DIR", str(&c.AssetsDir))
		fs.StringVar(&c.AssetsDir, "assets-dir", c.AssetsDir, "serve the dashboard's files from this `folder` (dashboard/static of a checkout), read at every request, to edit them while hotro runs (env HOTRO_ASSETS_DIR)")
		fs.BoolVar(&c.DemoIfEmpty, "demo-if-empty", c.DemoIfEmpty, "load the demo data set if the database holds no payments (env HOTRO_DEMO_IF_EMPTY)")
		fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", c.ShutdownTimeout, "how long requests may finish after SIGTERM (env HOTRO_SHUTDOWN_TIMEOUT)")
		fs.Int64Var(&c.MaxBodyBytes, "max-body-bytes", c.MaxBodyBytes, "largest request body in bytes (env HOTRO_MAX_BODY_BYTES)")
	case Seed:
		fs.BoolVar(&c.Demo, "demo", false, "also load the synthetic demo data set (only into a database without payments)")
		fs.BoolVar(&c.National, "national", false, "load the synthetic national data set with COPY (PostgreSQL; --scale 1 is 20 million recipients)")
	case User:
		fs.StringVar(&c.UserRole, "role", "", "role of a new account: admin, leader, analyst or ward_officer")
		fs.StringVar(&c.UserDisplayName, "name", "", "the person's name as shown in the dashboard")
		fs.StringVar(&c.UserWards, "wards", "", "for a ward officer: comma-separated official ward codes, e.g. 05431,05434")
		fs.BoolVar(&c.KeepTokens, "keep-tokens", false, "passwd: leave the account's API tokens working (by default they end with its sessions)")
	case Token:
		fs.DurationVar(&c.TokenTTL, "ttl", 0, "lifetime of a new token, e.g. 720h (0: no expiry)")
	}
	if cmd == Serve || cmd == Public {
		env("HOTRO_PUBLIC_MIN_COUNT", func(v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return errors.New("not a whole number of at least 1")
			}
			c.PublicMinCount = n
			return nil
		})
		fs.IntVar(&c.PublicMinCount, "public-min-count", c.PublicMinCount, "withhold public cells counting fewer people or recipients (env HOTRO_PUBLIC_MIN_COUNT)")
	}
	if cmd == Serve || cmd == Seed {
		env("HOTRO_DEMO_PASSWORD", str(&c.DemoPassword))
		env("HOTRO_DEMO_SEED", func(v string) error {
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				return errors.New("not a whole number")
			}
			c.DemoSeed = n
			return nil
		})
		env("HOTRO_DEMO_SCALE", func(v string) error {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return errors.New("not a number")
			}
			c.DemoScale = f
			return nil
		})
		fs.Uint64Var(&c.DemoSeed, "seed", c.DemoSeed, "seed of the demo data set: the same seed gives the same data (env HOTRO_DEMO_SEED)")
		fs.Float64Var(&c.DemoScale, "scale", c.DemoScale, "size of the demo data set; 1 is the city's first round (env HOTRO_DEMO_SCALE)")
	}
	if errEnv != nil {
		return Config{}, nil, errEnv
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, nil, err
	}
	if err := c.validate(); err != nil {
		return Config{}, nil, err
	}
	return c, fs.Args(), nil
}

func (c Config) validate() error {
	switch {
	case c.DemoScale <= 0 || c.DemoScale > 1000:
		return fmt.Errorf("--scale must be above 0 and at most 1000, got %v", c.DemoScale)
	case c.MaxBodyBytes < 1024:
		return fmt.Errorf("--max-body-bytes must be at least 1024, got %d", c.MaxBodyBytes)
	case c.StatementTimeout < 0:
		return fmt.Errorf("--statement-timeout must not be negative")
	case (c.TLSCert == "") != (c.TLSKey == ""):
		return fmt.Errorf("--tls-cert and --tls-key go together")
	case c.Demo && c.National:
		return fmt.Errorf("--demo and --national are two different data sets: choose one")
	case c.PublicMinCount < 1:
		return fmt.Errorf("--public-min-count must be at least 1, got %d", c.PublicMinCount)
	case c.PublicMaxAge < 0:
		return fmt.Errorf("--public-max-age must not be negative, got %s", c.PublicMaxAge)
	case c.ResponseCacheMB < 0 || c.ResponseCacheMB > 1<<20:
		return fmt.Errorf("--response-cache-mb must be 0 (off) to %d megabytes, got %d", 1<<20, c.ResponseCacheMB)
	case c.ImportDailyRows < 1:
		return fmt.Errorf("--import-daily-rows must be at least 1, got %d", c.ImportDailyRows)
	case c.EmbedSecret != "" && len(c.EmbedSecret) < 32:
		return fmt.Errorf("HOTRO_EMBED_SECRET must be at least 32 characters")
	case c.AdminUsername != "" && c.AdminPassword == "":
		return fmt.Errorf("--admin-username needs the password in HOTRO_ADMIN_PASSWORD")
	}
	return nil
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
