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

bench: ## benchmarks and load figures of the README
	./scripts/bench.sh

golden: ## rewrite the relevance goldens after a deliberate ranking change
	$(GO) test ./fulltext/ -run Golden -update

.PHONY: help build demo test bench golden
