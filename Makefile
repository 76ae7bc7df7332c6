# `make demo` and `make test` do all the set-up from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev,semantic]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/storytrace analyze examples/ --out demo-out/

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

test: $(STAMP) lint
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python bench/compare.py
	$(BIN)/python bench/demo_relations.py
	$(BIN)/python bench/msrp.py
	$(BIN)/python bench/meter.py
	$(BIN)/python bench/pairs_speed.py
	$(BIN)/python bench/cluster_quality.py --sweep --learned
	$(BIN)/python bench/cluster_speed.py
	$(BIN)/python bench/derivation.py
	$(BIN)/python bench/analyze_reuters.py --n 2000

clean:
	rm -rf $(VENV) demo-out build *.egg-info src/*.egg-info
