# zorginkoop: `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
POLICY ?= paramedie-2024
# INPUT empty: the policy's own sample bundle (data/sample, data/sample-ggz)
INPUT ?=
OUTPUT ?= out/$(POLICY)
SEED ?= 42
SCALE ?= insurer

# Commands that do not go through the CLI or the tests get the environment's defaults (PREFECT_HOME,
# analytics off) from zorginkoop/settings.py, where every setting and its default is written once.
WITH_SETTINGS := $(BIN)/python -m zorginkoop.settings

$(BIN)/.installed: pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 or run make PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $@

.PHONY: help
help: ## Show this list of targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: install
install: $(BIN)/.installed ## Create .venv and install the pinned dependencies

.PHONY: run
run: install ## Run the selection on the sample bundle (POLICY=paramedie-2024|ggz-2021, INPUT=, OUTPUT= to change)
	$(BIN)/zorginkoop run --policy $(POLICY) $(if $(INPUT),--input $(INPUT)) --output $(OUTPUT)

.PHONY: browser
browser: ## Install Debian's chromium for the report test (needs root and apt)
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

.PHONY: test
test: install browser ## Run the test suite
	$(BIN)/python -m pytest

.PHONY: serve
serve: install ## Start a local Prefect server and serve the yearly selection and publication schedules
	$(WITH_SETTINGS) $(BIN)/prefect server start --background
	@for i in $$(seq 60); do $(BIN)/python -c "import httpx; httpx.get('http://127.0.0.1:4200/api/health').raise_for_status()" 2>/dev/null && break; sleep 1; done
	PREFECT_API_URL=http://127.0.0.1:4200/api $(WITH_SETTINGS) $(BIN)/python -m flows.deployments

.PHONY: bench
bench: install ## Benchmark against the DuckDB floor and a pandas baseline (SCALE=sample|insurer|market)
	$(WITH_SETTINGS) $(BIN)/python -m bench.run --scale $(SCALE)

.PHONY: sample
sample: install ## Regenerate the committed sample bundles data/sample and data/sample-ggz (SEED=)
	rm -rf data/sample data/sample-ggz
	$(BIN)/zorginkoop generate --seed $(SEED) --size sample --output data/sample
	$(BIN)/zorginkoop generate --policy ggz-2021 --seed $(SEED) --size sample --output data/sample-ggz

.PHONY: golden
golden: install ## Rewrite the golden sample outputs in tests/golden after a deliberate change
	$(WITH_SETTINGS) $(BIN)/python -m tests.golden

.PHONY: clean
clean: ## Remove outputs, caches and Prefect state (keeps .venv)
	rm -rf out .prefect .pytest_cache .hypothesis
