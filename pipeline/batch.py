"""Run the pipeline over many files: discover, extract in parallel, store.

Every engine runs the same per-file function, :func:`process_file` (a pure
function of the file's path and bytes), so the serial engine, the local pool
and a Dask cluster produce the same rows:

``local`` (default)
    one worker process per core (``workers``). Each worker is a long-lived
    ``python -m pipeline.batch --worker`` process fed one file at a time over a
    pipe, so the parent can abandon a document that runs past ``timeout``
    seconds (or past ``max_memory_mb``) by killing its worker: the document gets
    an ``errors`` row and a fresh worker takes the next file. A worker that dies
    (a crash in a C library, the OOM killer) costs one ``errors`` row, never the
    batch; one that has read ``max_tasks`` documents, or whose memory has grown by
    ``RECYCLE_GROWTH_MB``, is replaced (memory stays flat).
``serial``
    every file in this process, one after the other (debugging): no worker to
    kill, so neither ``timeout`` nor ``max_memory_mb`` holds, only the extraction's
    own time limit (``TDKT_TIME_LIMIT``), which does not count the reading.
``dask``
    the files are sent to an existing Dask distributed cluster
    (``scheduler="tcp://host:8786"``, or a ``distributed.Client``); on each Dask
    worker thread the file runs in the same kind of worker process as ``local``,
    so the time limit holds there too. By default the client reads each file and
    ships its bytes (the cluster needs no access to the files); with
    ``shared_fs=True`` the workers read the paths themselves.

Results are stored document by document as they arrive, each in one SQLite
transaction (:func:`store.store_document`): a batch killed at any point and run again
skips what was stored and ends with exactly the tables of an uninterrupted run.
A lock file in the output folder keeps a second run from writing to it at the
same time (:class:`OutputLocked`). After the last document the registry is
rebuilt and the table files are written (:mod:`pipeline.export`).
"""
from __future__ import annotations

import collections
import errno
import hashlib
import os
import pickle
import selectors
import signal
import sqlite3
import stat
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from . import export, processes, rules, store
from .ingest.common import ARCHIVES, FORMATS
from .models import DocumentInfo, ErrorRow, ExtractionResult
from .progress import Progress
from .version import __version__

ENGINES = ("local", "serial", "dask")
DEFAULT_TIMEOUT = 120.0          # seconds one document may take
DEFAULT_MAX_MEMORY_MB = 2048     # resident memory one worker may use (a real document needs well under 1 GB)
MEMORY_POLL = 0.1                # seconds between reads of a busy worker's memory
DEFAULT_MAX_TASKS = 10_000       # documents a worker reads before it is replaced, at most
# a worker is replaced sooner when its memory has grown this much since it was ready
# (memory stays flat: ~80 MB over 4,000 archive documents); a new one costs ~0.7 s of
# imports and warm-up, which replacing every 1,000 documents added to each 15 MB
RECYCLE_GROWTH_MB = 300
LOCK_NAME = ".tdkt.lock"
WORKER_START_TIMEOUT = 300.0     # seconds a new worker may take to import and warm up


class OutputLocked(RuntimeError):
    """Another run is writing to the output folder."""


# ----------------------------------------------------------------- discovery

def discover(paths: list[str], exclude: list[str] | None = None,
             follow_links: bool = False) -> tuple[list[str], list[ErrorRow]]:
    """Files under the given paths (folders recursively, sorted) and the errors
    rows of what cannot be read as a file: missing paths, FIFOs, devices and
    sockets, broken links and link loops, and (unless ``follow_links``) links
    that lead out of the folder given. Nothing under a folder of ``exclude``
    (the output folder) or under another tdkt output folder is read.

    Every file is accounted for: a file of a kind that is not read (``.xlsx``,
    no extension) is an errors row, from its name alone (nothing is read).
    A ``.zip`` stands for the files inside it, listed as virtual paths
    ``.../a.zip/inner/path.docx`` (``ingest.zip_reader``: what inside it is not
    read is an errors row of its own). Hidden files and folders (a name
    starting with ".") are OS junk and skipped without a row."""
    files: list[str] = []
    errors: list[ErrorRow] = []
    skip = {os.path.realpath(p) for p in exclude or []}
    for p in paths:
        if not os.path.lexists(p):
            errors.append(_input_error(p, f"no such file or folder: {p}"))
        elif os.path.isdir(p):
            _walk(p, os.path.realpath(p), skip, follow_links, files, errors)
        else:
            _add_file(p, files, errors)          # named by the user: a link is followed
    return files, errors


