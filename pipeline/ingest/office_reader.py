"""Old and other word-processor formats (.doc, .odt, .rtf) through LibreOffice.

LibreOffice converts the file to .docx headless, then the DOCX reader reads it
(legacy TCVN3 / VNI fonts, tables, numbering, headers and notes included):

    [unshare -rn] soffice.bin -env:UserInstallation=file:///tmp/tdkt-lo-UID-PID --headless
            --convert-to docx:"MS Word 2007 XML" --outdir TMP FILE

The files are untrusted, so LibreOffice is sealed off:

- **no network, no other files.** A document may link images, OLE objects,
  sections and data to URLs or local paths, which LibreOffice fetches while it
  converts (a tracking beacon, a request into the local network, a local file
  read). Each process's profile is written before LibreOffice's first start with
  settings that block every link of an untrusted document
  (``BlockUntrustedRefererLinks``), never update links, run no macro and send
  any request that is still made to a proxy that does not exist. Where the
  kernel allows it, LibreOffice also runs in a network namespace of its own,
  which has no interface at all (``unshare -rn``; tried once per process).
- **nothing outlives the conversion.** All of a process's LibreOffice files live
  in one folder named with its pid, ``<tmp>/tdkt-lo-UID-PID/`` (the profile and
  a ``tdkt-office-*`` folder per conversion, removed after it); the folder goes
  when the process exits, and :func:`cleanup_after_worker` removes it, with any
  LibreOffice still running, for a worker process that was killed. LibreOffice
  runs in a process group of its own, killed whole on timeout, and is killed by
  the kernel if the process that started it dies (``soffice.bin`` is started
  directly: the ``soffice`` launcher's oosplash would leave it running).
- **a time limit.** A conversion that takes longer than ``TDKT_OFFICE_TIMEOUT``
  seconds (default 120) is killed; never longer than 0.8 × ``TDKT_DOC_TIMEOUT``
  (the batch's time limit per document, set in its workers' environment), so
  LibreOffice is stopped and cleaned up here before the batch gives up on the
  worker.

Without LibreOffice the result is an error naming the program and the make
target that installs it.
"""
from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from .. import processes
from ..models import SourceText
from .common import failed, one_line, sniff_kind

INSTALL_HINT = "install it with `make office-deps` (Debian: libreoffice-writer-nogui)"
DEFAULT_TIMEOUT = 120.0
RESTART = 81                  # soffice.bin's exit code asking to be started again (after it sets up a profile)
STALE_AFTER = 3600            # seconds: a dead process's folder older than this is removed by the next one
_UID = os.getuid() if hasattr(os, "getuid") else 0
_DEAD_PROXY = "http://127.0.0.1:9"
_MARK = "TDKT_OFFICE_FOLDER"          # in LibreOffice's environment, inherited by its children

# The profile's settings (registrymodifications.xcu). Measured with LibreOffice
# 7.4 on a document linking an image and an OLE object to a local web server:
# without them it made 6 requests (OPTIONS, HEAD, GET each) and read a linked
# local image; BlockUntrustedRefererLinks alone, or the proxy alone, stops the
# requests; BlockUntrustedRefererLinks also stops the local read.
_SETTINGS = {
    "org.openoffice.Office.Common/Security/Scripting": {
        "BlockUntrustedRefererLinks": "true",   # no linked image/object/media of a document is loaded
        "MacroSecurityLevel": "3",              # very high: macros only from trusted places (there are none)
        "DisableMacrosExecution": "true",
    },
    "org.openoffice.Office.Writer/Content/Update": {"Link": "0"},   # never update links (Writer: 0 = never)
    "org.openoffice.Office.Calc/Content/Update": {"Link": "1"},     # never (Calc: 1 = never), embedded sheets
    "org.openoffice.Inet/Settings": {                               # a manual proxy on a closed port, for all
        "ooInetProxyType": "2", "ooInetNoProxy": "",
        **{f"ooInet{p}Proxy{k}": v for p in ("HTTP", "HTTPS", "FTP")
           for k, v in (("Name", "127.0.0.1"), ("Port", "9"))},
    },
}

_network_prefix: list[str] | None = None
_exit_cleanup_for: int | None = None       # the pid whose folder this process removes at exit


def soffice_path() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    override = os.environ.get("TDKT_SOFFICE")
    if override:
        return shutil.which(override)
    return shutil.which("soffice") or shutil.which("libreoffice")


def _env_seconds(name: str) -> float | None:
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return None
    return value if value > 0 else None


def timeout_seconds() -> float:
    """``TDKT_OFFICE_TIMEOUT`` (default 120), at most 0.8 × ``TDKT_DOC_TIMEOUT``:
    the batch kills a worker at its time limit per document, which would leave
    LibreOffice's processes and files behind; this limit strikes first."""
    limit = _env_seconds("TDKT_OFFICE_TIMEOUT") or DEFAULT_TIMEOUT
    per_document = _env_seconds("TDKT_DOC_TIMEOUT")
    return min(limit, 0.8 * per_document) if per_document else limit


