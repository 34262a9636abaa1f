"""`tdkt report`: a self-contained HTML review of an output folder.

Per document: its normalized text with every extracted span highlighted by
kind (hover shows the normalized values), the tables with each row linking to
its span, and the checks with links to their spans; for the batch: the
findings and charts of award counts per unit and year. No network: CSS, JS and
SVG are inline, and every piece of document text is HTML-escaped.

Everything comes from the store `tdkt extract` filled: each document's
normalized text (the ``texts`` table, read with its rows; a store written
before texts were kept shows the rows without the text, and says so), the
mention tables and the ``checks`` table `tdkt check` writes. No source file is
read again; a document extract could not read (status error) is listed with
its error and nothing else. The page is written one document at a time, a
document's text is shown up to a bound (``--max-chars``), and above a few
hundred documents the sections go to pages ``report/0001.html`` ... linked
from the main page, so an archive's report stays within bounded memory and
each page within what a browser opens.

The page is written for officials: in Vietnamese (``--lang en`` for
English; the words are in ``i18n.py``, the names of tables, columns and
values come from ``pipeline.labels``, the workbook's labels), the summary
first with each file's status (read, needs OCR, error) and the totals, each
document's section collapsed until opened so that the page stays short, a
search box over every table on the page, sortable columns, status, kind and
severity filters, tables that wrap rather than run off a 1280 px screen, and
a print layout (no sidebar or toolbar, every section open, the documents'
texts left out unless asked for). The CSS and the small script are in
``assets.py``.
"""


def __getattr__(name):
    # the renderer (pandas, the audit modules) loads when it is used, not when
    # the CLI reads the defaults in .limits
    if name in ("build_report", "ReportError"):
        from . import render
        return getattr(render, name)
    raise AttributeError(name)
