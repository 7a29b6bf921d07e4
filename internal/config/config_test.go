package config

import (
	"io"
	"strings"
	"testing"
	"time"
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
			return c.Addr == ":8080" && c.DatabaseURL == "" && c.StatementTimeout == 15*time.Second
		}, ""},
		{"env sets address", Serve, nil, map[string]string{"HOTRO_ADDR": ":9090"}, func(c Config) bool { return c.Addr == ":9090" }, ""},
		{"flag wins over env", Serve, []string{"--addr", ":7070"}, map[string]string{"HOTRO_ADDR": ":9090"}, func(c Config) bool { return c.Addr == ":7070" }, ""},
		{"database url from env", Migrate, nil, map[string]string{"DATABASE_URL": "postgres://x@y/z"}, func(c Config) bool { return c.DatabaseURL == "postgres://x@y/z" }, ""},
		{"demo seed flags", Seed, []string{"--demo", "--seed", "7", "--scale", "2.5"}, nil, func(c Config) bool { return c.Demo && c.DemoSeed == 7 && c.DemoScale == 2.5 }, ""},
		{"bad duration in env", Serve, nil, map[string]string{"HOTRO_STATEMENT_TIMEOUT": "soon"}, nil, "HOTRO_STATEMENT_TIMEOUT"},
		{"bad bool in env", Serve, nil, map[string]string{"HOTRO_DEMO_IF_EMPTY": "maybe"}, nil, "HOTRO_DEMO_IF_EMPTY"},
		{"negative scale", Seed, []string{"--scale", "-1"}, nil, nil, "--scale"},
		{"cors origins", Serve, nil, map[string]string{"HOTRO_CORS_ORIGINS": "https://thainguyencity.gov.vn, http://localhost:3000/"}, func(c Config) bool {
			return len(c.CORSOrigins) == 2 && c.CORSOrigins[0] == "https://thainguyencity.gov.vn" && c.CORSOrigins[1] == "http://localhost:3000"
		}, ""},
		{"cors wildcard refused", Serve, []string{"--cors-origins", "*"}, nil, nil, "no *"},
		{"cors with a path refused", Serve, nil, map[string]string{"HOTRO_CORS_ORIGINS": "https://a.vn/portal"}, nil, "no *"},
		{"short embed secret", Serve, nil, map[string]string{"HOTRO_EMBED_SECRET": "short"}, nil, "at least 32"},
		{"negative response cache by flag", Serve, []string{"--response-cache-mb", "-3"}, nil, nil, "--response-cache-mb must be 0 (off)"},
		{"negative response cache in env", Serve, nil, map[string]string{"HOTRO_RESPONSE_CACHE_MB": "-3"}, nil, "--response-cache-mb must be 0 (off)"},
		{"response cache off", Serve, nil, map[string]string{"HOTRO_RESPONSE_CACHE_MB": "0"}, func(c Config) bool { return c.ResponseCacheMB == 0 }, ""},
		{"import daily rows from env", Serve, nil, map[string]string{"HOTRO_IMPORT_DAILY_ROWS": "800"}, func(c Config) bool { return c.ImportDailyRows == 800 }, ""},
		{"import daily rows default", Serve, nil, nil, func(c Config) bool { return c.ImportDailyRows == 5_000 }, ""},
		{"no import daily rows", Serve, []string{"--import-daily-rows", "0"}, nil, nil, "--import-daily-rows must be at least 1"},
		{"negative public max age", Serve, []string{"--public-max-age", "-1m"}, nil, nil, "--public-max-age must not be negative"},
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
		{"assets dir is for serve", Migrate, []string{"--assets-dir", "x"}, nil, nil, "flag provided but not defined"},
		{"unknown flag", Serve, []string{"--port", "80"}, nil, nil, "flag provided but not defined"},
		{"serve flag on migrate", Migrate, []string{"--addr", ":1"}, nil, nil, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, err := Load(tt.cmd, tt.args, env(tt.env), io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tt.wantErr)
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