def _input_error(path: str, why: str) -> ErrorRow:
    return ErrorRow(source_path=path, doc_id="", stage="ingest", error=why)


def _is_output_folder(real: str, skip: set[str]) -> bool:
    return real in skip or os.path.exists(os.path.join(real, store.DB_NAME))


def _walk(top: str, root: str, skip: set[str], follow_links: bool, files: list, errors: list) -> None:
    """Depth-first over ``top`` in name order; ``root``: the real path of the
    folder the user gave (links must stay inside it unless followed)."""
    seen_dirs = {os.path.realpath(top)}
    stack = [top]
    while stack:
        folder = stack.pop()
        if _is_output_folder(os.path.realpath(folder), skip):
            continue
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name, reverse=True)
        except OSError as exc:
            errors.append(_input_error(folder, f"cannot list folder: {exc.strerror or exc}"))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            target = _link_target(entry, root, follow_links, errors)
            if target is None:
                continue
            if entry.is_dir():                   # follows a link that passed the checks
                if target not in seen_dirs:      # a loop of links is walked once
                    seen_dirs.add(target)
                    stack.append(entry.path)
            else:
                _add_file(entry.path, files, errors)
    files.sort()


def _link_target(entry: os.DirEntry, root: str, follow_links: bool, errors: list) -> str | None:
    """The real path of a folder entry, or None (with an errors row for a link
    that is broken, loops, or leads out of the folder given to anything but a
    report file). A folder of links to reports kept elsewhere is how an archive
    stages a selection: those are read. A link out of the folder to a folder, or
    to a file whose own name is no report's (`x.txt -> /etc/passwd`), is not,
    unless ``follow_links``."""
    real = os.path.realpath(entry.path)
    if not entry.is_symlink():
        return real
    if not os.path.exists(entry.path):
        try:
            os.stat(entry.path)
            why = "broken symbolic link"
        except OSError as exc:
            why = "symbolic link loop" if exc.errno == errno.ELOOP else "broken symbolic link"
        errors.append(_input_error(entry.path, f"not read: {why}"))
        return None
    if not follow_links and os.path.commonpath([real, root]) != root and not _is_report_file(real):
        errors.append(_input_error(entry.path, "not read: a symbolic link leading out of the folder given to "
                                               "a folder or a file that is no report (--follow-links reads it)"))
        return None
    return real


def _is_report_file(real: str) -> bool:
    """A regular file whose own name (not the link's) has a kind the batch reads."""
    ext = os.path.splitext(real)[1].lower()
    return os.path.isfile(real) and (ext in FORMATS or ext in ARCHIVES)


