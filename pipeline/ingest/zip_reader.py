"""Zip archives read as folders (``tdkt extract``).

A ``.zip`` the batch meets (inside a folder, or named) is no document: each
file inside it is one, under the virtual path ``archive.zip/inner/path.docx``
(its ``source_path``; its ``doc_id`` the SHA-256 of its own bytes, as for a
file on disk, so a report both in an archive and beside it is one document).
:func:`list_archive` lists the members (reading only the archive's central
directory, and the bytes of a zip inside the zip); :func:`read_input`,
:func:`open_input` and :func:`size_of` read a virtual path as if it were a file
(``batch.process_file`` hands the bytes to the readers as the Dask engine
ships a file's bytes).

What is not read gets an errors row of its own, never costs the batch:

* a member over the DOCX reader's zip-bomb limits (``docx_reader``: more than
  ``MAX_UNCOMPRESSED`` uncompressed, or a ratio over ``MAX_RATIO`` x 5 for an
  entry over 1 MB), and an archive whose members together would uncompress to
  more than ``MAX_TOTAL`` or that lists more than ``MAX_MEMBERS`` entries
  (then the whole archive is one errors row);
* a zip inside a zip is read (``a.zip/b.zip/c.docx``); a zip inside that one is
  refused (``MAX_DEPTH``);
* a name that is absolute or goes up (``/etc/x``, ``../evil.txt``, ``C:\\x``);
* an encrypted (password-protected) member, a compression method Python's
  zipfile cannot read, a symbolic link (its target is never followed);
* a member of a kind that is not read (``.xlsx``...), with the message of a
  file of that kind in a folder;
* a second member of the same name (the first one is read).

Names: a backslash is a folder separator (old Windows zip tools write them);
a name not flagged UTF-8 is UTF-8 when its bytes are, else kept as its bytes,
as a name on disk that is not UTF-8 (``table_path`` writes them ``\\xNN``,
``readable_path`` shows them as cp1258).  Hidden members (a part of the name
starting with ``.``) and macOS's ``__MACOSX/`` folder are skipped, as hidden
files in folders are.
"""
from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import zipfile

from .common import ARCHIVES, FORMATS, one_line
from .docx_reader import MAX_RATIO, MAX_UNCOMPRESSED

MAX_MEMBER = MAX_UNCOMPRESSED          # one member, uncompressed (the DOCX reader's limit)
MAX_TOTAL = 4 * 1024 ** 3              # all members of one archive, uncompressed
MAX_MEMBERS = 100_000                  # entries in one archive
MAX_DEPTH = 1                          # zips inside a zip: read; inside those: refused
RATIO_FROM = 1024 * 1024               # the ratio limit holds for entries above this size
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_DRIVE = re.compile(r"^[A-Za-z]:")
_MB = 1024 * 1024


class ZipProblem(Exception):
    """A one-line reason why an archive or a member of it is not read."""


def is_archive(path: str) -> bool:
    return os.path.splitext(path)[1].lower() in ARCHIVES


# ---------------------------------------------------------------- limits and names

def entry_problem(info: zipfile.ZipInfo) -> str:
    """Why one member is not read (encrypted, unreadable method, a zip bomb), or ""."""
    if info.flag_bits & 0x1:
        return "not read: an encrypted (password-protected) file in a zip archive"
    if info.compress_type not in _METHODS:
        return f"not read: zip compression method {info.compress_type} is not supported"
    if info.file_size > MAX_MEMBER:
        return (f"refused: would uncompress to {info.file_size // _MB} MB "
                f"(limit {MAX_MEMBER // _MB} MB for a file in a zip archive)")
    if info.file_size > RATIO_FROM and not info.compress_size:
        return f"refused: {info.file_size // _MB} MB stored in 0 bytes (zip bomb?)"
    if info.file_size > RATIO_FROM and info.file_size / info.compress_size > MAX_RATIO * 5:
        return f"refused: compression ratio of {info.file_size // info.compress_size}:1 (zip bomb?)"
    return ""


def archive_problem(infos: list[zipfile.ZipInfo]) -> str:
    """Why a whole archive is not read (too many entries, too much uncompressed), or ""."""
    if len(infos) > MAX_MEMBERS:
        return f"refused: the zip archive lists {len(infos)} entries (limit {MAX_MEMBERS})"
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL:
        return (f"refused: the zip archive's files would uncompress to {total // _MB} MB "
                f"(limit {MAX_TOTAL // _MB} MB; zip bomb?)")
    return ""


