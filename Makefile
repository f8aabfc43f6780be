# Two commands for a new user: `make demo` and `make test`. Both create .venv when it is
# missing and (re)install when pyproject.toml changes; nothing else needs to be installed.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check

.PHONY: demo test test-fast benchmark sample clean help package-check

help:
	@echo "make demo   - set up .venv and render all four reports on the bundled sample into reports/"
	@echo "make test   - set up .venv with test tools and run the whole suite"
	@echo "make sample - regenerate the bundled sample data (deterministic)"

$(VENV)/.created:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "leadaudit needs Python 3.11 or newer: run make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	@touch $@

$(VENV)/.installed: $(VENV)/.created pyproject.toml
	$(PIP) install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PIP) install --quiet -e ".[test]"
	@touch $@

demo: $(VENV)/.installed
	$(VENV)/bin/leadaudit demo --out reports

test: $(VENV)/.installed-test
	$(PY) -m pytest

test-fast: $(VENV)/.installed-test
	$(PY) -m pytest -m "not slow"

# what a user of a release gets: build the wheel, install it (not editable) into a fresh venv
# outside the source tree, and render the demo from there
package-check: $(VENV)/.installed
	@set -e; work=$$(mktemp -d); trap 'rm -rf "$$work"' EXIT; \
	$(PY) -m pip wheel --quiet --no-deps --wheel-dir "$$work/dist" . ; \
	$(PYTHON) -m venv "$$work/venv"; \
	"$$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check "$$work"/dist/*.whl; \
	cd "$$work" && "$$work/venv/bin/leadaudit" demo --out "$$work/reports" && \
	test "$$(ls "$$work/reports" | wc -l)" -eq 13 && echo "package-check: the wheel installs and renders the demo"

sample: $(VENV)/.installed
	$(PY) -m analysis.sample

benchmark: $(VENV)/.installed
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) reports/*.html reports/*.ipynb reports/*.json
