package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"hotro/internal/db"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		cmd     Command
		args    []string
		env     map[string]string
		check   func(Config) bool
		wantErr string
	}{
		{"defaults", Serve, nil, nil, func(c Config) bool {
			return c.Addr == ":8080" && c.Database == db.Target{Dialect: db.SQLite, DSN: db.DefaultSQLitePath} && c.StatementTimeout == 15*time.Second &&
				c.MaxBodyBytes == 1<<20 && c.MetricsAddr == "127.0.0.1:9090"
		}, ""},
		{"env sets address", Serve, nil, map[string]string{"HOTRO_ADDR": ":9090"}, func(c Config) bool { return c.Addr == ":9090" }, ""},
		{"flag wins over env", Serve, []string{"--addr", ":7070"}, map[string]string{"HOTRO_ADDR": ":9090"}, func(c Config) bool { return c.Addr == ":7070" }, ""},
		{"flag with =", Serve, []string{"--addr=:7071"}, nil, func(c Config) bool { return c.Addr == ":7071" }, ""},
		{"flag with one dash", Serve, []string{"-addr", ":7072"}, nil, func(c Config) bool { return c.Addr == ":7072" }, ""},
		{"database url from env", Migrate, nil, map[string]string{"DATABASE_URL": "postgres://x@y/z"}, func(c Config) bool {
			return c.Database == db.Target{Dialect: db.Postgres, DSN: "postgres://x@y/z"}
		}, ""},
		{"database url by flag", Rollup, []string{"--database-url", "/tmp/x.db"}, nil, func(c Config) bool {
			return c.Database.Dialect == db.SQLite && c.Database.DSN == "/tmp/x.db"
		}, ""},
		{"malformed database url names the flag, not the password", Migrate, []string{"--database-url", "postgres://u:secret@host:port/db"}, nil, nil, `--database-url "…": not a valid PostgreSQL URL`},
		{"malformed database url in env", Migrate, nil, map[string]string{"DATABASE_URL": "mysql://root:secret@h/x"}, nil, `DATABASE_URL="…": scheme "mysql" is not supported`},
		{"replicas", Serve, nil, map[string]string{"DATABASE_URL": "postgres://a@p/x", "DATABASE_REPLICA_URLS": "postgres://a@r1/x, postgres://a@r2/x"}, func(c Config) bool {
			return len(c.Replicas) == 2 && c.Replicas[1].DSN == "postgres://a@r2/x"
		}, ""},
		{"a SQLite replica", Serve, []string{"--database-replica-urls", "data/r.db"}, nil, nil, "--database-replica-urls \"…\": replica 1 (SQLite data/r.db) is not a PostgreSQL URL"},
		{"bad duration in env", Serve, nil, map[string]string{"HOTRO_STATEMENT_TIMEOUT": "soon"}, nil, `HOTRO_STATEMENT_TIMEOUT="soon": must be a duration`},
		{"negative duration by flag", Serve, []string{"--statement-timeout", "-1s"}, nil, nil, `--statement-timeout "-1s": must be a duration of 0 or more`},
		{"bad bool in env", Serve, nil, map[string]string{"HOTRO_DEMO_IF_EMPTY": "maybe"}, nil, `HOTRO_DEMO_IF_EMPTY="maybe": must be true or false`},
		{"switch with a value", Serve, []string{"--demo-if-empty=false"}, map[string]string{"HOTRO_DEMO_IF_EMPTY": "true"}, func(c Config) bool { return !c.DemoIfEmpty }, ""},
		{"switch alone", Serve, []string{"--demo-if-empty"}, nil, func(c Config) bool { return c.DemoIfEmpty }, ""},
		{"the demo's settings are not the table's", Seed, []string{"--scale", "2"}, nil, nil, "hotro seed has no flag --scale"},
		{"bad log level", Migrate, []string{"--log-level", "loud"}, nil, nil, `--log-level "loud": must be one of debug, info, warn, error`},
		{"cors origins", Serve, nil, map[string]string{"HOTRO_CORS_ORIGINS": "https://thainguyencity.gov.vn, http://localhost:3000/"}, func(c Config) bool {
			return len(c.CORSOrigins) == 2 && c.CORSOrigins[0] == "https://thainguyencity.gov.vn" && c.CORSOrigins[1] == "http://localhost:3000"
		}, ""},
		{"cors wildcard refused", Serve, []string{"--cors-origins", "*"}, nil, nil, "no *"},
		{"cors with a path refused", Serve, nil, map[string]string{"HOTRO_CORS_ORIGINS": "https://a.vn/portal"}, nil, "no *"},
		{"short embed secret, not repeated", Serve, nil, map[string]string{"HOTRO_EMBED_SECRET": "short"}, nil, `HOTRO_EMBED_SECRET="…": must be at least 32 characters`},
		{"negative response cache by flag", Serve, []string{"--response-cache-mb", "-3"}, nil, nil, `--response-cache-mb "-3": must be a whole number from 0 to 1048576`},
		{"negative response cache in env", Serve, nil, map[string]string{"HOTRO_RESPONSE_CACHE_MB": "-3"}, nil, `HOTRO_RESPONSE_CACHE_MB="-3": must be a whole number from 0`},
		{"response cache off", Serve, nil, map[string]string{"HOTRO_RESPONSE_CACHE_MB": "0"}, func(c Config) bool { return c.ResponseCacheMB == 0 }, ""},
		{"import daily rows from env", Serve, nil, map[string]string{"HOTRO_IMPORT_DAILY_ROWS": "800"}, func(c Config) bool { return c.ImportDailyRows == 800 }, ""},
		{"import daily rows default", Serve, nil, nil, func(c Config) bool { return c.ImportDailyRows == 5_000 }, ""},
		{"no import daily rows", Serve, []string{"--import-daily-rows", "0"}, nil, nil, `--import-daily-rows "0": must be a whole number of at least 1`},
		{"spot-check draws default", Serve, nil, nil, func(c Config) bool { return c.SpotCheckDailyDraws == 3 }, ""},
		{"spot-check draws from env", Serve, nil, map[string]string{"HOTRO_SPOT_CHECK_DAILY_DRAWS": "5"}, func(c Config) bool { return c.SpotCheckDailyDraws == 5 }, ""},
		{"no spot-check draws", Serve, []string{"--spot-check-daily-draws", "0"}, nil, nil, `--spot-check-daily-draws "0": must be a whole number from 1 to 1000`},
		{"small body", Serve, []string{"--max-body-bytes", "100"}, nil, nil, `--max-body-bytes "100": must be a whole number of at least 1024`},
		{"negative public max age", Serve, []string{"--public-max-age", "-1m"}, nil, nil, `--public-max-age "-1m": must be a duration of 0 or more`},
		{"public min count for the audit", Public, []string{"audit", "--public-min-count", "10"}, nil, func(c Config) bool { return c.PublicMinCount == 10 }, ""},
		{"no trusted proxies by default", Serve, nil, nil, func(c Config) bool { return len(c.TrustedProxies) == 0 }, ""},
		{"trusted proxies", Serve, nil, map[string]string{"HOTRO_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.7,::1"}, func(c Config) bool {
			return len(c.TrustedProxies) == 3 && c.TrustedProxies[0].String() == "10.0.0.0/8" &&
				c.TrustedProxies[1].String() == "192.168.1.7/32" && c.TrustedProxies[2].String() == "::1/128"
		}, ""},
		{"trusted proxies by flag", Serve, []string{"--trusted-proxies", "172.16.0.0/12"}, nil, func(c Config) bool {
			return len(c.TrustedProxies) == 1 && c.TrustedProxies[0].String() == "172.16.0.0/12"
		}, ""},
		{"bad trusted proxy", Serve, nil, map[string]string{"HOTRO_TRUSTED_PROXIES": "proxy.local"}, nil, "trusted proxy"},
		{"metrics on loopback by default", Serve, nil, nil, func(c Config) bool { return c.MetricsAddr == "127.0.0.1:9090" }, ""},
		{"metrics off", Serve, []string{"--metrics-addr", ""}, map[string]string{"HOTRO_METRICS_ADDR": "127.0.0.1:9191"}, func(c Config) bool { return c.MetricsAddr == "" }, ""},
		{"metrics off in env", Serve, nil, map[string]string{"HOTRO_METRICS_ADDR": "off"}, func(c Config) bool { return c.MetricsAddr == "" }, ""},
		{"metrics address from env", Serve, nil, map[string]string{"HOTRO_METRICS_ADDR": "127.0.0.1:9191"}, func(c Config) bool { return c.MetricsAddr == "127.0.0.1:9191" }, ""},
		{"embedded dashboard by default", Serve, nil, nil, func(c Config) bool { return c.AssetsDir == "" }, ""},
		{"assets dir from env", Serve, nil, map[string]string{"HOTRO_ASSETS_DIR": "dashboard/static"}, func(c Config) bool { return c.AssetsDir == "dashboard/static" }, ""},
		{"assets dir flag wins", Serve, []string{"--assets-dir", "/src/hotro/dashboard/static"}, map[string]string{"HOTRO_ASSETS_DIR": "x"}, func(c Config) bool {
			return c.AssetsDir == "/src/hotro/dashboard/static"
		}, ""},
		{"tls cert without key", Serve, []string{"--tls-cert", "c.pem"}, nil, nil, "--tls-cert and --tls-key go together"},
		{"admin without password", Serve, []string{"--admin-username", "root"}, nil, nil, "HOTRO_ADMIN_PASSWORD"},
		{"admin password is not a flag", Serve, []string{"--admin-password", "x"}, nil, nil, "hotro serve has no flag --admin-password"},
		{"assets dir is for serve", Migrate, []string{"--assets-dir", "x"}, nil, nil, "hotro migrate has no flag --assets-dir (hotro migrate -h lists its flags)"},
		{"serve's env is ignored elsewhere", Migrate, nil, map[string]string{"HOTRO_MAX_BODY_BYTES": "1"}, func(c Config) bool { return true }, ""},
		{"unknown flag", Serve, []string{"--port", "80"}, nil, nil, "has no flag --port"},
		{"a flag without its value", Migrate, []string{"up", "--database-url"}, nil, nil, "--database-url needs a value (URL)"},
		{"help", Migrate, []string{"up", "-h"}, nil, nil, "help requested"},
		{"long help", Serve, []string{"--help"}, nil, nil, "help requested"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, err := Load(tt.cmd, tt.args, env(tt.env))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Errorf("err = %v repeats a secret", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Errorf("config %+v does not match", c)
			}
		})
	}
}

