# Archive scale: benchmark and fuzzing (issue 4).
#   make bench        build the benchmark corpus once (bench/cache/, git-ignored) and measure
#                     tdkt extract: MB/s per core at 1x/4x/16x, memory per worker, 2 workers,
#                     floor and naive baselines, PDF pages/s vs pdfplumber, time per stage.
#                     BENCH_ARGS="--mb 12 --scales 1,4" for a quicker run; "--scales none --skip-pdf"
#                     for the archive sample alone. Each run is made again with the code of
#                     BENCH_AGAINST (default HEAD~1, when the history has it; BENCH_AGAINST= for
#                     none), checked out into a temporary git worktree, the two taking turns:
#                     both figures and their ratio.
#   make fuzz         fuzz pipeline.extract_text with atheris for FUZZ_SECONDS (default 60)
#                     and report what it found (bench/cache/fuzz/).
#   make test-fast    the test suite without the tests marked slow
#   make soak         the whole real archive (../shared/archive) through extract, registry,
#                     check, compare and report: files accounted for, errors by reason, time
#                     and peak memory per command (bench/cache/soak.md); not part of make test
BENCH_ARGS   ?= --profile
BENCH_AGAINST ?= $(shell git rev-parse -q --verify HEAD~1 >/dev/null 2>&1 && echo HEAD~1)
FUZZ_SECONDS ?= 60

.PHONY: bench bench-corpus fuzz test-fast soak

bench-corpus: $(STAMP)
	$(PY) bench/build_corpus.py

bench: $(STAMP)
	$(PY) bench/bench.py $(BENCH_ARGS) $(if $(BENCH_AGAINST),--against $(BENCH_AGAINST))

fuzz: $(STAMP)
	@$(PY) -c "import atheris" 2>/dev/null || $(PY) -m pip install --quiet atheris
	$(PY) scripts/fuzz.py --seconds $(FUZZ_SECONDS)

test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not slow"

soak: $(STAMP)
	$(PY) bench/soak.py

# Issue 16: the simulated national archive (bench/national.py: ../shared/archive copied with other
# serials, years, amounts and provinces, cached in bench/cache/national/) at 1x, 4x and 10x, and
# time, time per document and peak memory of extract, registry, check, compare and report at each
# size, with the 10x/1x ratios against the targets (bench/bench_scale.py; bench/cache/scale.md).
#   make bench-scale                                        every size, every command
#   make bench-scale SCALE_ARGS="--sizes 1,4"               the smaller sizes
#   make bench-scale SCALE_ARGS="--reuse --commands registry,check,compare,report"
#                                                           keep the extractions, rerun what follows
SCALE_ARGS ?= --sizes 1,4,10

.PHONY: bench-scale

bench-scale: $(STAMP)
	$(PY) bench/bench_scale.py $(SCALE_ARGS)
