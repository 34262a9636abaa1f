"""`tdkt extract PATH... --out DIR`: read reports and write the tables."""
from __future__ import annotations

import os
import sys

from . import (
    EXIT_INPUTS_FAILED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_USAGE,
    install_hint,
    list_failures,
    one_line,
    program_hint,
    say,
)


def run(args) -> int:
    from .. import batch
    problem = _unusable_output(args.out) or _nothing_to_read(args.paths, args.out)
    if problem:
        return _fail(problem)
    client = None
    if args.engine == "dask" and args.scheduler:
        client = _connect(args.scheduler)
        if isinstance(client, str):
            return _fail(client)
    try:
        summary = batch.run(args.paths, args.out, workers=args.workers, fresh=args.fresh, quiet=args.quiet,
                            engine=args.engine, scheduler=client or args.scheduler,
                            timeout=args.timeout if args.timeout and args.timeout > 0 else None,
                            max_memory_mb=args.max_memory if args.max_memory and args.max_memory > 0 else None,
                            shared_fs=args.shared_fs, ocr=getattr(args, "ocr", False),
                            follow_links=args.follow_links)
    except batch.OutputLocked as exc:
        print(f"tdkt extract: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except (ValueError, RuntimeError) as exc:      # OutputUnwritable included: disk full, read-only
        return _fail(str(exc))
    except (FileExistsError, NotADirectoryError) as exc:   # a file where a folder of --out should be
        return _fail(say("out_unusable", out=args.out, why=exc.strerror or exc))
    finally:
        if client is not None:
            client.close()
    if not args.quiet:
        _print_summary(summary, args.out)
    list_failures(summary.failures, args.out)          # errors are shown, --quiet or not
    if summary.errors and getattr(args, "fail_on", "error") != "none":
        return EXIT_INPUTS_FAILED
    return EXIT_OK


def _print_summary(summary, out: str) -> None:
    from ..labels import sheet_name
    from ..messages import default_lang, number
    lang = default_lang()
    extra = say("extract_duplicates", n=summary.duplicates) if summary.duplicates else ""
    rate = summary.bytes / 1e6 / summary.seconds if summary.seconds else 0.0
    print(say("extract_summary", documents=summary.documents, skipped=summary.skipped, extra=extra,
              seconds=f"{number(summary.seconds, lang, 1)} s", rate=number(rate, lang),
              reading=f"{number(summary.seconds_extracting, lang, 1)} s",
              tables=f"{number(summary.seconds_tables, lang, 1)} s", out=out))
    for name, n in summary.rows.items():
        print(say("extract_rows", name=sheet_name(name, lang=lang), n=n))
    print(say("extract_errors", n=summary.errors), flush=True)


def _fail(message: str) -> int:
    print(f"tdkt extract: {one_line(message, 500)}", file=sys.stderr)
    return EXIT_USAGE


def _unusable_output(out: str) -> str | None:
    """Why ``out`` cannot be the output folder, checked before anything is written."""
    if os.path.exists(out) and not os.path.isdir(out):
        return say("out_not_a_folder", out=out)
    return None


def _nothing_to_read(paths: list[str], out: str) -> str | None:
    """None when some path may hold a file to read; else one line saying why
    nothing can be read (then nothing is written, not even empty tables). Stops
    at the first file: the batch walks the folders again, in full, and accounts
    for every file it meets (read, or an errors row saying why not)."""
    skip = os.path.realpath(out)
    reasons = []
    for p in paths:
        if not os.path.lexists(p):
            reasons.append(say("no_such_path", path=p))
        elif not os.path.isdir(p) or _holds_a_file(p, skip):
            return None
        else:
            reasons.append(say("no_file_in", path=p))
    return say("nothing_to_read", why="; ".join(reasons))


def _holds_a_file(folder: str, skip: str) -> bool:
    """Whether a folder has a file below it, outside the output folder, other
    tdkt output folders and hidden files and folders (as batch.discover walks)."""
    from ..store import DB_NAME
    for top, dirs, files in os.walk(folder):
        if os.path.realpath(top) == skip or DB_NAME in files:
            dirs[:] = []
            continue
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        if any(not f.startswith(".") for f in files):
            return True
        if any(os.path.islink(os.path.join(top, d)) for d in dirs):
            return True      # the batch decides whether to follow it (or gives it an errors row)
    return False


def _connect(scheduler: str):
    """A client of the Dask scheduler, or one line saying why there is none."""
    try:
        from distributed import Client
    except ImportError:
        return say("dask_missing", hint=install_hint("dask"))
    try:
        return Client(scheduler)
    except Exception as exc:     # noqa: BLE001 - a wrong address, a refused or timed-out connection
        return say("scheduler_unreachable", address=scheduler, why=f"{type(exc).__name__}: {exc}")


def register(sub) -> None:
    from ..batch import DEFAULT_MAX_MEMORY_MB, DEFAULT_TIMEOUT, ENGINES
    from ..extract import specs
    from . import help_formatter
    tables = "; ".join(f"{name}: {s.about}" if s.about else name for name, s in specs().items())
    ex = sub.add_parser(
        "extract", help="read reports and write the tables", formatter_class=help_formatter(),
        description="Read files and folders (recursively: .txt, .docx, .pdf, .doc, .odt, .rtf, .html) and write "
                    f"the tables documents, errors and one per extractor: {tables}; and the "
                    "registry tables, to DIR as CSV (UTF-8 with BOM), Parquet, one Excel workbook "
                    "tables.xlsx and the SQLite database registry.sqlite. Documents already extracted "
                    "into DIR with the same rules are skipped; the tables cover every document in DIR. "
                    "Each document is stored whole as soon as it is read: a run that is stopped or "
                    "killed can be started again and finishes the job. A file that cannot be read, "
                    "or takes longer than --timeout, gets an errors row and the batch goes on.",
        epilog=say("extract_epilog"))
    ex.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to read")
    ex.add_argument("--out", required=True, metavar="DIR", help="output folder (created if missing)")
    ex.add_argument("--workers", type=int, default=None, metavar="N",
                    help="worker processes (default: all cores)")
    ex.add_argument("--engine", choices=ENGINES, default="local",
                    help="local: worker processes on this machine (default); serial: one file after the "
                         "other in this process, no time limit (debugging); dask: an existing Dask "
                         "distributed cluster (--scheduler; needs dask.distributed, the dask extra of tdkt)")
    ex.add_argument("--scheduler", metavar="ADDRESS",
                    help="the Dask scheduler for --engine dask, e.g. tcp://10.0.0.5:8786")
    ex.add_argument("--shared-fs", action="store_true",
                    help="with --engine dask: the cluster's workers read the files at the same paths "
                         "(a shared file system) instead of receiving their bytes from this machine")
    ex.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                    help=f"abandon a document that takes longer (an errors row; 0: no limit; "
                         f"default {DEFAULT_TIMEOUT:g})")
    ex.add_argument("--max-memory", type=float, default=DEFAULT_MAX_MEMORY_MB, metavar="MB",
                    help=f"abandon a document whose worker grows past this resident memory "
                         f"(0: no limit; default {DEFAULT_MAX_MEMORY_MB})")
    ex.add_argument("--ocr", action="store_true",
                    help="read scanned PDF pages (no text layer) with Tesseract OCR, Vietnamese; "
                         "needs " + program_hint("ocr-deps") + "; documents stored earlier as needs_ocr "
                         "are read again. OCR takes a few seconds a page: raise --timeout for long scans")
    ex.add_argument("--follow-links", action="store_true",
                    help="read what symbolic links inside the folders lead to outside them (by default such a "
                         "link gets an errors row and is not followed)")
    ex.add_argument("--fresh", action="store_true", help="forget what DIR already holds and start over")
    ex.add_argument("--fail-on", choices=("error", "none"), default="error",
                    help="error (default): exit with status 1 when a file of this run could not be read "
                         "(an errors row; a scan without --ocr too); none: exit 0 all the same")
    ex.add_argument("--quiet", action="store_true",
                    help="print nothing but errors (no progress: on a terminal a progress bar, "
                         "otherwise a log line every 10 s); the files that could not be read are still listed")
    ex.set_defaults(func=run)
