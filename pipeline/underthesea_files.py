"""What the pipeline takes from underthesea, read without importing the package.

The pipeline uses two things of underthesea: its Punkt-style sentence splitter
(pipeline/segment.py) and its dictionary, Viet74K (where an issuer's words end,
pipeline/extract/citations.py; OCR repair, pipeline/ingest/ocr_repair.py).
``import underthesea`` runs the package's ``__init__``, which imports joblib,
numpy and the code of every other tool it has: a quarter of a second in every
worker and in the parent. Both are read here from the installed package's
files instead; where a version of underthesea keeps them elsewhere, the package
is imported after all.
"""
from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path


@functools.lru_cache(maxsize=1)
def package_dir() -> Path | None:
    """The installed package's folder (found, not imported)."""
    spec = importlib.util.find_spec("underthesea")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


@functools.lru_cache(maxsize=1)
def sentence_splitter():
    """The module ``underthesea.pipeline.sent_tokenize``, run from its own file
    (it needs only the standard library and the parameters file beside it)."""
    folder = package_dir()
    path = folder / "pipeline" / "sent_tokenize" / "__init__.py" if folder else None
    if path is not None and path.is_file():
        name = "_tdkt_underthesea_sent_tokenize"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None    # (a .py file's spec always has its loader)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
            module.sent_tokenize  # noqa: B018 - the function the pipeline calls: an AttributeError if absent
            return module
        except Exception:                  # another layout: imports of its own package
            del sys.modules[name]
    from underthesea.pipeline import sent_tokenize
    return sent_tokenize


@functools.lru_cache(maxsize=1)
def dictionary_words() -> tuple[str, ...]:
    """The words of Viet74K.txt (one a line, stripped), read once; none when
    this underthesea has no such file."""
    folder = package_dir()
    path = folder / "corpus" / "data" / "Viet74K.txt" if folder else None
    try:
        lines = path.read_text(encoding="utf-8").splitlines() if path is not None else []
    except OSError:
        return ()
    return tuple(w for w in (line.strip() for line in lines) if w)
