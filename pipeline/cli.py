"""The `tdkt` command: subcommands live in pipeline/commands/, one module each."""
from __future__ import annotations

import argparse
import importlib
import os
import sqlite3
import sys

from . import __version__
from .commands import COMMANDS


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="tdkt",
        description="Extract tables from Vietnamese reports on thi đua, khen thưởng "
                    "(emulation and commendation): cited documents, movements, money, award counts; "
                    "build the registry of cited documents; check and compare units' claims.")
    p.add_argument("--version", action="version", version=f"tdkt {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f".commands.{name}", __package__)
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.endswith(f"commands.{name}"):
                continue          # a command not built yet
            raise
        module.register(sub)
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:
        # the reader went away (`tdkt compare --out DIR | head`): the files are
        # written already; stop quietly, and keep Python's exit-time flush quiet too
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141                        # 128 + SIGPIPE, as a shell reports it
    except (OSError, sqlite3.OperationalError) as exc:
        from .export import cannot_write
        if not cannot_write(exc):
            raise
        where = getattr(args, "out", None) or getattr(exc, "filename", None) or "the output folder"
        print(f"tdkt {args.command}: cannot write to {where}: {getattr(exc, 'strerror', None) or exc}",
              file=sys.stderr)
        return 2



if __name__ == "__main__":
    sys.exit(main())
