# make run   : set up .venv, extract every report in corpus/ into outputs/, print a summary
# make test  : set up .venv and run the test suite (what .ci/run calls)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test corpus ocr-deps office-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/tdkt extract corpus --out outputs
	@if [ -d ../shared/gold ]; then echo "Scores on the gold set (seeds):"; \
	  $(PY) ../shared/tools/score.py --gold ../shared/gold --pred outputs; fi

test: $(STAMP)
	$(PY) -m pytest -q

# regenerate the DOCX/PDF renderings of the seeds in corpus/rendered
corpus: $(STAMP)
	$(PY) scripts/render_corpus.py

clean:
	rm -rf $(VENV) outputs/*.csv outputs/*.parquet outputs/*.xlsx outputs/*.sqlite*

# Further targets (programs from Debian's packages, benchmarks, fuzzing) live
# in mk/*.mk, one file per concern.
-include mk/*.mk
