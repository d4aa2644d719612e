# The interface to Grondwerk: `make up` runs the suite, `make test` proves it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
# Components that exist (a folder with settings.py), in start order.
COMPONENTS := $(shell for c in authorizations notifications cases documents persons; do \
                test -f components/$$c/settings.py && echo $$c; done)

.PHONY: help venv up test lint migrations-check contracts contracts-check pytest bench clean

help:
	@echo "make up         start every component, the worker and the gateway"
	@echo "make test       lint, migration check, contract drift check, pytest"
	@echo "make contracts  regenerate openapi/*.yaml"
	@echo "make bench      run the benchmarks in tests/bench"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip
	@$(BIN)/python -m pip install -q -e '.[dev,embedded]'
	@rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP)

up: venv
	@$(BIN)/python -m devstack up

test: venv lint migrations-check contracts-check pytest

lint: venv
	@$(BIN)/ruff check $(wildcard components gateway devstack tests)

migrations-check: venv
	@$(BIN)/python -m devstack with-services -- sh -c 'for c in $(COMPONENTS); do \
	  $(BIN)/grondwerk $$c makemigrations --check --dry-run > /dev/null || \
	  { echo "missing migrations in $$c: run grondwerk $$c makemigrations"; exit 1; }; done'

contracts: venv
	@$(BIN)/python -m devstack contracts --write

contracts-check: venv
	@$(BIN)/python -m devstack contracts --check

pytest: venv
	@$(BIN)/python -m devstack with-services -- $(BIN)/python -m devstack pytest $(PYTEST_ARGS)

bench: venv
	@$(BIN)/python -m devstack with-services -- $(BIN)/python -m pytest tests/bench -s -q -p no:cacheprovider

clean:
	rm -rf $(VENV) var
