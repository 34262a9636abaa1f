"""tdkt: tables from Vietnamese reports on thi đua, khen thưởng.

The public API, on one screen (eyecite's verbs: extract, annotate, check):

>>> from pipeline import extract_text, annotate, check_text
>>> text = "Năm 2022 đã chi trên 14 triệu đồng khen thưởng 21 tập thể theo Chỉ thị số 12/CT-UBND ngày 29/12/2021."
>>> result = extract_text(text)
>>> [(c.number, c.issued_date) for c in result.citations]
[('12/CT-UBND', '2021-12-29')]
>>> [(m.text, m.amount_vnd, m.qualifier) for m in result.money]
[('trên 14 triệu đồng', 14000000, 'over')]
>>> annotate(text, tables=["money"], before=lambda m: "[", after=lambda m: "]")
'Năm 2022 đã chi [trên 14 triệu đồng] khen thưởng 21 tập thể theo Chỉ thị số 12/CT-UBND ngày 29/12/2021.'
>>> check_text(text)
[]

- :func:`extract_text` (a string) and :func:`extract_file` (a path) return an
  :class:`ExtractionResult` with typed records: :class:`Citation`,
  :class:`Movement`, :class:`Money`, :class:`Award`, :class:`Figure`;
- :func:`annotate` returns the text as HTML with each mention a ``<mark>``
  carrying its values (or your own markup around each :class:`Mark`);
- :func:`check_text` returns the auditor's findings on a string, as
  :class:`Check` records.

The package imports nothing heavy: the extraction stack (underthesea, numpy,
the rules) loads on the first extraction.
"""
# `annotate` is both this function and the module pipeline/annotate.py: bound
# here, after the module's import, so `pipeline.annotate` is always the function
# (the module imports only the standard library; `from pipeline.annotate import
# Mark` still reaches the module)
from .annotate import Mark, annotate

__version__ = "0.1.0"

# name -> the module that defines it, imported on first use: the batch parent
# and the file-writing helpers never extract and need not load the NLP stack
# (underthesea, its models) that the API imports
_LAZY = {
    "extract_text": "api", "extract_file": "api", "extract_source": "api", "check_text": "api",
    "ExtractionResult": "models", "Citation": "models", "Movement": "models", "Money": "models",
    "Award": "models", "Figure": "models", "Check": "models", "DocumentInfo": "models",
}

__all__ = [
    "extract_text", "extract_file", "extract_source", "annotate", "check_text",
    "ExtractionResult", "Citation", "Movement", "Money", "Award", "Figure", "Check", "DocumentInfo", "Mark",
]

TYPE_CHECKING = False   # (read by name by type checkers; the typing module is not imported)
if TYPE_CHECKING:  # what type checkers and IDEs see (py.typed)
    from .api import check_text, extract_file, extract_source, extract_text
    from .models import Award, Check, Citation, DocumentInfo, ExtractionResult, Figure, Money, Movement


def __getattr__(name):
    module = _LAZY.get(name)
    if module is not None:
        import importlib
        value = getattr(importlib.import_module(f".{module}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
