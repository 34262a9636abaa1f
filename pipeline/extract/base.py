"""What every extractor shares: the parsed document it reads and the spec it
declares.

An extractor is one module with a ``find(doc: ParsedDoc) -> list[record]``
function and a :class:`ExtractorSpec` naming its table, record type, rules
file and how it is shown. Everything that lists the tables (the store, the
table files, the workbook, the review page, the spaCy labels, the audit
tables, the benchmarks) reads the specs (:func:`specs`), so adding an
extractor is writing its module and registering its spec, nothing else.
"""
from __future__ import annotations

import functools
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import models
from ..models import NormalizedText
from ..segment import Segmented
from .parts.text import lowered


class TimeLimitExceeded(BaseException):
    """A document's time limit has passed. A BaseException, like
    KeyboardInterrupt: the guards that keep one failing field from costing
    the others (``except Exception``) must not swallow it."""

    def __init__(self, seconds: float):
        super().__init__(f"took longer than {seconds:g} s")
        self.seconds = seconds


@dataclass(frozen=True)
class Deadline:
    """When a document's extraction must stop. Checked between the stages and
    in the extractors' loops, by the code itself: no signal and no thread, so
    it works the same in any thread, on any platform, in a library or spaCy."""
    seconds: float
    end: float                     # on time.monotonic()'s clock

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(seconds, time.monotonic() + seconds)

    def check(self) -> None:
        if time.monotonic() > self.end:
            raise TimeLimitExceeded(self.seconds)


@dataclass
class ParsedDoc:
    """One document as the extractors read it: its normalized text, its
    sentences, and what has been worked out about it so far (each extractor's
    records, and ``cache``: per-document state an extractor keeps between its
    helpers, under a key of its own, never in a module global)."""
    doc_id: str
    norm: NormalizedText
    seg: Segmented
    found: dict = field(default_factory=dict, repr=False)   # extractor name -> its records
    deadline: Deadline | None = field(default=None, repr=False)
    cache: dict = field(default_factory=dict, repr=False)
    # the tables the reader found (models.Table), their spans in the normalized text
    tables: list = field(default_factory=list, repr=False)

    def check_time(self) -> None:
        """Raise TimeLimitExceeded once the document's time limit has passed
        (cheap: the extractors call it once per candidate)."""
        if self.deadline is not None:
            self.deadline.check()

    def once(self, name: str, find=None):
        """The records of one extractor, found once per document (the figures
        extractor reads the money and award spans the pipeline found already).
        ``find``: the function to run; by default the registered extractor's."""
        if name not in self.found:
            self.found[name] = (find or spec(name).find)(self)
        return self.found[name]

    @property
    def text(self) -> str:
        return self.norm.text

    @functools.cached_property
    def lower(self) -> str:
        """The text lower-cased, offset for offset (parts.text.lowered)."""
        return lowered(self.norm.text)

    def provenance(self, start: int, end: int) -> dict:
        """The provenance fields every mention record carries."""
        return dict(doc_id=self.doc_id, start=start, end=end, text=self.norm.text[start:end],
                    page=self.norm.page_of(start), sentence=self.seg.sentence_at(start).text)


@dataclass(frozen=True)
class ExtractorSpec:
    """An extractor, declared once: everything that lists tables reads this."""
    name: str                              # its table: "citations"
    record: type                           # its row type, a models.Mention subclass
    find: Callable[[ParsedDoc], list]      # the records of one document
    rules_file: str = ""                   # rules/<rules_file>.yaml, its vocabulary and named rules
    label: str = ""                        # the spaCy span label: "CITATION"
    color: str = "#e5e5e5"                 # its highlight in the review page and displaCy
    columns: tuple = ()                    # the normalized values shown (review page, annotate)
    needs: tuple = ()                      # extractors whose records it reads (run first)
    claims_numbers: bool = False           # a number inside its spans is not another figure
    facets: tuple = ()                     # columns `tdkt serve` offers as facets
    about: str = ""                        # one line for the help text

    def __post_init__(self):
        if not issubclass(self.record, models.Mention):
            raise TypeError(f"extractor {self.name!r}: its record type must extend models.Mention")
        if not self.label:
            object.__setattr__(self, "label", self.name.upper().rstrip("S") or self.name.upper())

    @property
    def kind(self) -> str:
        """The review page's CSS kind: the label in lower case (``citation``)."""
        return re.sub(r"[^a-z0-9_-]+", "-", self.label.lower())