// TestDemoSettings: the synthetic data sets' settings, declared once in Demo.Settings, read by the
// commands that pass them, with their defaults, variables and checks.
func TestDemoSettings(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    Demo
		wantErr string
	}{
		{"defaults", nil, nil, Demo{Password: "hotro-demo-2020", Seed: 2020, Scale: 1}, ""},
		{"flags", []string{"--seed", "7", "--scale", "2.5"}, nil, Demo{Password: "hotro-demo-2020", Seed: 7, Scale: 2.5}, ""},
		{"environment", nil, map[string]string{"HOTRO_DEMO_SEED": "9", "HOTRO_DEMO_SCALE": "0.5", "HOTRO_DEMO_PASSWORD": "pw-of-the-demo"}, Demo{Password: "pw-of-the-demo", Seed: 9, Scale: 0.5}, ""},
		{"negative scale", []string{"--scale", "-1"}, nil, Demo{}, `--scale "-1": must be a number above 0 and at most 1000`},
		{"scale past 1000 in env", nil, map[string]string{"HOTRO_DEMO_SCALE": "5000"}, Demo{}, `HOTRO_DEMO_SCALE="5000": must be a number above 0`},
		{"seed not a number", []string{"--seed=x"}, nil, Demo{}, `--seed "x": must be a whole number`},
		{"the password is not a flag", []string{"--password", "x"}, nil, Demo{}, "has no flag --password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d Demo
			_, _, err := Load(Seed, tt.args, env(tt.env), d.Settings()...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || d != tt.want {
				t.Errorf("demo %+v, err %v; want %+v", d, err, tt.want)
			}
		})
	}
}

