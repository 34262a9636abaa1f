"""Stage 4: extractors, one module per table.

Each extractor module has a ``find(doc: ParsedDoc) -> list[record]`` function
that compiles its rules from ``rules/`` once and reads the normalized text and
its sentences, and declares its :class:`~.base.ExtractorSpec` (``SPEC``): its
table, record type, rules file and how it is shown. Everything that lists the
tables reads :func:`specs`; an extractor written outside the package joins
them with :func:`register`. The parts every extractor reads (dates, numbers,
issuers, Vietnamese text) are in ``parts/``.
"""
from __future__ import annotations

from .. import models
from .base import BUILTIN, Deadline, ExtractorSpec, ParsedDoc, TimeLimitExceeded, register, spec, specs, unregister

__all__ = ["BUILTIN", "Deadline", "ExtractorSpec", "ParsedDoc", "TimeLimitExceeded", "extractors", "register",
           "spec", "specs", "table_types", "unregister"]


def extractors() -> dict:
    """Each table's extractor, by name, in run order, each run once per document."""
    return {name: (lambda doc, s=s: doc.once(s.name, s.find)) for name, s in specs().items()}


def table_types() -> dict[str, type]:
    """The per-document tables and their row types: documents, each
    extractor's table, errors."""
    return {"documents": models.DocumentInfo, **{n: s.record for n, s in specs().items()},
            "errors": models.ErrorRow}
