.DEFAULT_GOAL := help
GO ?= go

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

build: ## build ./offres
	$(GO) build -o offres ./cmd/offres

demo: ## serve the demo corpus on :8080
	$(GO) run ./cmd/offres demo

test: ## the README's test command (setup + every test)
	./scripts/test.sh

bench: ## benchmarks of the README
	./scripts/bench.sh

load: ## the HTTP load test and soak of the README (wrk, about 20 minutes)
	./scripts/load.sh

vulncheck: ## govulncheck against the pinned offline vulnerability database
	./scripts/vulncheck.sh

fuzz: ## every fuzz target for FUZZTIME each (default 10s)
	./scripts/fuzz.sh

golden: ## rewrite the relevance goldens after a deliberate ranking change
	$(GO) test ./fulltext/ -run Golden -update

.PHONY: help build demo test bench load vulncheck fuzz golden
