"""`tdkt report`: one self-contained HTML review page for an output folder.

Per document: its normalized text with every extracted span highlighted by
kind (hover shows the normalized values), the tables with each row linking to
its span, and the checks with links to their spans; for the batch: the
findings and charts of award counts per unit and year. No network: CSS, JS and
SVG are inline, and every piece of document text is HTML-escaped.

The normalized text is not in the store: it is recomputed here from each
document's source file (``normalize(read_source(path))``: ingest and normalize,
no extraction), and each row's text is compared with it before highlighting.
"""
from .render import build_report  # noqa: F401