_NOT_A_FILE = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
               (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def _add_file(path: str, files: list, errors: list) -> None:
    """A regular file of a kind that is read joins the batch, the files inside
    a zip archive too; anything else is an errors row (reading a FIFO or
    /dev/zero would block or never end; another kind is named from its
    extension, unread)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        why = "symbolic link loop" if exc.errno == errno.ELOOP else (exc.strerror or str(exc))
        errors.append(_input_error(path, f"cannot open file: {why}"))
        return
    if stat.S_ISREG(mode):
        ext = os.path.splitext(path)[1].lower()
        if ext in FORMATS:             # the ingest's one list of what is read as a document
            files.append(path)
        elif ext in ARCHIVES:
            from .ingest import zip_reader
            inside, problems = zip_reader.list_archive(path)
            files.extend(inside)
            errors.extend(_input_error(p, why) for p, why in problems)
        else:
            from .ingest import unsupported_message
            errors.append(_input_error(path, unsupported_message(path)))
        return
    kind = next((what for test, what in _NOT_A_FILE if test(mode)), "not a regular file")
    errors.append(_input_error(path, f"not read: {kind}, not a regular file"))


def rules_version() -> str:
    """Changes whenever the code version, the package's code or any rules file
    changes: a store extracted by another build is read again, not kept."""
    h = hashlib.sha256(__version__.encode())
    for name in rules.rule_files():          # where the extractors read them (rules.RULES_DIR)
        h.update(rules.rule_bytes(name))
    package = Path(__file__).resolve().parent
    for source in sorted(package.rglob("*.py")):
        h.update(source.relative_to(package).as_posix().encode())
        h.update(source.read_bytes())
    return h.hexdigest()[:12]


def _doc_id_of(path: str) -> str:
    """The doc_id of a file on disk or inside a zip archive ("" when unreadable)."""
    from .ingest.zip_reader import open_input
    h = hashlib.sha256()
    try:
        with open_input(path) as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    except Exception:                 # OSError, a damaged zip archive
        return ""
    return h.hexdigest()[:16]


def _size_of(path: str) -> int:
    from .ingest.zip_reader import size_of
    return size_of(path)


# ----------------------------------------------------------------- the per-file function

def process_file(path: str, data: bytes | None = None, ocr: bool | None = None) -> ExtractionResult:
    """Extract one file: the function every engine runs.

    With ``data`` the file's bytes come from the caller (a cluster worker that
    cannot see the path); the records still name ``path``. A virtual path
    ``.../a.zip/inner/x.docx`` (see :func:`discover`) is read from the archive
    and goes the same way. Never raises for a bad file. The normalized text
    is dropped (it is not stored). ``ocr``: read scanned PDF pages and images
    with Tesseract (None: the ``TDKT_OCR=1`` environment variable, which is how
    worker processes get it)."""
    from .api import extract_file  # here: the parent of the worker processes does not extract
    if ocr is None:
        ocr = os.environ.get("TDKT_OCR") == "1"
    if data is None:
        from .ingest import zip_reader
        if zip_reader.is_member(path):
            try:
                data = zip_reader.read_member(path)
            except zip_reader.ZipProblem as exc:
                return failed_result(path, str(exc), stage="ingest")
    if data is None:
        result = extract_file(path, ocr=ocr)
    else:
        with tempfile.TemporaryDirectory(prefix="tdkt-") as tmp:
            name = os.path.basename(path) or "file"
            if len(os.fsencode(name)) > 200:         # a long name inside a zip archive: the extension will do
                name = "file" + os.path.splitext(name)[1][:20]
            local = os.path.join(tmp, name)
            with open(local, "wb") as f:
                f.write(data)
            result = extract_file(local, ocr=ocr)
        result.document.source_path = path
        for e in result.errors:
            e.source_path = path
    doc = result.document
    if doc.status == "ok" and doc.error and not result.errors:
        # read only in part (bytes replaced, pages skipped, no text): the file is in
        # errors.csv too, with the reason, and its rows are kept
        result.errors.append(ErrorRow(path, doc.doc_id, "ingest", doc.error))
    # the text goes to the store compressed (the report shows it), compressed here in the worker
    result.text_zlib = zlib.compress(result.normalized_text.encode("utf-8"), 1) if result.normalized_text else b""
    result.normalized_text = ""
    return result


def failed_result(path: str, reason: str, stage: str = "batch", doc_id: str = "") -> ExtractionResult:
    """The rows of a document that could not be processed at all."""
    from .ingest.common import doc_id_of, format_of, one_line
    doc_id = doc_id or _doc_id_of(path) or doc_id_of(path.encode("utf-8", "surrogateescape"))
    reason = one_line(reason)
    doc = DocumentInfo(doc_id=doc_id, source_path=path, format=format_of(path), status="error",
                       error=reason)
    return ExtractionResult(document=doc, errors=[ErrorRow(path, doc_id, stage, reason)])


# ----------------------------------------------------------------- worker processes

_HEADER = struct.Struct("!Q")


def _send(stream, obj) -> None:
    payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(payload)))
    stream.write(payload)
    stream.flush()


def _read_exact(stream, n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            raise EOFError("worker pipe closed")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _recv(stream):
    (n,) = _HEADER.unpack(_read_exact(stream, _HEADER.size))
    return pickle.loads(_read_exact(stream, n))


def _worker_main() -> int:
    """``python -m pipeline.batch --worker``: read (task, path, data) frames on
    stdin, answer (task, result) frames on the original stdout."""
    if not processes.die_with_parent():
        return 0
    signal.signal(signal.SIGINT, signal.SIG_IGN)      # the parent decides when to stop
    proto_in = sys.stdin.buffer
    proto_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)                                      # stray prints go to stderr, not the protocol
    from .api import extract_text
    try:
        rules.prepare()         # (the parent only loaded the rules files: a pattern that does not compile is told here)
    except rules.RuleError as exc:
        _send(proto_out, ("rules", str(exc)))
        return 2
    extract_text("Thực hiện Chỉ thị số 12/CT-UBND ngày 29/12/2021 của Chủ tịch UBND tỉnh, "
                 "21 tập thể được tặng Bằng khen, trên 14 triệu đồng.")   # load rules and models now
    _send(proto_out, ("ready", os.getpid()))
    while True:
        try:
            task, path, data = _recv(proto_in)
        except EOFError:
            return 0
        try:
            result = process_file(path, data)
        except BaseException as exc:           # noqa: BLE001 - a worker never dies of a document
            result = failed_result(path, f"{type(exc).__name__}: {exc}")
        try:
            _send(proto_out, (task, result))
        except BrokenPipeError:
            return 0


class Worker:
    """One worker process: start it, give it files, kill it when it overruns."""

    def __init__(self, ocr: bool = False, timeout: float | None = None):
        env = dict(os.environ)
        env["TDKT_OCR"] = "1" if ocr else "0"      # read by process_file in the worker
        # the office converter's own limit stays below this one (ingest.office_reader)
        env["TDKT_DOC_TIMEOUT"] = f"{timeout:g}" if timeout else "0"
        # the extraction's own cap (api.time_limit_seconds) is the batch's: this
        # process's watch over the worker, which counts the reading too, decides
        env["TDKT_TIME_LIMIT"] = f"{timeout:g}" if timeout else "0"
        self.ocr = ocr
        self.timeout = timeout
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - the worker's stderr while it lives (closed by kill)
        self.proc = processes.start_python_module("pipeline.batch", "--worker", env=env, stdin=subprocess.PIPE,
                                                  stdout=subprocess.PIPE, stderr=self._log, close_fds=True)
        self.ready = False
        self.started = time.monotonic()
        self.task: tuple | None = None      # (task_id, path) being read
        self.task_started = 0.0
        self.done = 0
        self.ready_mb = 0.0         # resident memory when it was ready

    @property
    def fd(self):
        return self.proc.stdout

    def submit(self, task_id, path: str, data: bytes | None = None) -> None:
        self.task = (task_id, path)
        self.task_started = time.monotonic()
        _send(self.proc.stdin, (task_id, path, data))

    def receive(self):
        """The next frame; raises EOFError when the worker died."""
        msg = _recv(self.proc.stdout)
        if msg[0] == "rules":
            raise rules.RuleError(msg[1])        # the rules do not compile: the batch stops
        if msg[0] == "ready":
            self.ready = True
            self.ready_mb = self.rss_mb()
            return None
        self.task = None
        self.done += 1
        return msg

    def wait_ready(self, timeout: float = WORKER_START_TIMEOUT) -> None:
        import select
        while not self.ready:
            left = self.started + timeout - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                self.kill()
                raise RuntimeError("a worker process did not start in time")
            try:
                self.receive()
            except EOFError:
                raise RuntimeError(f"a worker process failed to start: {self.why_dead()}") from None

    def why_dead(self) -> str:
        code = self.proc.wait(timeout=5) if self.proc.poll() is None else self.proc.returncode
        tail = ""
        try:
            self._log.seek(0)
            lines = [ln for ln in self._log.read().decode("utf-8", "replace").splitlines() if ln.strip()]
            tail = lines[-1].strip() if lines else ""
        except (OSError, ValueError):
            pass
        return processes.exit_reason(code) + (f" ({tail[:200]})" if tail else "")

    def rss_mb(self) -> float:
        return processes.resident_mb(self.proc.pid)

    def worn_out(self, max_tasks: int | None) -> bool:
        """Time to replace it by a fresh one (between documents): it has read
        ``max_tasks`` documents, or its memory has grown by RECYCLE_GROWTH_MB."""
        return bool(max_tasks and self.done >= max_tasks) or self.rss_mb() - self.ready_mb > RECYCLE_GROWTH_MB

    def kill(self) -> None:
        processes.end(self.proc)
        self._log.close()
        # what a killed worker's office conversion left (soffice processes, temp folders)
        from .ingest.office_reader import cleanup_after_worker
        cleanup_after_worker(self.proc.pid)

    def close(self) -> None:
        """Let the worker finish (EOF on its input), kill it if it lingers."""
        try:
            if self.proc.stdin is not None:     # (always: the worker reads a pipe)
                self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            pass
        self.kill()

    def run_one(self, path: str, data: bytes | None, timeout: float | None,
                max_memory_mb: float | None = None) -> ExtractionResult:
        """Synchronously read one file with the limits (used on Dask workers).
        Raises _Overrun when the worker had to be killed (it is dead then)."""
        import select
        self.wait_ready()
        self.submit(0, path, data)
        while True:
            wait = 0.5
            if timeout:
                wait = min(wait, max(0.0, self.task_started + timeout - time.monotonic()))
            if select.select([self.fd], [], [], wait)[0]:
                try:
                    return self.receive()[1]
                except EOFError:
                    raise _Overrun(failed_result(path, f"the worker process died while reading this file "
                                                       f"({self.why_dead()})", stage="crash")) from None
            overrun = _overrun_reason(self, timeout, max_memory_mb)
            if overrun:
                self.kill()
                raise _Overrun(failed_result(path, overrun[1], stage=overrun[0]))


class _Overrun(Exception):
    def __init__(self, result: ExtractionResult):
        super().__init__(result.document.error)
        self.result = result


def _overrun_reason(w: Worker, timeout: float | None, max_memory_mb: float | None):
    if w.task is None:
        return None
    if timeout and time.monotonic() - w.task_started > timeout:
        return "timeout", f"abandoned: took longer than {timeout:g} s (time limit per document, --timeout)"
    if max_memory_mb:
        rss = w.rss_mb()
        if rss > max_memory_mb:
            return "memory", (f"abandoned: the worker used {rss:.0f} MB, more than {max_memory_mb:g} MB "
                              f"(memory limit per worker, --max-memory)")
    return None


_on_submit = None      # tests: called with (worker pid, path) as each file is handed out


def _local_results(files: list[str], workers: int, timeout: float | None, max_memory_mb: float | None,
                   max_tasks: int | None, ocr: bool = False, started: list[Worker] | None = None):
    """Yield (path, result) as the worker processes finish files (in no set order).
    ``started``: workers started earlier (still warming up), used first."""
    pending = collections.deque(enumerate(files))
    paths = dict(enumerate(files))
    sel = selectors.DefaultSelector()
    pool: list[Worker] = []
    failures_in_a_row = 0
    early = list(started or [])

    def start():
        w = early.pop() if early else Worker(ocr, timeout)
        pool.append(w)
        sel.register(w.fd, selectors.EVENT_READ, w)

    def retire(w: Worker, graceful: bool = False):
        sel.unregister(w.fd)
        pool.remove(w)
        w.close() if graceful else w.kill()

    def give_next(w: Worker) -> None:
        if w.ready and w.task is None and pending:
            task_id, path = pending.popleft()
            if _on_submit is not None:
                _on_submit(w.proc.pid, path)
            try:
                w.submit(task_id, path)
            except (BrokenPipeError, OSError):
                pending.appendleft((task_id, path))
                w.task = None

    try:
        for _ in range(min(workers, len(files))):
            start()
        while pending or any(w.task for w in pool):
            for w in pool:
                give_next(w)
            deadlines = [w.task_started + timeout for w in pool if w.task] if timeout else []
            # a worker's memory is read between frames: often, while one reads a file
            wait = MEMORY_POLL if max_memory_mb and any(w.task for w in pool) else 0.5
            if deadlines:
                wait = min(wait, max(0.0, min(deadlines) - time.monotonic()))
            for key, _ in sel.select(wait):
                w = key.data
                try:
                    msg = w.receive()
                except EOFError:
                    task = w.task
                    why = w.why_dead()
                    retire(w)
                    if task is not None:
                        failures_in_a_row = 0
                        yield task[1], failed_result(task[1], f"the worker process died while reading this "
                                                              f"file ({why})", stage="crash")
                    elif not w.ready:
                        failures_in_a_row += 1
                        if failures_in_a_row >= 3:
                            raise RuntimeError(f"worker processes fail to start: {why}") from None
                    if pending or any(x.task for x in pool) or task is None:
                        start()
                    continue
                if msg is None:
                    failures_in_a_row = 0
                    continue
                task_id, result = msg
                if pending and w.worn_out(max_tasks):
                    retire(w, graceful=True)
                    start()
                else:
                    give_next(w)          # its next file before this one is stored: no worker waits on the store
                yield paths.pop(task_id), result
            now = time.monotonic()
            for w in list(pool):
                if not w.ready and now - w.started > WORKER_START_TIMEOUT:
                    raise RuntimeError("a worker process did not start in time")
                overrun = _overrun_reason(w, timeout, max_memory_mb)
                task = w.task
                if overrun and task is not None:      # (an overrun is always a task's)
                    retire(w)
                    yield task[1], failed_result(task[1], overrun[1], stage=overrun[0])
                    if pending:
                        start()
    finally:
        for w in list(pool) + early:
            w.kill()
        sel.close()


def _serial_results(files: list[str], ocr: bool = False):
    for f in files:
        yield f, process_file(f, ocr=ocr)


# ----------------------------------------------------------------- Dask

_local = threading.local()


def process_file_isolated(path: str, data: bytes | None, timeout: float | None,
                          max_memory_mb: float | None = None, ocr: bool = False) -> ExtractionResult:
    """:func:`process_file` in a worker process of this thread, with the limits
    (what a Dask worker runs)."""
    w = getattr(_local, "worker", None)
    if w is not None and (w.ocr != ocr or w.timeout != timeout):
        w.close()
        w = None
    if w is None or w.proc.poll() is not None:
        w = _local.worker = Worker(ocr, timeout)
    try:
        return w.run_one(path, data, timeout, max_memory_mb)
    except _Overrun as over:
        _local.worker = None
        return over.result


def _dask_results(files: list[str], scheduler, timeout: float | None, max_memory_mb: float | None,
                  shared_fs: bool, ocr: bool = False):
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise RuntimeError("the dask engine needs dask.distributed: pip install 'dask[distributed]>=2024.1' "
                           "(from a checkout: pip install -e '.[dask]')") from None
    own = not hasattr(scheduler, "submit")
    client = Client(scheduler) if own else scheduler
    try:
        threads = max(1, sum(client.nthreads().values()))
        window = 2 * threads + 2                  # files in flight: bounded client memory
        todo = iter(files)
        ac = as_completed()
        owner = {}

        def submit_next() -> bool:
            path = next(todo, None)
            if path is None:
                return False
            data = None
            if not shared_fs:
                from .ingest.zip_reader import ZipProblem, read_input
                try:
                    data = read_input(path)       # a file inside a zip archive too
                except (OSError, ZipProblem):
                    data = None                   # the worker reports the reason
            fut = client.submit(process_file_isolated, path, data, timeout, max_memory_mb, ocr, pure=False,
                                key=f"tdkt-{hashlib.sha1(path.encode('utf-8', 'surrogateescape')).hexdigest()}"
                                    f"-{os.getpid()}-{time.time_ns()}")
            owner[fut.key] = path
            ac.add(fut)
            return True

        for _ in range(window):
            if not submit_next():
                break
        for fut in ac:
            path = owner.pop(fut.key)
            try:
                result = fut.result()
            except Exception as exc:              # a lost worker (KilledWorker) etc.
                result = failed_result(path, f"cluster task failed: {type(exc).__name__}: {exc}",
                                       stage="cluster")
            fut.release()
            yield path, result
            submit_next()
    finally:
        if own:
            client.close()


# ----------------------------------------------------------------- the output folder

class _Lock:
    """An exclusive lock on the output folder (released by the kernel when the
    process dies, even by SIGKILL)."""

    def __init__(self, out: Path):
        self.path = out / LOCK_NAME
        self.fd: int | None = None

    def __enter__(self):
        try:
            import fcntl
        except ImportError:                      # not POSIX: no lock
            return self
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            try:
                holder = os.read(fd, 4096).decode("utf-8", "replace").strip()
            except OSError:
                holder = ""
            os.close(fd)
            raise OutputLocked(f"{self.path.parent} is being written by another tdkt run"
                               + (f" ({holder})" if holder else "")
                               + ": wait for it to finish, or use another --out folder") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}".encode())
        self.fd = fd
        return self

    def __exit__(self, *exc):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _remove_stale_temporaries(out: Path) -> None:
    """Half-written files of a run that was killed (we hold the lock: no one else writes)."""
    for p in out.glob(".*.tmp*"):
        try:
            p.unlink()
        except OSError:
            pass


# ----------------------------------------------------------------- the batch

@dataclass
class BatchSummary:
    documents: int = 0
    skipped: int = 0
    duplicates: int = 0
    rows: dict = field(default_factory=dict)
    errors: int = 0
    seconds: float = 0.0
    bytes: int = 0
    seconds_extracting: float = 0.0     # discovery to the last document stored
    seconds_tables: float = 0.0         # registry tables and the CSV / Parquet / Excel files
    failures: list = field(default_factory=list)   # (source_path, reason) of each errors row of this run


def run(paths: list[str], out_dir: str, workers: int | None = None, fresh: bool = False,
        quiet: bool = False, engine: str = "local", scheduler=None, timeout: float | None = DEFAULT_TIMEOUT,
        max_memory_mb: float | None = DEFAULT_MAX_MEMORY_MB, max_tasks: int | None = DEFAULT_MAX_TASKS,
        shared_fs: bool = False, progress_stream=None, ocr: bool = False,
        follow_links: bool = False) -> BatchSummary:
    """Extract every file under ``paths`` into ``out_dir``; see the module doc.
    ``ocr``: read scanned PDF pages with Tesseract (documents stored earlier as
    ``needs_ocr`` are read again). ``follow_links``: read what symbolic links
    inside the folders lead to outside them. Raises :class:`OutputUnwritable`
    when the output folder cannot be written (disk full, read-only)."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (one of {', '.join(ENGINES)})")
    if engine == "dask" and scheduler is None:
        raise ValueError("the dask engine needs a scheduler address (--scheduler tcp://HOST:8786)")
    t0 = time.time()
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        with _Lock(out):
            # once the lock is held: a second run into the folder hears at once that it is taken
            # a broken rules file: one RuleError now, not an error per document (the
            # local engine's worker processes compile the rules, see _compiled_by)
            rules.prepare(compile=engine != "local")
            return _run_locked(paths, out, t0, workers, fresh, quiet, engine, scheduler, timeout,
                               max_memory_mb, max_tasks, shared_fs, progress_stream, ocr, follow_links)
    except (sqlite3.OperationalError, OSError) as exc:
        if store.cannot_write(exc):
            raise OutputUnwritable(f"cannot write to {out}: {getattr(exc, 'strerror', None) or exc}") from None
        raise


