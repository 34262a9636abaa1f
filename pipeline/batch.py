"""Run the pipeline over many files: discover, extract in parallel, store.

Each file is extracted by a pure function of its path (``extract_file``), so
the serial engine, the process pool and a cluster all produce the same rows.
Results are stored document by document as they arrive: nothing extracted is
lost when a later file fails.
"""
from __future__ import annotations

import hashlib
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, export, rules
from .api import extract_file
from .models import ErrorRow, ExtractionResult

SUPPORTED = {".txt", ".text", ".md", ".docx", ".pdf", ".doc", ".odt", ".rtf", ".html", ".htm"}


def discover(paths: list[str]) -> tuple[list[str], list[ErrorRow]]:
    """Files under the given paths (folders recursively, sorted); missing paths become errors."""
    files, errors = [], []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.is_file() and f.suffix.lower() in SUPPORTED and not f.name.startswith("."):
                    files.append(str(f))
        elif path.is_file():
            files.append(str(path))
        else:
            errors.append(ErrorRow(source_path=str(p), doc_id="", stage="ingest",
                                   error=f"no such file or folder: {p}"))
    return files, errors


def rules_version() -> str:
    """Changes whenever the code version or any rules file changes."""
    h = hashlib.sha256(__version__.encode())
    for name in rules.rule_files():
        h.update((rules.RULES_DIR / f"{name}.yaml").read_bytes())
    return h.hexdigest()[:12]


def _doc_id_of(path: str) -> str:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return ""
    return h.hexdigest()[:16]


@dataclass
class BatchSummary:
    documents: int = 0
    skipped: int = 0
    rows: dict = field(default_factory=dict)
    errors: int = 0
    seconds: float = 0.0


def _safe_extract(path: str) -> ExtractionResult:
    return extract_file(path)


def run(paths: list[str], out_dir: str, workers: int | None = None, fresh: bool = False,
        quiet: bool = False) -> BatchSummary:
    t0 = time.time()
    files, missing = discover(paths)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if fresh and (out / export.DB_NAME).exists():
        (out / export.DB_NAME).unlink()
    con = export.connect(out)
    version = rules_version()
    known = export.known_documents(con, version)
    todo = []
    summary = BatchSummary()
    for f in files:
        if _doc_id_of(f) in known:
            summary.skipped += 1
        else:
            todo.append(f)
    workers = workers or os.cpu_count() or 1
    results = _iter_results(todo, workers)
    for i, result in enumerate(results, 1):
        export.store(con, result, version)
        summary.documents += 1
        summary.errors += len(result.errors)
        if not quiet and (i % 50 == 0 or i == len(todo)):
            print(f"[tdkt] {i}/{len(todo)} files", file=sys.stderr)
    summary.errors += len(missing)
    _store_missing(con, missing)
    from . import registry
    registry.rebuild(con)
    summary.rows = export.write_files(con, out)
    con.close()
    summary.seconds = time.time() - t0
    return summary


def _store_missing(con, missing: list[ErrorRow]) -> None:
    with con:
        for e in missing:
            con.execute("DELETE FROM errors WHERE source_path = ? AND doc_id = ''", (e.source_path,))
            con.execute("INSERT INTO errors (source_path, doc_id, stage, error) VALUES (?, ?, ?, ?)",
                        (e.source_path, e.doc_id, e.stage, e.error))


def _iter_results(files: list[str], workers: int):
    if workers <= 1 or len(files) <= 1:
        for f in files:
            yield _safe_extract(f)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_safe_extract, files, chunksize=max(1, min(16, len(files) // (workers * 4) or 1)))
