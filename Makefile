# sohoa: `make run` and `make test` each do all set-up on a fresh Debian machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
EXTRAS ?= dev,review,distributed

.PHONY: run test test-all lint bench samples dist clean system-deps system-deps-test

run: system-deps $(STAMP)
	$(BIN)/sohoa run samples/scans -o output

test: system-deps-test $(STAMP)
	$(BIN)/ruff check pipeline tests scripts benchmarks
	$(BIN)/python -m pytest -m "not slow" -q

test-all: system-deps-test $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests scripts benchmarks

bench: system-deps-test $(STAMP)
	$(BIN)/python -m pip install -q -e ".[$(EXTRAS),bench]"
	$(BIN)/python benchmarks/run_all.py

samples: $(STAMP)
	$(BIN)/python scripts/make_samples.py

dist: system-deps $(STAMP)
	bash scripts/make_dist.sh

system-deps:
	bash scripts/install_system_deps.sh run

system-deps-test:
	bash scripts/install_system_deps.sh test

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[$(EXTRAS)]"
	touch $(STAMP)

clean:
	rm -rf $(VENV) output build dist .pytest_cache
