# make run   : set up .venv, extract every report in corpus/ into outputs/, print a summary
# make test  : set up .venv, lint (ruff, mypy) and run the test suite (what .ci/run calls)
# make lint  : just ruff on the code and mypy on pipeline/ (configured in pyproject.toml)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test lint corpus ocr-deps office-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/tdkt extract corpus --out outputs --fail-on none
	$(VENV)/bin/tdkt registry --out outputs --conflicts
	$(VENV)/bin/tdkt check --out outputs
	$(VENV)/bin/tdkt compare --out outputs --quiet
	$(VENV)/bin/tdkt report --out outputs
	@if [ -d ../shared/gold ]; then echo "Scores on the gold set (seeds):"; \
	  $(PY) ../shared/tools/score.py --gold ../shared/gold --pred outputs; fi

# the Debian programs some tests need (LibreOffice, Tesseract, Chromium) are
# installed first when missing, so a fresh machine and CI run every test
test: lint $(STAMP) test-deps browser-deps
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check pipeline tests bench scripts
	$(VENV)/bin/mypy pipeline

# regenerate the DOCX/PDF renderings of the seeds in corpus/rendered
corpus: $(STAMP)
	$(PY) scripts/render_corpus.py

clean:
	rm -rf $(VENV) outputs/*.csv outputs/*.parquet outputs/*.xlsx outputs/*.sqlite*

# Further targets (programs from Debian's packages, benchmarks, fuzzing) live
# in mk/*.mk, one file per concern.
-include mk/*.mk
