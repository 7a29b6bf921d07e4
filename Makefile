# hotro: `make run` starts it on an embedded SQLite database with demo data; `make test` runs every test.
GO      ?= go
ADDR    ?= :8080
PKGS    := ./...

.PHONY: help generate build run test test-race test-browser testdata lint drift check bench bench-public load load-embed fuzz fuzz-short clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

generate: ## regenerate the GraphQL code from graph/*.graphqls
	$(GO) tool gqlgen generate

build: ## build bin/hotro
	$(GO) build -o bin/hotro ./cmd/hotro

run: ## start hotro on data/hotro.db (SQLite) with demo data; DATABASE_URL=postgres://... for PostgreSQL
	$(GO) run ./cmd/hotro serve --demo-if-empty --addr $(ADDR)

TESTDB  := $(CURDIR)/bin/testdata
TESTENV := HOTRO_TEST_SQLITE_REFERENCE=$(TESTDB)/reference.db HOTRO_TEST_SQLITE_DEMO=$(TESTDB)/demo.db
FUZZTIME ?= 5m
# package:target pairs for go test -fuzz
FUZZ := ./graph:FuzzGraphQL ./internal/portal:FuzzChartParams ./internal/intake/sheet:FuzzOpen ./internal/intake/sheet:FuzzXLSXSheet ./internal/officialdoc:FuzzWrite

testdata: ## seed the SQLite fixtures tests copy (without -race: the pure-Go SQLite is slow under it)
	@rm -rf $(TESTDB) && mkdir -p $(TESTDB)
	@$(GO) run ./cmd/hotro seed --log-level warn --database-url $(TESTDB)/reference.db >/dev/null
	@$(GO) run ./cmd/hotro seed --log-level warn --demo --database-url $(TESTDB)/demo.db >/dev/null

test: testdata ## run every test (needs PostgreSQL at TEST_DATABASE_URL or 127.0.0.1:5432, and chromium)
	@# Every package but the dashboard's runs under the race detector against PostgreSQL, then once
	@# more on SQLite without it: the pure-Go SQLite runs 60-100 times slower under -race (a stats
	@# query: 40 ms -> 4 s), which would make the suite take an hour; its concurrency is the same
	@# code either way. The dashboard's browser tests run once, against PostgreSQL, without the race
	@# detector and beside the raced packages: they drive the page through the same API whose every
	@# package is raced and run on both databases above, and raced twice they took 21 of CI's 33
	@# minutes.
	@$(MAKE) --no-print-directory -j2 test-race test-browser
	HOTRO_TEST_DIALECTS=sqlite $(TESTENV) $(GO) test -count=1 -timeout 30m $(API_PKGS)

API_PKGS = $(shell $(GO) list $(PKGS) | grep -v '^hotro/dashboard')

test-race: # part of test: every package but the dashboard's, raced, on PostgreSQL
	HOTRO_TEST_DIALECTS=postgres $(TESTENV) $(GO) test -race -count=1 -timeout 30m $(API_PKGS)

test-browser: # part of test: the dashboard's browser tests, on PostgreSQL
	HOTRO_TEST_DIALECTS=postgres $(TESTENV) $(GO) test -p 1 -count=1 -timeout 30m ./dashboard/...

fuzz: testdata ## fuzz each entry point for FUZZTIME (default 5m); crashers land in testdata/fuzz as regression cases
	@for t in $(FUZZ); do pkg=$${t%%:*}; fn=$${t##*:}; echo "fuzz $$fn ($$pkg) for $(FUZZTIME)"; \
		$(TESTENV) $(GO) test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; done

fuzz-short: ## the short fuzz run CI does
	@$(MAKE) --no-print-directory fuzz FUZZTIME=2000x

lint: ## go.mod tidy, gofmt, go vet and staticcheck
	@$(GO) mod tidy -diff || (echo "go.mod or go.sum is not tidy: run go mod tidy and commit"; exit 1)
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) tool staticcheck $(PKGS)

drift: ## fail when the committed generated code differs from what the schema generates
	$(GO) tool gqlgen generate
	@git diff --exit-code -- graph || (echo "generated code is out of date: run make generate and commit"; exit 1)

check: lint drift test ## everything CI checks

bench: bench-public ## the national benchmark: one table (BENCH_SCALE=1: 20M recipients, 30M lines; BENCH_SCALE=0.01 for a quick run; each question fresh from 10 connections beside the stack's ceiling { __typename }; BENCH_FRESH_ONLY=1 for that table alone)
	$(GO) build -o bin/hotro-bench ./cmd/hotro-bench
	./bin/hotro-bench

PUBLIC_BENCH_DB ?= hotro_public_bench
bench-public: testdata build ## the public figures' pattern and its audit: on the demo data, then on the national set at scale 0.05 (loaded once into PostgreSQL database PUBLIC_BENCH_DB)
	HOTRO_TEST_DIALECTS=sqlite $(TESTENV) $(GO) test -run '^$$' -bench PublicPattern -benchtime 5x ./internal/release/
	@psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$(PUBLIC_BENCH_DB)'" | grep -q 1 || \
		{ psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $(PUBLIC_BENCH_DB)" && \
		  ./bin/hotro seed --national --scale 0.05 --log-level warn --database-url postgres://postgres@127.0.0.1:5432/$(PUBLIC_BENCH_DB); }
	./bin/hotro public audit --log-level warn --database-url postgres://postgres@127.0.0.1:5432/$(PUBLIC_BENCH_DB)

LOAD_BASE ?= http://127.0.0.1:8080
load: ## 200 clients replay the dashboard's queries for 60 s against a running hotro (make run), sampling its memory
	$(GO) run ./cmd/hotro-load -replay $(LOAD_BASE) -c 200 -d 60s -memory 5s

load-embed: ## a public chart of a running hotro: 50 clients for 30 s, revalidated (304) then plain
	$(GO) run ./cmd/hotro-load -url '$(LOAD_BASE)/embed/data/wards?lang=vi' -c 50 -d 30s -etag
	$(GO) run ./cmd/hotro-load -url '$(LOAD_BASE)/embed/data/wards?lang=vi' -c 50 -d 30s

clean: ## remove build output and the local database
	rm -rf bin data