// TestFlagsBeforeAndAfterArguments: a command's flags may come before, between or after its own
// arguments, and "--" ends them.
func TestFlagsBeforeAndAfterArguments(t *testing.T) {
	var role string
	var keep bool
	own := []Setting{String("role", "ROLE", "role", &role), Bool("keep-tokens", "keep", &keep)}
	tests := []struct {
		name     string
		args     []string
		wantRest []string
		wantURL  string
		wantRole string
		wantKeep bool
	}{
		{"flags after", []string{"add", "lan", "--role", "leader", "--database-url", "a.db"}, []string{"add", "lan"}, "a.db", "leader", false},
		{"flags before", []string{"--database-url", "a.db", "--role=leader", "add", "lan"}, []string{"add", "lan"}, "a.db", "leader", false},
		{"flags between", []string{"add", "--keep-tokens", "--database-url=a.db", "lan"}, []string{"add", "lan"}, "a.db", "", true},
		{"-- ends the flags", []string{"add", "--", "--role"}, []string{"add", "--role"}, db.DefaultSQLitePath, "", false},
		{"a lone dash is an argument", []string{"-", "--role", "admin"}, []string{"-"}, db.DefaultSQLitePath, "admin", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			role, keep = "", false
			c, rest, err := Load(User, tt.args, env(nil), own...)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(rest, tt.wantRest) || c.Database.DSN != tt.wantURL || role != tt.wantRole || keep != tt.wantKeep {
				t.Errorf("rest %q, database %q, role %q, keep %v; want %q, %q, %q, %v", rest, c.Database.DSN, role, keep, tt.wantRest, tt.wantURL, tt.wantRole, tt.wantKeep)
			}
		})
	}
	if _, _, err := Load(Migrate, []string{"--role", "x"}, env(nil)); err == nil {
		t.Error("--role, a setting of hotro user, was taken by hotro migrate")
	}
}

