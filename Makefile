# K-Means from Scratch: every command a reader, author or CI needs.
#   make book     build the website strictly (executes every notebook)
#   make pdf      the whole book as one PDF (XeLaTeX; installs TeX Live when missing)
#   make test     unit tests + nbval (strict) over every notebook
#   make execute  re-execute the notebooks in place (authors, before committing)
#   make notebooks      write the learner notebooks (notebooks/) from book/ (commit them)
#   make learner-test   run every learner notebook in a fresh venv holding only binder/requirements.txt
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

.PHONY: all venv book book-student test unit execute notebooks learner-test bench lint format site-test clean

all: test book

# The virtualenv is rebuilt whenever the pins (or kmlib's packaging) change.
$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

venv: $(STAMP)

book: $(STAMP)
	$(BIN)/python tools/intro_figure.py
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "The book is at: file://$(CURDIR)/_build/html/index.html"

# Student edition: the same book without the solutions (sphinx-exercise's
# hide_solutions, made to work for gated solutions by book/_ext/hide_gated_solutions.py),
# no copied .ipynb sources (they contain the solutions); its buttons offer the learner notebooks.
book-student: $(STAMP)
	$(BIN)/python tools/student_config.py
	$(BIN)/jupyter-book build . -W -n --keep-going --config _build/_config_student.yml --path-output _build/student
	@echo "The student edition is at: file://$(CURDIR)/_build/student/_build/html/index.html"

# The whole book as one PDF: Jupyter Book's LaTeX builder, XeLaTeX from Debian's TeX Live
# (installed when missing, as .ci/run installs Chromium), animations and widgets as stills
# (book/_ext/pdf_stills.py). The PDF is copied into the website (the intro links to it) and
# opened by tests/test_pdf.py.
PDF      := _build/latex/kmeans-from-scratch.pdf
PDF_APT  := texlive-xetex texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended \
            fonts-freefont-otf latexmk xindy poppler-utils
.PHONY: pdf
pdf: $(STAMP)
	@missing=$$(dpkg-query -W -f='$${db:Status-Status} $${Package}\n' $(PDF_APT) 2>&1 | grep -v '^installed ' || true); \
	if [ -n "$$missing" ]; then \
	    echo "== installing TeX Live for the PDF: $(PDF_APT)"; \
	    sudo=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq \
	        --no-install-recommends $(PDF_APT) >/dev/null; \
	fi
	rm -f $(PDF)
	$(BIN)/python tools/intro_figure.py
	$(BIN)/jupyter-book build . --builder pdflatex -W -n --keep-going </dev/null
	@test -s $(PDF) || { echo "no PDF at $(PDF)"; exit 1; }
	mkdir -p _build/html/_static && cp $(PDF) _build/html/_static/
	KMLIB_REQUIRE_PDF=1 $(BIN)/python -m pytest tests/test_pdf.py -q -p no:xdist
	@echo "The PDF is at: $(CURDIR)/$(PDF)"

# Unit tests, kmlib's docstring examples (--doctest-modules) and every notebook (nbval).
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile tests book kmlib --doctest-modules \
	    --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

unit: $(STAMP)
	$(BIN)/python -m pytest tests

# Checks on the built website (run after `make book`; CI requires the site):
# static checks, then a real browser (Chromium, network blocked); screenshots in _build/screenshots/.
site-test: $(STAMP)
	KMLIB_REQUIRE_SITE=1 $(BIN)/python -m pytest tests/test_site.py tests/test_browser.py \
	    tests/test_legibility.py tests/test_learner_buttons.py
	KMLIB_REQUIRE_SITE=1 $(BIN)/python -m pytest tests/test_widgets_browser.py -k built_chapters

execute: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py book/*.ipynb

# Learner notebooks: plain Markdown, an install cell, starter + selfcheck cells, no solutions
# and no check cells (tools/make_notebooks.py). tests/test_learner_notebooks.py fails when
# they are out of date.
notebooks: $(STAMP)
	$(BIN)/python tools/make_notebooks.py

# Every learner notebook, top to bottom, in a fresh virtualenv with only the runtime set
# (binder/requirements.txt, kmlib from its wheel) and no network for the kernel.
learner-test: $(STAMP)
	$(BIN)/python tools/learner_test.py

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/silhouette_bench.py
	$(BIN)/python benchmarks/dbscan_bench.py
	$(BIN)/python benchmarks/quantize_bench.py
	$(BIN)/python benchmarks/seeding_bench.py
	$(BIN)/python benchmarks/scale_bench.py

# ruff's formatter (checked; `make format` applies it) and linter, notebooks included.
LINTED := kmlib tests benchmarks tools conftest.py
lint: $(STAMP)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/ruff check $(LINTED) book

format: $(STAMP)
	$(BIN)/ruff format $(LINTED)

clean:
	rm -rf _build .pytest_cache .hypothesis
