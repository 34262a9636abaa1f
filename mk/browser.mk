# Headless Chromium for the review page's browser test (tests/test_report.py).
# Debian's chromium package; the test drives /usr/bin/chromium with --headless
# and downloads nothing at run time.
#   make browser-deps   install it (root, or sudo when there is one)
#   make browser-test   run only the browser tests (the review page, `tdkt serve`)
#   make serve          browse outputs/ (after `make run`) in Datasette: `tdkt serve`
#                       on http://127.0.0.1:$(SERVE_PORT)/registry; SERVE_OUT=DIR for another folder
CHROMIUM ?= $(shell command -v chromium 2>/dev/null || command -v chromium-browser 2>/dev/null)
SUDO     := $(shell [ "$$(id -u)" = 0 ] || command -v sudo 2>/dev/null)
SERVE_OUT  ?= outputs
SERVE_PORT ?= 8001

.PHONY: browser-deps browser-test serve

browser-deps:
	@if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then \
	  echo "chromium: $$(command -v chromium || command -v chromium-browser)"; \
	else \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	    chromium fonts-dejavu-core >/dev/null && \
	  echo "chromium: $$(command -v chromium)"; \
	fi

browser-test: $(STAMP) browser-deps
	$(PY) -m pytest -q tests/test_report.py tests/test_report_ui.py tests/test_serve.py

serve: $(STAMP)
	@$(PY) -c "import datasette" 2>/dev/null || $(PY) -m pip install --quiet -e '.[serve]'
	$(VENV)/bin/tdkt serve --out $(SERVE_OUT) --port $(SERVE_PORT)
