"""Old and other word-processor formats (.doc, .odt, .rtf) through LibreOffice.

LibreOffice converts the file to .docx headless, then the DOCX reader reads it
(legacy TCVN3 / VNI fonts, tables, numbering, headers and notes included):

    soffice -env:UserInstallation=file:///tmp/tdkt-lo-UID-PID --headless
            --convert-to docx:"MS Word 2007 XML" --outdir TMP FILE

Each process uses its own LibreOffice profile (created on first use, removed at
exit), so parallel workers never share one; a conversion that takes longer than
``TDKT_OFFICE_TIMEOUT`` seconds (default 120) is killed with its children.
Without LibreOffice the result is an error naming the program and the make
target that installs it.
"""
from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..models import SourceText
from .common import failed, one_line, sniff_kind

INSTALL_HINT = "install it with `make office-deps` (Debian: libreoffice-writer-nogui)"
_PROFILE: Path | None = None


def soffice_path() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    override = os.environ.get("TDKT_SOFFICE")
    if override:
        return shutil.which(override)
    return shutil.which("soffice") or shutil.which("libreoffice")


def timeout_seconds() -> float:
    try:
        return float(os.environ.get("TDKT_OFFICE_TIMEOUT", "120"))
    except ValueError:
        return 120.0


def _profile_dir() -> Path:
    global _PROFILE
    if _PROFILE is None or not _PROFILE.parent.exists():
        base = Path(tempfile.gettempdir())
        _PROFILE = base / f"tdkt-lo-{os.getuid() if hasattr(os, 'getuid') else 0}-{os.getpid()}"
        atexit.register(shutil.rmtree, str(_PROFILE), True)
    return _PROFILE


def convert(data: bytes, ext: str, target: str = "docx") -> tuple[bytes | None, str]:
    """Convert ``data`` (a file with extension ``ext``) to ``target`` with LibreOffice.
    Returns (converted bytes, "") or (None, error message)."""
    program = soffice_path()
    if not program:
        return None, f"reading {ext} files needs LibreOffice: program `soffice` not found; {INSTALL_HINT}"
    filters = {"docx": "docx:MS Word 2007 XML", "doc": "doc:MS Word 97", "odt": "odt",
               "rtf": "rtf:Rich Text Format"}
    with tempfile.TemporaryDirectory(prefix="tdkt-office-") as tmp:
        src = Path(tmp) / f"input{ext}"
        src.write_bytes(data)
        out_dir = Path(tmp) / "out"
        out_dir.mkdir()
        cmd = [program, f"-env:UserInstallation={_profile_dir().as_uri()}", "--headless",
               "--invisible", "--nologo", "--norestore", "--nolockcheck", "--nodefault",
               "--convert-to", filters.get(target, target), "--outdir", str(out_dir), str(src)]
        env = dict(os.environ, HOME=tmp) if not os.environ.get("HOME") else None
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, start_new_session=True, env=env)
        except OSError as exc:
            return None, f"cannot run LibreOffice ({program}): {exc.strerror or exc}"
        try:
            _, err = proc.communicate(timeout=timeout_seconds())
        except subprocess.TimeoutExpired:
            _kill(proc)
            return None, (f"LibreOffice did not convert the file within {timeout_seconds():.0f} s "
                          "(TDKT_OFFICE_TIMEOUT)")
        result = out_dir / f"input.{target}"
        if not result.exists():
            detail = one_line(err.decode("utf-8", "replace")) if err else f"exit code {proc.returncode}"
            return None, f"LibreOffice could not convert the {ext} file ({detail})"
        return result.read_bytes(), ""


def _kill(proc) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        proc.kill()
    try:
        proc.communicate(timeout=10)
    except Exception:
        pass


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