var envName = regexp.MustCompile(`^(DATABASE|HOTRO)_[A-Z_]+$`)

// TestTableIsComplete checks every setting of the table: a flag (or, for a secret, only a
// variable), a variable named like the others, help, at least one command, a default that parses,
// and no name used twice.
func TestTableIsComplete(t *testing.T) {
	var c Config
	var d Demo
	table := append(Table(&c), d.Settings()...)
	flags, envs := map[string]bool{}, map[string]bool{}
	for _, s := range table {
		t.Run(s.Name(), func(t *testing.T) {
			if s.Flag == "" && !s.Secret {
				t.Error("no flag: only secrets are read from the environment alone")
			}
			if !envName.MatchString(s.Env) {
				t.Errorf("environment variable %q: want DATABASE_... or HOTRO_...", s.Env)
			}
			if s.Help == "" || s.Parse == nil {
				t.Error("no help or no parser")
			}
			if s.Commands != nil && len(s.Commands) == 0 {
				t.Error("taken by no command")
			}
			for _, cmd := range s.Commands {
				if !slices.Contains(Commands, cmd) {
					t.Errorf("unknown command %q", cmd)
				}
			}
			if s.Switch() && s.Default != "" {
				t.Errorf("a switch with a default %q", s.Default)
			}
			if s.Default != "" {
				if err := s.Parse(s.Default); err != nil {
					t.Errorf("default %q does not parse: %v", s.Default, err)
				}
			}
			if s.Flag != "" && flags[s.Flag] || envs[s.Env] {
				t.Errorf("declared twice")
			}
			flags[s.Flag], envs[s.Env] = true, true
		})
	}
}

