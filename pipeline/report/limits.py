"""The bounds that keep `tdkt report` of an archive within memory and time,
and each page within what a browser opens (the CLI's defaults; no imports, so
the CLI reads them without loading the renderer)."""

MAX_CHARS = 200_000       # characters of a document's text shown (rows beyond: listed, not highlighted)
MAX_ROWS = 2_000          # rows of each table listed per document (every row is in the table's files)
PER_PAGE = 100            # documents per page when the sections are split into pages
ONE_PAGE = 200            # one page holds everything up to this many documents ...
PAGE_CHARS = 4_000_000    # ... and this much: text shown plus ROW_CHARS per row listed
ROW_CHARS = 300
MAX_CHECKS = 1_000        # findings listed on the main page (each document lists its own)
MAX_FAILED = 1_000        # documents not read listed on the main page (errors.csv has all)
MAX_CHARTS = 50           # units charted (those with the most award counts)
MAX_BARS = 40             # rows of one unit's chart
