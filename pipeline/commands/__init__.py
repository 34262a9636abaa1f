"""The `tdkt` subcommands, one module each.

A module here defines ``register(subparsers)``, which adds its parser and sets
``func`` to the function that runs it (returning the exit code). The list
``COMMANDS`` fixes their order in `tdkt --help`.
"""
COMMANDS = ["extract", "registry", "check", "compare", "report"]
