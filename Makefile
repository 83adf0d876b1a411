# K-Means from Scratch: every command a reader, author or CI needs.
#   make book     build the website strictly (executes every notebook)
#   make test     unit tests + nbval (strict) over every notebook
#   make execute  re-execute the notebooks in place (authors, before committing)
#   make bench    speed/memory comparisons against scikit-learn
#   make lint     ruff format --check and ruff check (notebooks too); make format applies the formatter
SHELL   := /bin/bash
PYTHON  ?= $(shell command -v python3.11 || command -v python3)
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
# Same hash seed everywhere, so a fresh run prints what was committed.
export PYTHONHASHSEED := 0
# Figures are shown inline, as in Jupyter; a shell's MPLBACKEND=Agg would hide them.
unexport MPLBACKEND

.PHONY: all venv book book-student test unit execute bench lint format site-test clean

all: test book

# The virtualenv is rebuilt whenever the pins (or kmlib's packaging) change.
$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

venv: $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "The book is at: file://$(CURDIR)/_build/html/index.html"

# Student edition: the same book without the solutions (sphinx-exercise's
# hide_solutions, made to work for gated solutions by book/_ext/hide_gated_solutions.py),
# no download button and no copied .ipynb sources (they contain the solutions).
book-student: $(STAMP)
	$(BIN)/python tools/student_config.py
	$(BIN)/jupyter-book build . -W -n --keep-going --config _build/_config_student.yml --path-output _build/student
	@echo "The student edition is at: file://$(CURDIR)/_build/student/_build/html/index.html"

# Unit tests, kmlib's docstring examples (--doctest-modules) and every notebook (nbval).
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile tests book kmlib --doctest-modules \
	    --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

unit: $(STAMP)
	$(BIN)/python -m pytest tests

# Checks on the built website (run after `make book`; CI requires the site):
# static checks, then a real browser (Chromium, network blocked); screenshots in _build/screenshots/.
site-test: $(STAMP)
	KMLIB_REQUIRE_SITE=1 $(BIN)/python -m pytest tests/test_site.py tests/test_browser.py

execute: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py book/*.ipynb

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/silhouette_bench.py
	$(BIN)/python benchmarks/dbscan_bench.py
	$(BIN)/python benchmarks/quantize_bench.py
	$(BIN)/python benchmarks/seeding_bench.py

# ruff's formatter (checked; `make format` applies it) and linter, notebooks included.
LINTED := kmlib tests benchmarks tools conftest.py
lint: $(STAMP)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/ruff check $(LINTED) book

format: $(STAMP)
	$(BIN)/ruff format $(LINTED)

clean:
	rm -rf _build .pytest_cache .hypothesis