def _run_locked(paths, out: Path, t0: float, workers, fresh, quiet, engine, scheduler, timeout, max_memory_mb,
                max_tasks, shared_fs, progress_stream, ocr, follow_links) -> BatchSummary:
    _remove_stale_temporaries(out)
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            p = out / (store.DB_NAME + suffix)
            if p.exists():
                p.unlink()
    files, missing = discover(paths, exclude=[str(out)], follow_links=follow_links)
    # the workers start now: they take seconds to import and warm up, while
    # this process hashes the files and opens the store
    early = [Worker(ocr, timeout) for _ in range(min(workers or processes.available_cores(), len(files)))] \
        if engine == "local" else []
    spawned = list(early)         # _run hands them to the pool; any left over are killed below
    try:
        _compiled_by(early)
    except BaseException:
        for w in spawned:
            w.kill()
        raise
    # and the processes that will write files beside this one at the end
    helpers = export.start_helpers(processes.available_cores() - 1)
    con = store.connect(out)
    try:
        summary = _run(con, files, missing, engine, workers, scheduler, timeout, max_memory_mb,
                       max_tasks, shared_fs, quiet, progress_stream, ocr, early)
        for w in early:
            w.kill()              # started for files that turned out to be known already
        summary.seconds_extracting = time.time() - t0
        from . import registry
        # the registry is rebuilt while helper processes already write the files
        # of the tables it leaves alone
        summary.rows = export.write_files(con, out, rebuild=lambda: registry.rebuild(con), helpers=helpers)
        summary.seconds_tables = time.time() - t0 - summary.seconds_extracting
    finally:
        con.close()
        for w in spawned:
            w.kill()              # a no-op for those already ended
        for proc in helpers:      # ended by write_files, unless it never ran
            processes.end(proc, wait=None)
    summary.seconds = time.time() - t0
    return summary