def member_name(info: zipfile.ZipInfo) -> str:
    """The name as stored, decoded: UTF-8 when flagged or when its bytes are,
    else its bytes kept (surrogate escapes, as ``os.fsdecode`` keeps a name on
    disk); backslashes are folder separators."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            raw = name.encode("cp437")         # what zipfile decoded the bytes with
        except UnicodeEncodeError:
            raw = None
        if raw is not None:
            name = raw.decode("utf-8", "surrogateescape")
    return name.replace("\\", "/")


def _scan(zf: zipfile.ZipFile) -> tuple[dict, list]:
    """The members to read ({clean name: ZipInfo}) and [(name, why not read)].
    Raises ZipProblem for an archive refused as a whole."""
    infos = zf.infolist()
    problem = archive_problem(infos)
    if problem:
        raise ZipProblem(problem)
    members: dict[str, zipfile.ZipInfo] = {}
    problems: list[tuple[str, str]] = []
    for info in infos:
        name = member_name(info)
        if name.endswith("/"):
            continue                           # a folder entry
        parts = [p for p in name.split("/") if p not in ("", ".")]
        if name.startswith("/") or _DRIVE.match(name) or ".." in parts:
            problems.append((name, "not read: unsafe name in a zip archive "
                                   "(an absolute path or `..` leads out of the archive)"))
            continue
        if not parts or parts[0] == "__MACOSX" or any(p.startswith(".") for p in parts):
            continue                           # hidden: OS junk, skipped as in folders
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            problems.append(("/".join(parts), "not read: a symbolic link inside a zip archive"))
            continue
        clean = "/".join(parts)
        if clean in members:
            problems.append((clean, "not read: the zip archive holds another file of this name "
                                    "(the first one is read)"))
            continue
        why = entry_problem(info)
        if why:
            problems.append((clean, why))
            continue
        members[clean] = info
    return members, problems


# ---------------------------------------------------------------- discovery

def list_archive(path: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The documents inside the archive at ``path`` as virtual paths (sorted)
    and [(virtual path, why not read)] for everything else in it that is not
    hidden (a kind that is not read: the message of such a file in a folder)."""
    try:
        with zipfile.ZipFile(path) as zf:
            return _list(zf, path, 0)
    except ZipProblem as exc:
        return [], [(path, str(exc))]
    except Exception as exc:          # BadZipFile, OSError, a damaged directory...
        return [], [(path, _not_a_zip(exc))]


def _list(zf: zipfile.ZipFile, label: str, depth: int):
    from . import unsupported_message
    members, problems = _scan(zf)
    files: list[str] = []
    errors = [(f"{label}/{name}", why) for name, why in problems]
    for name, info in members.items():
        virtual = f"{label}/{name}"
        if is_archive(name):
            if depth >= MAX_DEPTH:
                errors.append((virtual, "not read: a zip archive inside a zip archive inside a zip "
                                        "archive (one level of nesting is read)"))
                continue
            try:
                inner = zipfile.ZipFile(io.BytesIO(_read_info(zf, info)))
                with inner:
                    more, more_errors = _list(inner, virtual, depth + 1)
            except ZipProblem as exc:
                errors.append((virtual, str(exc)))
                continue
            except Exception as exc:
                errors.append((virtual, _not_a_zip(exc)))
                continue
            files += more
            errors += more_errors
        elif os.path.splitext(name)[1].lower() in FORMATS:
            files.append(virtual)
        else:
            errors.append((virtual, unsupported_message(name)))
    if not files and not errors:
        errors.append((label, "the zip archive holds no files to read"))
    return sorted(files), errors


def _not_a_zip(exc: Exception) -> str:
    if isinstance(exc, OSError) and not isinstance(exc, zipfile.BadZipFile):
        return f"cannot open file: {exc.strerror or exc}"
    return one_line(f"not a valid zip archive ({type(exc).__name__}: {exc})")


# ---------------------------------------------------------------- reading a virtual path

def split(path: str) -> tuple[str, str] | None:
    """(the archive file on disk, the name inside it) of a virtual path
    ``.../a.zip/inner/x.docx``; None for a path on disk or a plain missing path.
    The name may go on into a zip inside the zip (``b.zip/c.docx``)."""
    if "/" not in path or os.path.lexists(path):
        return None
    parts = path.split("/")
    for i in range(1, len(parts)):
        prefix = "/".join(parts[:i])
        if is_archive(prefix) and os.path.isfile(prefix):
            return prefix, "/".join(parts[i:])
    return None


def is_member(path: str) -> bool:
    return split(path) is not None


def _file_key(path: str) -> tuple:
    st = os.stat(path)
    return os.path.realpath(path), st.st_mtime_ns, st.st_size, st.st_ino


