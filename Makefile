# Two commands set everything up on a fresh machine:
#   make run   - create .venv on first use, install, launch the desktop app
#   make test  - the same bootstrap, then the whole test suite, headless
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast lint bench verify evaluate clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,dev,research]'
	$(PY) -m pip check
	mkdir -p $(VENV)/typing && ln -sfn "$(CURDIR)" $(VENV)/typing/alliance_advisor
	touch $(STAMP)

# The pre-flight installs (apt-get, on Debian/Ubuntu) the X libraries Qt's xcb
# plugin needs and a fresh machine lacks; elsewhere it prints the command.
run: $(STAMP)
	$(PY) -m alliance_advisor.gui.preflight --install
	$(PY) main.py

# The whole suite, headless, after the lint (style, types, the layers' import contracts).
test: lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -n auto

# The quick loop while editing: the suite without the tests marked slow (real windows,
# history over years, subprocesses, sweeps; setup.cfg), headless, and no lint. It runs
# in under a minute on two cores; `make test` still runs everything, after the lint.
test-fast: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -n auto -m "not slow"

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

evaluate: $(STAMP)
	$(PY) main.py evaluate

verify: $(STAMP)
	$(PY) main.py verify

bench: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	$(PY) -m bench

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
