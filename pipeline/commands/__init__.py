"""The `tdkt` subcommands, one module each.

A module here defines ``register(subparsers)``, which adds its parser and sets
``func`` to the function that runs it (returning the exit code). The list
``COMMANDS`` fixes their order in `tdkt --help`.
"""
COMMANDS = ["extract", "registry", "check", "compare", "report", "serve"]


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
