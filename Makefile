# scratchlearn: every target bootstraps .venv itself (Python 3.11 and make are all a
# fresh machine needs). `make help` lists the targets.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# Reinstall when the pins change.
INSTALLED := $(VENV)/.installed
NB ?= exercises
JOBS ?= 2

.PHONY: help venv book test test-fast lint unit notebooks lab serve exercises grade bench clean

help:
	@echo "make book       build the site into _build/html (fails on any warning or cell error)"
	@echo "make test       every test: lint, units, notebooks, exercises, grading, the site"
	@echo "make test-fast  lint and the fast unit tests (no notebooks, grading, site or slow training)"
	@echo "make lab        JupyterLab on the repository"
	@echo "make serve      serve _build/html on http://localhost:8000"
	@echo "make exercises  regenerate exercises/ from solutions/"
	@echo "make grade      grade every notebook in exercises/ (or NB=path/to/notebook.ipynb)"
	@echo "make bench      time scratchlearn against the reference libraries"
	@echo "make notebooks  re-execute the notebooks in book/ and solutions/, storing outputs"

$(INSTALLED): pyproject.toml .ci/constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip==25.3"
	$(PY) -m pip install --quiet -c .ci/constraints.txt -e ".[all]"
	@touch $@

venv: $(INSTALLED)

book: $(INSTALLED)
	$(PY) .ci/build_book.py

lint: $(INSTALLED)
	$(BIN)/ruff check src tests benchmarks .ci book/_ext
	$(BIN)/ruff format --check src tests benchmarks .ci book/_ext

# The site tests read the site that `make book` has just built.
# nbval (strict: every stored output compared) runs the notebooks of book/ and solutions/.
# One BLAS thread per process: pytest-xdist already runs $(JOBS) workers, and on 2
# cores extra BLAS threads on small matrices wait for each other (the deep-learning
# notebooks ran up to 5 times slower with them). Results are the same either way.
# Files are handed out slowest first (tests/schedule.py, from .ci/test_durations.json),
# not by their number of tests (xdist's default reorder), so that no long file is
# left running alone at the end.
test: lint book
	bash .ci/ensure-chromium
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(BIN)/pytest -n $(JOBS) --dist loadfile --no-loadscope-reorder -p no:cacheprovider \
		--nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
		--nbval-cell-timeout 300 tests book solutions

# The inner loop of a contributor: the unit tests of src/ (against the references),
# without executing notebooks, grading exercises, building the site or the few tests
# marked slow (training to a chapter's target; `make test` runs them).
test-fast: lint
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(BIN)/pytest -n $(JOBS) --dist loadfile --no-loadscope-reorder \
		-p no:cacheprovider -m "not slow" tests --ignore=tests/book --ignore=tests/grading

notebooks: $(INSTALLED)
	$(PY) .ci/execute_notebooks.py $(NOTEBOOKS)

lab: $(INSTALLED)
	$(BIN)/jupyter lab

serve:
	@test -d _build/html || $(MAKE) book
	$(PY) -m http.server --directory _build/html --bind 127.0.0.1 8000

exercises: $(INSTALLED)
	$(PY) -m scratchlearn.grading assign

grade: $(INSTALLED)
	$(PY) -m scratchlearn.grading grade --jobs $(JOBS) $(NB)

bench: $(INSTALLED)
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(PY) benchmarks/run.py

clean:
	rm -rf _build .pytest_cache