def _compiled_by(workers: list[Worker]) -> None:
    """The rules compiled before the store opens, by the first worker process
    (which compiles them anyway, and says RuleError instead of ready), not
    again in this process too (a second of CPU time per batch); here when
    there is no worker. A worker that fails to start is left to the pool."""
    if not workers:
        rules.prepare()
        return
    try:
        workers[0].wait_ready()
    except RuntimeError:
        pass


def _run(con, files, missing, engine, workers, scheduler, timeout, max_memory_mb, max_tasks, shared_fs,
         quiet, progress_stream, ocr=False, early: list[Worker] | None = None) -> BatchSummary:
    version = rules_version()
    known = store.known_documents(con, version)
    if ocr:   # scanned documents stored without OCR are read again, with it
        known -= {r[0] for r in con.execute("SELECT doc_id FROM documents WHERE status = 'needs_ocr'")}
    summary = BatchSummary()
    todo, seen = [], set()
    copies: dict[str, list[str]] = {}       # doc_id -> every path of the batch with those bytes
    for f in files:
        doc_id = _doc_id_of(f)
        if doc_id:
            copies.setdefault(doc_id, []).append(f)
        if doc_id in known:
            summary.skipped += 1
        elif doc_id and doc_id in seen:
            summary.duplicates += 1          # same bytes as a file already queued: one document
        else:
            seen.add(doc_id)
            todo.append(f)
    sizes = {f: _size_of(f) for f in todo}
    progress = Progress(len(todo), sum(sizes.values()), quiet=quiet, stream=progress_stream)
    if engine == "serial":
        results = _serial_results(todo, ocr)
    elif engine == "dask":
        results = _dask_results(todo, scheduler, timeout, max_memory_mb, shared_fs, ocr)
    else:
        started: list[Worker] = []
        while early and len(started) < len(todo):
            started.append(early.pop())       # the local pool takes the workers it needs
        results = _local_results(todo, workers or processes.available_cores(), timeout, max_memory_mb, max_tasks, ocr,
                                 started)
    if todo:
        # what the tables at the end import (the extraction rules behind issuer
        # identities, pyarrow), loaded while the workers warm up rather than after
        from . import registry, resolve  # noqa: F401
        export.warm_up()
    try:
        for path, result in results:
            result = _store_safely(con, path, result, version)
            summary.documents += 1
            summary.errors += len(result.errors)
            summary.failures.extend((e.source_path, e.error) for e in result.errors)
            summary.bytes += sizes.get(path, 0)
            progress.update(result, sizes.get(path, 0), path)
    finally:
        close = getattr(results, "close", None)
        if close:
            close()
        progress.close()
    summary.errors += len(missing)
    _store_missing(con, missing)
    summary.failures.extend((e.source_path, e.error) for e in missing)
    # copies within the batch, and files of an earlier batch met again under another path
    _record_copies(con, {d: paths for d, paths in copies.items() if len(paths) > 1 or d in known})
    return summary