@functools.lru_cache(maxsize=8)
def _members_on_disk(key: tuple) -> tuple[dict, dict]:
    """({name: ZipInfo} of the members read, {name: why not} of the others)."""
    with zipfile.ZipFile(key[0]) as zf:
        members, problems = _scan(zf)
    return members, dict(problems)


@functools.lru_cache(maxsize=1)
def _nested(key: tuple, name: str) -> tuple[bytes, dict, dict]:
    """The bytes and members of the zip ``name`` inside the archive of ``key``
    (kept: a worker reads its members one after the other)."""
    info = _members_on_disk(key)[0][name]
    with zipfile.ZipFile(key[0]) as zf:
        data = _read_info(zf, info)
    with zipfile.ZipFile(io.BytesIO(data)) as inner:
        members, problems = _scan(inner)
    return data, members, dict(problems)


def _locate(path: str):
    """(archive key, zip-in-zip name or "", ZipInfo) of a virtual path; raises ZipProblem."""
    found = split(path)
    if found is None:
        raise ZipProblem("cannot open file: no such file, and no zip archive on its path")
    archive, rest = found
    try:
        key = _file_key(archive)
        members, problems = _members_on_disk(key)
    except ZipProblem:
        raise
    except Exception as exc:
        raise ZipProblem(_not_a_zip(exc)) from None
    if rest in members:
        return key, "", members[rest]
    if rest in problems:
        raise ZipProblem(problems[rest])
    parts = rest.split("/")
    for i in range(1, len(parts)):
        outer = "/".join(parts[:i])
        if outer in members and is_archive(outer):
            inner_name = "/".join(parts[i:])
            try:
                _, inner, inner_problems = _nested(key, outer)
            except ZipProblem:
                raise
            except Exception as exc:
                raise ZipProblem(_not_a_zip(exc)) from None
            if inner_name in inner_problems:
                raise ZipProblem(inner_problems[inner_name])
            if inner_name in inner and not is_archive(inner_name):
                return key, outer, inner[inner_name]
            break
    raise ZipProblem(f"cannot open file: no file {rest} in the zip archive {archive}")


def _read_info(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, at most its declared size (zipfile stops there and
    checks the CRC: a member that lies about its size is an error)."""
    why = entry_problem(info)
    if why:
        raise ZipProblem(why)
    try:
        with zf.open(info) as f:
            data = f.read(info.file_size + 1)
    except Exception as exc:           # BadZipFile (bad CRC), zlib / lzma errors, EOFError...
        raise ZipProblem(one_line(f"cannot read the file in the zip archive "
                                  f"({type(exc).__name__}: {exc})")) from None
    if len(data) != info.file_size:
        raise ZipProblem("cannot read the file in the zip archive (its size differs from the "
                         "archive's directory)")
    return data


@contextlib.contextmanager
def _member_stream(path: str):
    key, outer, info = _locate(path)
    why = entry_problem(info)
    if why:
        raise ZipProblem(why)
    zf = zipfile.ZipFile(io.BytesIO(_nested(key, outer)[0])) if outer else zipfile.ZipFile(key[0])
    with zf, zf.open(info) as f:
        yield f


def read_member(path: str) -> bytes:
    """The bytes of the member named by the virtual path; raises ZipProblem."""
    key, outer, info = _locate(path)
    if outer:
        with zipfile.ZipFile(io.BytesIO(_nested(key, outer)[0])) as zf:
            return _read_info(zf, info)
    try:
        with zipfile.ZipFile(key[0]) as zf:
            return _read_info(zf, info)
    except ZipProblem:
        raise
    except Exception as exc:
        raise ZipProblem(_not_a_zip(exc)) from None


def read_input(path: str) -> bytes:
    """A file's bytes, on disk or inside a zip archive (raises OSError or ZipProblem)."""
    if is_member(path):
        return read_member(path)
    with open(path, "rb") as f:
        return f.read()


@contextlib.contextmanager
def open_input(path: str):
    """A binary stream of a file on disk or inside a zip archive (for hashing
    without holding the bytes; raises OSError or ZipProblem)."""
    if is_member(path):
        with _member_stream(path) as f:
            yield f
    else:
        with open(path, "rb") as f:
            yield f


def size_of(path: str) -> int:
    """A file's size, on disk or (uncompressed) inside a zip archive; 0 when unknown."""
    try:
        if is_member(path):
            return _locate(path)[2].file_size
        return os.path.getsize(path)
    except (OSError, ZipProblem):
        return 0