# the modules of the built-in extractors, in the order their tables are listed
BUILTIN = ("citations", "movements", "money", "awards", "figures")
# more extractors: modules (each with a SPEC) named in this variable, comma-separated,
# and those installed packages declare under the entry-point group "tdkt.extractors";
# every process of a batch (workers, writers) reads the same, so all see the same tables
PLUGINS_ENV = "TDKT_EXTRACTORS"
ENTRY_POINTS = "tdkt.extractors"
_REGISTERED: dict[str, ExtractorSpec] = {}


def register(extractor: ExtractorSpec) -> ExtractorSpec:
    """Add an extractor in this process (a notebook, a test). For a batch,
    whose workers are other processes, name its module in TDKT_EXTRACTORS or
    install it under the entry-point group ``tdkt.extractors``. Registering a
    name again replaces it."""
    _REGISTERED[extractor.name] = extractor
    models.register_table(extractor.name, extractor.record)
    return extractor


def unregister(name: str) -> None:
    _REGISTERED.pop(name, None)
    models.unregister_table(name)


def _module_spec(module_name: str) -> ExtractorSpec:
    import importlib
    found = getattr(importlib.import_module(module_name), "SPEC", None)
    if not isinstance(found, ExtractorSpec):
        raise ValueError(f"extractor module {module_name!r} has no SPEC = ExtractorSpec(...)")
    return found


@functools.cache
def _loaded(plugin_modules: str) -> tuple:
    found = [_module_spec(f"{__package__}.{m}") for m in BUILTIN]
    found += [_module_spec(m.strip()) for m in plugin_modules.split(",") if m.strip()]
    found += [_entry_point_spec(ep) for ep in _entry_points()]
    for s in found:
        models.register_table(s.name, s.record)
    return tuple(found)


def _entry_points() -> list:
    from importlib.metadata import entry_points
    return list(entry_points(group=ENTRY_POINTS))


def _entry_point_spec(ep) -> ExtractorSpec:
    found = ep.load()
    return found if isinstance(found, ExtractorSpec) else _module_spec(ep.value.split(":")[0])


def specs() -> dict[str, ExtractorSpec]:
    """Every extractor by table name: the built-in ones, then those named in
    TDKT_EXTRACTORS or installed, then those registered here; in run order (an
    extractor after those it needs)."""
    return dict(_ordered(os.environ.get(PLUGINS_ENV, ""), tuple(_REGISTERED.values())))


@functools.lru_cache(maxsize=8)
def _ordered(plugin_modules: str, registered: tuple) -> tuple:
    # asked for per document and per row shown (labels, columns): ordered once
    # for each set of extractors, not on every call
    every = {s.name: s for s in _loaded(plugin_modules)}
    every.update({s.name: s for s in registered})
    return tuple(_in_run_order(every).items())


def _in_run_order(every: dict[str, ExtractorSpec]) -> dict[str, ExtractorSpec]:
    ordered: dict[str, ExtractorSpec] = {}

    def visit(name: str, path: tuple = ()) -> None:
        if name in ordered:
            return
        if name in path:
            raise ValueError(f"extractors need each other: {' -> '.join(path + (name,))}")
        for needed in every[name].needs:
            if needed not in every:
                raise ValueError(f"extractor {name!r} needs {needed!r}, which is not registered")
            visit(needed, path + (name,))
        ordered[name] = every[name]

    for name in every:
        visit(name)
    return ordered


def spec(name: str) -> ExtractorSpec:
    try:
        return specs()[name]
    except KeyError:
        raise KeyError(f"no extractor named {name!r}; there are {list(specs())}") from None
