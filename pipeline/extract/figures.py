"""Other quantitative claims (table: figures). Stub: filled by the auditor's toolkit."""
from . import ParsedDoc


def find(doc: ParsedDoc) -> list:
    return []