# ----------------------------------------------------------------- the process's folder

def _worker_dir(pid: int | None = None) -> Path:
    """The folder of one process's LibreOffice files: the profile and the conversions."""
    return Path(tempfile.gettempdir()) / f"tdkt-lo-{_UID}-{pid or os.getpid()}"


def _registry() -> str:
    items = "".join(f'<item oor:path="/{path}">'
                    + "".join(f'<prop oor:name="{k}" oor:op="fuse"><value>{v}</value></prop>'
                              for k, v in props.items()) + "</item>\n"
                    for path, props in _SETTINGS.items())
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
            f"{items}</oor:items>\n")


def _profile_dir() -> Path:
    """This process's folder, which is also its LibreOffice profile: created with
    the settings before LibreOffice's first start (again if someone removed it)."""
    global _exit_cleanup_for
    root = _worker_dir()
    settings = root / "user" / "registrymodifications.xcu"
    if not settings.exists():
        if _exit_cleanup_for is None:
            _remove_stale()
        root.mkdir(mode=0o700, exist_ok=True)
        if root.is_symlink() or root.stat().st_uid != _UID:      # a predictable name in a shared folder
            raise OSError(f"{root} belongs to someone else")
        settings.parent.mkdir(exist_ok=True)
        settings.write_text(_registry(), encoding="utf-8")
    if _exit_cleanup_for != os.getpid():      # once per process (a forked child registers its own)
        _exit_cleanup_for = os.getpid()
        atexit.register(_cleanup_at_exit, os.getpid())
    return root


def _cleanup_at_exit(pid: int) -> None:
    if os.getpid() == pid:                    # not in a forked child that inherited the hook
        cleanup_after_worker(pid)


def _remove_stale() -> None:
    """Folders that dead processes of this user left (a batch killed with its
    workers); only old ones, in case the pid is another container's."""
    for folder in Path(tempfile.gettempdir()).glob(f"tdkt-lo-{_UID}-*"):
        pid = folder.name.rsplit("-", 1)[-1]
        try:
            old = time.time() - folder.stat().st_mtime > STALE_AFTER
        except OSError:
            continue
        if pid.isdigit() and old and not processes.alive(int(pid)):
            cleanup_after_worker(int(pid))


def _office_processes(root: Path) -> dict[int, int]:
    """{pid: process group} of the processes LibreOffice runs with the profile
    ``root``, and of their children (Linux: found in /proc by their command line
    or by the variable they inherit, ``TDKT_OFFICE_FOLDER``)."""
    marks = {f"-env:UserInstallation={root.as_uri()}".encode(), f"{_MARK}={root}".encode()}
    found = {}
    for entry in Path("/proc").glob("[0-9]*"):
        for name in ("cmdline", "environ"):
            try:
                if marks.intersection((entry / name).read_bytes().split(b"\0")):
                    found[int(entry.name)] = os.getpgid(int(entry.name))
                    break
            except (OSError, ValueError):
                continue
    return found


def cleanup_after_worker(pid: int) -> None:
    """Remove what the process ``pid`` (dead, or this one at exit) left of its
    LibreOffice work: the LibreOffice processes still running with its profile,
    their children and process groups, and its folder. The batch calls it for
    each worker process it ends; safe to call when there is nothing to remove."""
    root = _worker_dir(pid)
    if not root.exists():
        return
    running = _office_processes(root)
    running.pop(os.getpid(), None)            # never this process, whatever its environment
    for group in set(running.values()) - {os.getpgrp()}:
        processes.kill_quietly(group, group=True)
    for process in running:
        processes.kill_quietly(process)       # one that left the group
    deadline = time.monotonic() + 5
    while running and _office_processes(root) and time.monotonic() < deadline:
        time.sleep(0.05)                      # a process being killed may still write into the folder
    shutil.rmtree(root, ignore_errors=True)


# ----------------------------------------------------------------- running LibreOffice

def _network_isolation() -> list[str]:
    """The prefix that runs a program in a new network namespace with no interface
    (not even loopback), or [] when this kernel or user may not create one.
    Tried once per process."""
    global _network_prefix
    if _network_prefix is None:
        _network_prefix = []
        unshare = shutil.which("unshare")
        for flags in ("-rn", "-n"):           # as any user (a user namespace), as root
            try:
                ok = unshare and subprocess.run([unshare, flags, "true"], stdin=subprocess.DEVNULL,
                                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                                timeout=10).returncode == 0
            except (OSError, subprocess.SubprocessError):
                ok = False
            if ok and unshare:
                _network_prefix = [unshare, flags]
                break
    return _network_prefix


def _office_binary(program: str) -> str:
    """``soffice.bin`` when it sits beside the program: ``soffice`` is a script
    running oosplash, which runs soffice.bin, and soffice.bin outlives a killed
    oosplash; started directly, it gets the parent-death signal itself."""
    real = Path(os.path.realpath(program))
    binary = real.with_name("soffice.bin")
    if real.name != binary.name and binary.is_file() and os.access(binary, os.X_OK):
        return str(binary)
    return program


