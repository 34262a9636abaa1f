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
from .version import __version__ as __version__  # (the alias: a name the package exports, not in __all__)

# the names imported on first use, by the module that defines them: the batch
# parent and the file-writing helpers never extract and need not load the NLP
# stack (underthesea, its models) that the API imports
_FROM_API = frozenset({"extract_text", "extract_file", "extract_source", "check_text"})
_FROM_MODELS = frozenset({"ExtractionResult", "Citation", "Movement", "Money", "Award", "Figure", "Check",
                          "DocumentInfo"})

__all__ = [
    "extract_text", "extract_file", "extract_source", "annotate", "check_text",
    "ExtractionResult", "Citation", "Movement", "Money", "Award", "Figure", "Check", "DocumentInfo", "Mark",
]

TYPE_CHECKING = False   # (read by name by type checkers; the typing module is not imported)
if TYPE_CHECKING:  # what type checkers and IDEs see (py.typed)
    from .api import check_text, extract_file, extract_source, extract_text
    from .models import Award, Check, Citation, DocumentInfo, ExtractionResult, Figure, Money, Movement


def __getattr__(name):
    # each import written out (not computed from a name) so that the import graph sees it
    if name in _FROM_API:
        from . import api
        value = getattr(api, name)
    elif name in _FROM_MODELS:
        from . import models
        value = getattr(models, name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
