"""The `tdkt` subcommands, one module each.

A module here defines ``register(subparsers)``, which adds its parser and sets
``func`` to the function that runs it (returning the exit code). The list
``COMMANDS`` fixes their order in `tdkt --help`.
"""
COMMANDS = ["extract", "registry", "check", "compare", "report", "serve"]

# exit statuses of `tdkt extract` (its --help epilog and the README say the same)
EXIT_OK = 0              # every file given was read
EXIT_INPUTS_FAILED = 1   # some files could not be read: errors rows of this run (unless --fail-on none)
EXIT_USAGE = 2           # usage error, nothing to read, or an output folder / cluster that cannot be used
EXIT_LOCKED = 3          # another run is writing to the output folder

# Debian packages of the programs some formats need, by the make target that installs them
DEBIAN_PACKAGES = {
    "ocr-deps": "tesseract-ocr tesseract-ocr-vie",
    "office-deps": "libreoffice-writer-nogui",
    "browser-deps": "chromium",
}


def say(key: str, **values) -> str:
    """The message ``key`` (pipeline/messages.py) in the language of TDKT_LANG
    (Vietnamese unless it says otherwise), its placeholders filled."""
    from ..messages import default_lang, t
    return t(key, default_lang(), **values)


def _python() -> str:
    import os
    import sys
    exe = os.path.abspath(sys.executable) if sys.executable else "python3"
    return f'"{exe}"' if " " in exe else exe


def install_hint(extra: str) -> str:
    """The command that installs the optional dependencies ``extra`` (a
    ``[project.optional-dependencies]`` name) into the Python running tdkt:
    from a source checkout its editable install with the extra; from an
    installed package the extra's requirements themselves (they install whether
    tdkt came from PyPI, a wheel or a checkout)."""
    from ..rules import checkout_root
    root = checkout_root()
    if root is not None:
        return say("install_checkout", python=_python(), root=root, extra=extra)
    return say("install_package", python=_python(), requirements=_extra_requirements(extra), extra=extra)


_KNOWN_EXTRAS = {"dask": ['"dask[distributed]>=2024.1"']}


def _extra_requirements(extra: str) -> str:
    """The requirements of an extra as the installed metadata lists them
    (`dask[distributed]>=2024.1; extra == "dask"`), quoted for a shell."""
    from importlib import metadata
    try:
        listed = metadata.requires("tdkt") or []
    except metadata.PackageNotFoundError:
        listed = []
    found = []
    for req in listed:
        spec, _, marker = req.partition(";")
        if marker.replace("'", '"').replace(" ", "") == f'extra=="{extra}"':
            found.append(f'"{spec.strip()}"')
    return " ".join(found or _KNOWN_EXTRAS.get(extra, [f'"tdkt[{extra}]"']))


def program_hint(target: str) -> str:
    """How to install the programs a make target of the checkout installs
    (``ocr-deps``, ``office-deps``, ``browser-deps``): the make target from a
    source checkout, the Debian packages otherwise (no Makefile is installed)."""
    from ..rules import checkout_root
    root = checkout_root()
    packages = DEBIAN_PACKAGES[target]
    if root is not None:
        return say("program_checkout", target=target, root=root, packages=packages)
    return say("program_package", packages=packages)


def one_line(text: str, limit: int = 300) -> str:
    """``text`` on one line (whitespace runs as one space), cut at ``limit`` characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def list_failures(failures, out, stream=None, limit: int = 20) -> None:
    """The files that failed in this run with their one-line reasons, the first
    ``limit`` of them in name order and a count of the rest (to stderr)."""
    import sys
    stream = stream or sys.stderr
    reasons: dict[str, list[str]] = {}
    for path, why in failures:
        if why not in reasons.setdefault(path, []):
            reasons[path].append(why)
    if not reasons:
        return
    from ..ingest.common import readable_path  # a name that is not UTF-8, as Windows wrote it
    print(f"tdkt extract: {say('failed_files', n=len(reasons), out=out)}", file=stream)
    for path in sorted(reasons)[:limit]:
        print(f"  {one_line(readable_path(path), 200)}: {one_line('; '.join(reasons[path]))}", file=stream)
    if len(reasons) > limit:
        print(say("failed_more", n=len(reasons) - limit), file=stream)
    stream.flush()


def help_formatter():
    """An argparse formatter that wraps the description and epilog line by line
    (their line breaks stay; `  1  text` lines hang under their text)."""
    import argparse
    import re
    import textwrap

    class LineFormatter(argparse.HelpFormatter):
        def _fill_text(self, text, width, indent):
            lines = []
            for line in text.splitlines():
                lead = re.match(r"\s*(?:\d+\s+)?", line)        # (matches every line, if only the empty string)
                hang = " " * (lead.end() if lead else 0)
                lines.append(textwrap.fill(line, width, initial_indent=indent, subsequent_indent=indent + hang)
                             if line.strip() else "")
            return "\n".join(lines)

    return LineFormatter


def open_output_store(out_dir, command: str):
    """The store an extract filled in ``out_dir``, or None after saying in one
    line why it cannot be opened (the command then exits with status 2)."""
    import sys

    from ..audit import store
    try:
        return store.open_store(out_dir)
    except store.StoreError as exc:
        print(f"tdkt {command}: {exc}", file=sys.stderr)
        return None


def show(text: str) -> None:
    """Print a command's result. Results are shown before the files are written
    (so a read-only folder is still read); a reader that went away
    (`tdkt compare --out DIR | head -1`) must not stop the files being written."""
    import os
    import sys
    try:
        print(text, flush=True)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def whole_number(low: int, high: int | None = None):
    """An argparse ``type``: a whole number from ``low`` to ``high`` (no upper
    bound when None), with a one-line message otherwise."""
    import argparse

    def parse(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
        if n < low or (high is not None and n > high):
            raise argparse.ArgumentTypeError(f"must be from {low} to {high}: {value}" if high is not None
                                             else f"must be at least {low}: {value}")
        return n
    return parse