def _environment(profile: Path, tmp: Path) -> dict:
    env = dict(os.environ, SAL_ENABLE_FILE_LOCKING="1")    # what the soffice script sets
    env[_MARK] = str(profile)                               # how cleanup_after_worker finds them
    env["TMPDIR"] = str(tmp)                  # LibreOffice's own lu*.tmp files, removed with the conversion's
    if not env.get("HOME"):
        env["HOME"] = str(profile)
    for name in ("http_proxy", "https_proxy", "ftp_proxy", "all_proxy"):
        env[name] = env[name.upper()] = _DEAD_PROXY       # anything in LibreOffice reading these
    env["no_proxy"] = env["NO_PROXY"] = ""
    return env


def _run(cmd: list[str], env: dict, timeout: float) -> tuple[int | None, bytes]:
    """Run LibreOffice in a process group of its own; (exit code, stderr), or
    (None, b"") when it ran past ``timeout`` and the whole group was killed."""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True, env=env, preexec_fn=processes.dies_with_this_process())
    try:
        _, err = proc.communicate(timeout=max(timeout, 0.01))
    except subprocess.TimeoutExpired:
        processes.end_group(proc)
        return None, b""
    return proc.returncode, err


def convert(data: bytes, ext: str, target: str = "docx") -> tuple[bytes | None, str]:
    """Convert ``data`` (a file with extension ``ext``) to ``target`` with LibreOffice.
    Returns (converted bytes, "") or (None, error message)."""
    program = soffice_path()
    if not program:
        return None, f"reading {ext} files needs LibreOffice: program `soffice` not found; {INSTALL_HINT}"
    filters = {"docx": "docx:MS Word 2007 XML", "doc": "doc:MS Word 97", "odt": "odt",
               "rtf": "rtf:Rich Text Format"}
    limit = timeout_seconds()
    deadline = time.monotonic() + limit
    try:
        profile = _profile_dir()
    except OSError as exc:
        return None, one_line(f"cannot prepare LibreOffice's profile: {exc}")
    with tempfile.TemporaryDirectory(prefix="tdkt-office-", dir=profile) as tmp:
        src = Path(tmp) / f"input{ext}"
        src.write_bytes(data)
        out_dir = Path(tmp) / "out"
        out_dir.mkdir()
        cmd = _network_isolation() + [
            _office_binary(program), f"-env:UserInstallation={profile.as_uri()}", "--headless",
            "--invisible", "--nologo", "--norestore", "--nolockcheck", "--nodefault",
            "--convert-to", filters.get(target, target), "--outdir", str(out_dir), str(src)]
        try:
            for _ in range(3):                # soffice.bin asks once, after it set up a new profile
                code, err = _run(cmd, _environment(profile, Path(tmp)), deadline - time.monotonic())
                if code != RESTART:
                    break
        except OSError as exc:
            return None, f"cannot run LibreOffice ({program}): {exc.strerror or exc}"
        if code is None:
            return None, (f"LibreOffice did not convert the file within {limit:g} s (TDKT_OFFICE_TIMEOUT, "
                          "at most 80% of the time limit per document)")
        result = out_dir / f"input.{target}"
        if not result.exists():
            detail = one_line(err.decode("utf-8", "replace")) if err.strip() else f"exit code {code}"
            return None, f"LibreOffice could not convert the {ext} file ({detail})"
        return result.read_bytes(), ""


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORD2 = (b"\xdb\xa5", b"\x9b\xa5")          # Word for Windows 1.x / 2.0
_MAGIC = {
    ".doc": ((_OLE2, b"{\\rtf", b"PK\x03\x04") + _WORD2, "a Word .doc (OLE2) file"),
    ".odt": ((b"PK\x03\x04",), "an OpenDocument .odt file (zip)"),
    ".rtf": ((b"{\\rtf",), "an RTF file"),
}


def _check_kind(data: bytes, ext: str) -> str:
    """An error message when the bytes are not what the extension says (LibreOffice
    would import anything as plain text), else ""."""
    magic, what = _MAGIC.get(ext, ((), ""))
    if not magic or data.lstrip()[:8].startswith(magic) or data.startswith(magic):
        return ""
    kind = sniff_kind(data)
    return f"not a valid {ext} file (expected {what}" + (f"; the file is {kind})" if kind else ")")


def read_office(data: bytes, ext: str) -> SourceText:
    """Read a .doc / .odt / .rtf file (its bytes) through LibreOffice and the DOCX reader."""
    from .docx_reader import read_docx
    problem = _check_kind(data, ext)
    if problem:
        return failed(problem)
    if data.startswith(b"PK\x03\x04") and ext == ".doc":
        # a .docx saved with the old extension: no conversion needed
        result = read_docx(data)
        if result.status == "ok":
            return result
    converted, problem = convert(data, ext, "docx")
    if converted is None:
        return failed(problem)
    result = read_docx(converted)
    if result.status == "error":
        result.error = one_line(f"after LibreOffice conversion: {result.error}")
    return result