class OutputUnwritable(RuntimeError):
    """The output folder cannot be written (disk full, read-only)."""


def _store_safely(con, path: str, result: ExtractionResult, version: str) -> ExtractionResult:
    """Store one document's rows; rows the store refuses turn the document into
    an errors row and the batch goes on. Returns what was stored."""
    _paths_for_tables(result)
    why: Exception
    try:
        store.store_document(con, result, version)
        return result
    except sqlite3.OperationalError as exc:
        if store.cannot_write(exc):
            raise OutputUnwritable(f"cannot write the store: {exc}") from None
        why = exc
    except Exception as exc:                    # noqa: BLE001 - one document never stops the batch
        why = exc
    failed = failed_result(path, f"its rows could not be stored: {type(why).__name__}: {why}", stage="store",
                           doc_id=result.document.doc_id)
    _paths_for_tables(failed)
    store.store_document(con, failed, version)
    return failed


def _paths_for_tables(result: ExtractionResult) -> None:
    """File names as the tables keep them (see :func:`ingest.common.table_path`)."""
    from .ingest.common import table_path
    result.document.source_path = table_path(result.document.source_path)
    for e in result.errors:
        e.source_path = table_path(e.source_path)


def _record_copies(con, copies: dict[str, list[str]]) -> None:
    """Every input file is accounted for: a file with the same bytes as another
    is one document, whose ``also_at`` names the other paths."""
    from .ingest.common import table_path
    with con:
        for doc_id, paths in copies.items():
            row = con.execute("SELECT source_path, also_at FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
            if row is None:
                continue
            others = [p for p in (row[1] or "").split("; ") if p] + [table_path(p) for p in paths]
            also = "; ".join(sorted(set(others) - {row[0]}))
            if also != (row[1] or ""):
                con.execute("UPDATE documents SET also_at = ? WHERE doc_id = ?", (also, doc_id))


def _store_missing(con, missing: list[ErrorRow]) -> None:
    from .ingest.common import table_path
    with con:
        for e in missing:
            e.source_path = table_path(e.source_path)
            con.execute("DELETE FROM errors WHERE source_path = ? AND doc_id = ''", (e.source_path,))
            con.execute("INSERT INTO errors (source_path, doc_id, stage, error) VALUES (?, ?, ?, ?)",
                        (e.source_path, e.doc_id, e.stage, e.error))


if __name__ == "__main__":
    if sys.argv[1:] == ["--worker"]:
        sys.exit(_worker_main())
    sys.exit("usage: python -m pipeline.batch --worker  (a worker process of `tdkt extract`)")