// TestBadValuesNameTheirFlag gives every setting that checks its value a bad one, by flag and by
// variable, and wants an error naming where it came from.
func TestBadValuesNameTheirFlag(t *testing.T) {
	var c Config
	var d Demo
	checked := 0
	for _, s := range append(Table(&c), d.Settings()...) {
		if s.Parse("not-a-good-value@@") == nil {
			continue // any text will do (an address, a file)
		}
		checked++
		cmd := Serve
		if s.Commands != nil && !slices.Contains(s.Commands, Serve) {
			cmd = s.Commands[0]
		}
		var d Demo
		own := d.Settings()
		if s.Flag != "" {
			_, _, err := Load(cmd, []string{"--" + s.Flag + "=not-a-good-value@@"}, env(nil), own...)
			if err == nil || !strings.HasPrefix(err.Error(), "--"+s.Flag+" ") {
				t.Errorf("--%s with a bad value: err = %v, want one starting with the flag", s.Flag, err)
			}
		}
		_, _, err := Load(cmd, nil, env(map[string]string{s.Env: "not-a-good-value@@"}), own...)
		if err == nil || !strings.HasPrefix(err.Error(), s.Env+"=") {
			t.Errorf("%s with a bad value: err = %v, want one starting with the variable", s.Env, err)
		}
	}
	if checked < 10 {
		t.Errorf("only %d settings refuse a bad value", checked)
	}
}

// TestHelpListsEverySetting: hotro CMD -h names each flag the command takes, its variable and its
// default, and nothing it does not take.
func TestHelpListsEverySetting(t *testing.T) {
	var c Config
	for _, cmd := range Commands {
		var b bytes.Buffer
		Help(&b, cmd)
		for _, s := range Table(&c) {
			takes := s.Commands == nil || slices.Contains(s.Commands, cmd)
			listed := strings.Contains(b.String(), "  "+s.Name()+" ") || strings.Contains(b.String(), "  "+s.Name()+"\n")
			if takes != listed {
				t.Errorf("hotro %s -h lists %s: %v, want %v\n%s", cmd, s.Name(), listed, takes, b.String())
			}
			if takes && s.Flag != "" && s.Env != "" && !strings.Contains(b.String(), "env "+s.Env) {
				t.Errorf("hotro %s -h does not name %s", cmd, s.Env)
			}
			if takes && s.Default != "" && !strings.Contains(b.String(), "default "+s.Default) {
				t.Errorf("hotro %s -h does not give the default of %s", cmd, s.Name())
			}
		}
	}
	var role string
	var b bytes.Buffer
	Help(&b, User, String("role", "ROLE", "role of a new account", &role))
	if !strings.Contains(b.String(), "--role ROLE\n      role of a new account") {
		t.Errorf("hotro user -h does not list its own --role:\n%s", b.String())
	}
	if _, _, err := Load(Serve, []string{"-h"}, env(nil)); !errors.Is(err, ErrHelp) {
		t.Errorf("-h: err = %v, want ErrHelp", err)
	}
}

// TestREADMEListsEverySetting: the README's configuration table names every flag and variable of
// the table, so that operators find each setting there.
func TestREADMEListsEverySetting(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	start := strings.Index(readme, "## Configuration")
	if start < 0 {
		t.Fatal("README has no Configuration section")
	}
	section := readme[start:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	var c Config
	var d Demo
	for _, s := range append(Table(&c), d.Settings()...) {
		if s.Flag != "" && !strings.Contains(section, "`--"+s.Flag+"`") {
			t.Errorf("README's Configuration does not list --%s", s.Flag)
		}
		if !strings.Contains(section, "`"+s.Env+"`") {
			t.Errorf("README's Configuration does not list %s", s.Env)
		}
	}
}
