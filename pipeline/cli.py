"""The `tdkt` command: subcommands live in pipeline/commands/, one module each."""
from __future__ import annotations

import argparse
import importlib
import os
import sqlite3
import sys

from .commands import COMMANDS
from .version import __version__


class _Parser(argparse.ArgumentParser):
    """Options a subcommand does not know are reported with that subcommand's
    usage (`tdkt extract --bogus`), not with the top-level one."""
    command_parsers: dict | None = None      # each subcommand's parser, by name (build_parser sets it)

    def parse_args(self, args=None, namespace=None):
        parsed, extra = self.parse_known_args(args, namespace)
        if extra:
            parser = (self.command_parsers or {}).get(getattr(parsed, "command", None), self)
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        return parsed


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
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
    p.command_parsers = dict(sub.choices)
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
        from .store import cannot_write
        if not cannot_write(exc):
            raise
        from .commands import say
        where = getattr(args, "out", None) or getattr(exc, "filename", None) or "--out"
        print(f"tdkt {args.command}: {say('cannot_write', out=where, why=getattr(exc, 'strerror', None) or exc)}",
              file=sys.stderr)
        return 2



if __name__ == "__main__":
    sys.exit(main())
