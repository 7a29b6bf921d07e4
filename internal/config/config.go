// Package config declares every setting of hotro once, in one table (Table): its flag, its
// environment variable, its default, how it is parsed and checked, its help and the commands that
// take it. Load reads one command's settings from its arguments and the environment, once, into the
// Config that main passes down: flags win over the environment, which wins over defaults, and flags
// may come before or after the command's own arguments. The database target and its replicas are
// parsed here and nowhere else.
//
// Config holds what the server is built from and what every command shares (the database,
// logging). The settings of the synthetic data sets (Demo.Settings) are declared here too, but
// stored apart, for the three commands that load one. A setting of one command only (a new
// account's role, a token's lifetime) is declared by that command with the same Setting type. Both
// are handed to Load with the table, so that they are parsed, checked and explained the same way
// without living in Config.
package config

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"hotro/internal/db"
)

// Config is the settings of the server and those several commands share.
type Config struct {
	// Database
	Database         db.Target     // DATABASE_URL: postgres://... or a SQLite file path (default data/hotro.db)
	StatementTimeout time.Duration // HOTRO_STATEMENT_TIMEOUT: bound on one SQL statement
	Replicas         []db.Target   // DATABASE_REPLICA_URLS: PostgreSQL streaming replicas that serve reads

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
	// HOTRO_PUBLIC_STALE_WAIT: after the data changed, how long a visitor waits for the new public
	// tables before the last ones answer (0: until they are built)
	PublicStaleWait time.Duration
	Organisation    string   // HOTRO_ORGANISATION: who publishes the figures, in the dashboard's header and print title
	CORSOrigins     []string // HOTRO_CORS_ORIGINS: origins (https://portal.example) that may read the public API and frame charts
	EmbedSecret     string   // HOTRO_EMBED_SECRET: key that signs chart links (env only); empty: signed links off

	ResponseCacheMB int // HOTRO_RESPONSE_CACHE_MB: memory for answers to repeated queries (0: off)

	ImportDailyRows int // HOTRO_IMPORT_DAILY_ROWS: rows a ward officer's uploads may check in a day

	SpotCheckDailyDraws int // HOTRO_SPOT_CHECK_DAILY_DRAWS: spot checks one ward may be drawn in a day

	PostingDays        int // HOTRO_POSTING_DAYS: how long a list stays posted from its posting date
	FeedbackAnswerDays int // HOTRO_FEEDBACK_ANSWER_DAYS: days after the posting period to close a resident's report
}

// Demo is the settings of the synthetic data sets, for the commands that load one (serve
// --demo-if-empty, seed --demo, national), which pass Demo.Settings to Load.
type Demo struct {
	Password string  // HOTRO_DEMO_PASSWORD: password of the demo accounts
	Seed     uint64  // HOTRO_DEMO_SEED: seed of the data set
	Scale    float64 // HOTRO_DEMO_SCALE: size of the data set (1 = the city's first round)
}

// Defaults returns the settings used when nothing is set: every setting of the table at its
// default.
func Defaults() Config {
	var c Config
	for _, s := range Table(&c) {
		if s.Default != "" {
			if err := s.Parse(s.Default); err != nil {
				panic(fmt.Sprintf("config: the default of %s does not parse: %v", s.Name(), err))
			}
		}
	}
	return c
}

// Command names a subcommand of hotro; each takes the settings of the table that list it.
type Command string

// The subcommands.
const (
	Serve    Command = "serve"
	Migrate  Command = "migrate"
	Seed     Command = "seed"
	User     Command = "user"
	Token    Command = "token"
	Import   Command = "import"
	Backup   Command = "backup"
	Restore  Command = "restore"
	National Command = "national"
	Rollup   Command = "rollup"
	Public   Command = "public"
	Fund     Command = "fund"
	Geo      Command = "geo"
	Snapshot Command = "snapshot"
	Report   Command = "report"
	Figures  Command = "figures"
)

// Commands are all the subcommands, in the order help lists them.
var Commands = []Command{Serve, Migrate, Seed, User, Token, Backup, Restore, National, Rollup, Public, Import, Fund, Geo, Snapshot, Report, Figures}

// ErrHelp is returned by Load when the arguments ask for help (-h or --help): the caller prints the
// command's help and succeeds.
var ErrHelp = errors.New("help requested")

// Load reads the settings of cmd from args (what follows the command's name) and getenv: first the
// defaults, then the environment, then the flags, each parsed and checked by its setting. own are
// cmd's own settings (declared by the command, listing no commands). It returns the command's
// positional arguments, which may come before, between or after the flags; "--" ends the flags.
func Load(cmd Command, args []string, getenv func(string) string, own ...Setting) (Config, []string, error) {
	c := Defaults()
	for _, s := range own {
		if s.Default != "" {
			if err := s.Parse(s.Default); err != nil {
				return Config{}, nil, fmt.Errorf("the default of %s: %v", s.Name(), err)
			}
		}
	}
	settings := For(cmd, Table(&c), own)
	for _, s := range settings {
		if s.Env == "" {
			continue
		}
		if v := trim(getenv(s.Env)); v != "" {
			if err := s.Parse(v); err != nil {
				return Config{}, nil, fmt.Errorf("%s=%q: %v", s.Env, shown(s, v), err)
			}
		}
	}
	rest, err := parseFlags(cmd, settings, args)
	if err != nil {
		return Config{}, nil, err
	}
	if err := c.check(cmd); err != nil {
		return Config{}, nil, err
	}
	return c, rest, nil
}

// check holds the rules that tie settings together; each setting checks its own value.
func (c Config) check(cmd Command) error {
	if cmd != Serve {
		return nil
	}
	switch {
	case (c.TLSCert == "") != (c.TLSKey == ""):
		return errors.New("--tls-cert and --tls-key go together")
	case c.AdminUsername != "" && c.AdminPassword == "":
		return errors.New("--admin-username needs the password in HOTRO_ADMIN_PASSWORD")
	}
	return nil
}
