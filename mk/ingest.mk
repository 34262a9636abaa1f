# Ingest: programs from Debian's packages that some input formats need, the
# renderings of the seeds in every input form, and the PDF reading benchmark.
#
#   make ocr-deps     tesseract + Vietnamese data   (scanned PDFs, `tdkt extract --ocr`)
#   make office-deps  LibreOffice Writer, headless  (.doc, .odt, .rtf)
#   make test-deps    both, when missing (CI machines are fresh; `make test` needs them)
#   make forms        regenerate corpus/rendered and corpus/forms from corpus/seeds
#   make bench-pdf    PDF pages per second: the pipeline's reader vs pdfplumber alone
#
# Each install target does nothing when the program is already there, runs
# `apt-get update` once before installing, and uses sudo only when not root.

SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_GET    := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get
APT_FLAGS  := -y -q --no-install-recommends

.PHONY: ocr-deps office-deps test-deps forms bench-pdf

# tesseract with its Vietnamese traineddata ("vie")
define NEED_OCR
! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -qx vie
endef
# LibreOffice's headless converter
define NEED_OFFICE
! command -v soffice >/dev/null 2>&1 && ! command -v libreoffice >/dev/null 2>&1
endef

ocr-deps:
	@if $(NEED_OCR); then \
	  echo "installing tesseract-ocr tesseract-ocr-vie"; \
	  $(APT_GET) update -q && $(APT_GET) install $(APT_FLAGS) tesseract-ocr tesseract-ocr-vie; \
	else echo "tesseract with Vietnamese data: already installed"; fi

office-deps:
	@if $(NEED_OFFICE); then \
	  echo "installing LibreOffice Writer (headless)"; \
	  $(APT_GET) update -q && \
	  { $(APT_GET) install $(APT_FLAGS) libreoffice-writer-nogui \
	    || $(APT_GET) install $(APT_FLAGS) libreoffice-writer; }; \
	else echo "LibreOffice: already installed"; fi

test-deps:
	@pkgs=""; \
	if $(NEED_OCR); then pkgs="$$pkgs tesseract-ocr tesseract-ocr-vie"; fi; \
	if $(NEED_OFFICE); then pkgs="$$pkgs libreoffice-writer-nogui"; fi; \
	if [ -n "$$pkgs" ]; then \
	  echo "installing$$pkgs"; \
	  $(APT_GET) update -q && $(APT_GET) install $(APT_FLAGS) $$pkgs; \
	else echo "test programs (tesseract, LibreOffice): already installed"; fi

# forms need LibreOffice for the .doc/.odt/.rtf renderings
forms: $(STAMP) office-deps
	$(PY) scripts/render_corpus.py

bench-pdf: $(STAMP)
	$(PY) bench/pdf_speed.py
