"""Load the rule files in ``rules/`` once.

Rules are data a domain expert edits (YAML); the stages compile what they need
from them once per process through :func:`load`. ``TDKT_RULES`` points to
another rules folder (for experiments) without touching the code.

Where the rules are (:data:`RULES_DIR`): ``TDKT_RULES`` when set; else, run
from a source checkout (``pip install -e .``, ``python -m pipeline.cli`` in
the checkout), its top-level ``rules/`` folder; else the rules installed with
the package: ``rules/`` is shipped as the package data of ``tdkt_rules``
(pyproject.toml maps that package name to the folder) and found through
:mod:`importlib.resources`, so a wheel works from any working directory.

Every rules file declares its keys at the top, under ``keys:`` (each with its
``type`` and a line ``about`` it, for the expert who edits the file), and
:func:`load` checks the file against them: a key not declared, a declared key
missing, or a value of another type is a :class:`RuleError` of one line naming
the file and the key. :func:`prepare` loads every file and compiles what the
extractors compile from them, so that a broken rules file stops a batch once,
before any document is read.
"""
from __future__ import annotations

import difflib
import functools
import importlib
import os
import re
from collections.abc import Mapping
from pathlib import Path

import regex
import yaml

RULES_PACKAGE = "tdkt_rules"      # the installed name of the top-level rules/ folder (pyproject.toml)


def checkout_root() -> Path | None:
    """The source checkout this package runs from (the folder holding
    pyproject.toml, ``pipeline/`` and ``rules/``), or None when installed."""
    root = Path(__file__).resolve().parent.parent
    if (root / "pyproject.toml").is_file() and (root / "rules" / "citations.yaml").is_file():
        return root
    return None


def _find_rules_dir():
    """The rules folder: a :class:`~pathlib.Path`, or an
    :class:`importlib.resources.abc.Traversable` for an installed package that is
    not a plain folder (a zip); read it with ``/``, ``iterdir`` and ``read_bytes``."""
    if os.environ.get("TDKT_RULES"):
        return Path(os.environ["TDKT_RULES"])
    root = checkout_root()
    if root is not None:
        return root / "rules"
    installed = _installed_rules()
    if installed is not None:
        return installed
    return Path(__file__).resolve().parent.parent / "rules"   # not installed: load() says where it looked


def _installed_rules():
    """The rules installed as the package data of ``tdkt_rules`` (rules/ with
    its marker rules/__init__.py), or None."""
    import importlib.resources
    try:
        found = importlib.resources.files(RULES_PACKAGE)
    except ModuleNotFoundError:
        return None
    return found


RULES_DIR = _find_rules_dir()


# libyaml's parser when PyYAML was built with it: the same documents and values as
# the pure-Python SafeLoader, ten times faster (every worker process loads every
# rules file when it starts)
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RuleError(ValueError):
    """A rules file is missing or malformed (the message: one line naming the file and the key)."""


# the types a key may declare, and the Python values of each (YAML's
# whole numbers are floats too: `threshold: 1`)
KEY_TYPES = {"str": (str,), "int": (int,), "float": (float, int), "bool": (bool,), "list": (list,),
             "map": (dict,)}
DECLARATION_FIELDS = {"type", "about", "optional"}
_TYPE_NAMES = {str: "str", int: "int", float: "float", bool: "bool", list: "list", dict: "map",
               type(None): "empty"}


class Rules(Mapping):
    """A rules file's data, read-only, without its ``keys:`` section. Reading
    a key the file does not declare (``rules.load("citations")["nope"]``)
    raises RuleError naming the file and the key; ``get`` answers for any key
    (optional keys, ``examples`` that only some files have)."""

    __slots__ = ("file", "_data", "_declared")

    def __init__(self, file: str, data: dict, declared: dict):
        self.file = file                 # as the messages name it: rules/citations.yaml
        self._data = data
        self._declared = declared

    def __getitem__(self, key):
        if key in self._data:
            return self._data[key]
        if key in self._declared:
            raise KeyError(key)          # declared optional, not set in this file
        raise RuleError(f'{self.file}: key "{key}" is read by the code but not declared under keys:'
                        f'{_did_you_mean(key, self._declared)}')

    def get(self, key, default=None):
        return self._data.get(key, default)

    def __contains__(self, key) -> bool:
        return key in self._data

    def __iter__(self):
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"<Rules {self.file}: {', '.join(self._data)}>"


def _did_you_mean(key, candidates) -> str:
    close = difflib.get_close_matches(str(key), [str(c) for c in candidates], n=1)
    return f' (did you mean "{close[0]}"?)' if close else ""


def _shown(path) -> str:
    """A rules file's path as a message names it: relative to the working
    folder when inside it (``rules/citations.yaml``), else in full."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError, TypeError):
        return str(path)


@functools.cache
def load(name: str) -> Rules:
    """The data of ``rules/<name>.yaml``, checked against its ``keys:``."""
    path = RULES_DIR / f"{name}.yaml"
    if not path.is_file():
        raise RuleError(f"rules file not found: {path} (TDKT_RULES names another rules folder)")
    file = _shown(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER) or {}
    except yaml.YAMLError as exc:
        raise RuleError(f"{file}: not valid YAML: {_yaml_problem(exc)}") from None
    if not isinstance(data, dict):
        raise RuleError(f"{file}: top level must be a mapping")
    declared = _declarations(file, data.pop("keys", None))
    _check_keys(file, data, declared)
    return Rules(file, data, declared)


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """One line: what the YAML parser found wrong, and on which line."""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    mark = getattr(exc, "problem_mark", None)
    return f"{problem} (line {mark.line + 1})" if mark is not None else problem


def _declarations(file: str, keys) -> dict:
    """The file's ``keys:`` section, each declaration checked."""
    if keys is None:
        raise RuleError(f"{file}: no keys: section (every rules file declares its keys at the top)")
    if not isinstance(keys, dict):
        raise RuleError(f"{file}: keys: must map each key to its type and about")
    for key, spec in keys.items():
        if not isinstance(spec, dict):
            raise RuleError(f'{file}: key "{key}" under keys: needs {{type: ..., about: "..."}}')
        unknown = set(spec) - DECLARATION_FIELDS
        if unknown:
            field = sorted(map(str, unknown))[0]
            raise RuleError(f'{file}: key "{key}" under keys: has "{field}", not one of type, about, optional'
                            f"{_did_you_mean(field, DECLARATION_FIELDS)}")
        if spec.get("type") not in KEY_TYPES:
            raise RuleError(f'{file}: key "{key}" under keys: has type "{spec.get("type")}", '
                            f"not one of {', '.join(KEY_TYPES)}")
        if not isinstance(spec.get("about"), str) or not spec["about"].strip():
            raise RuleError(f'{file}: key "{key}" under keys: needs an about: "..." saying what it is')
        if not isinstance(spec.get("optional", False), bool):
            raise RuleError(f'{file}: key "{key}" under keys: optional must be true or false')
    return keys


def _check_keys(file: str, data: dict, declared: dict) -> None:
    """Every key declared, every declared key present (unless optional), each of its type."""
    for key in data:
        if key not in declared:
            raise RuleError(f'{file}: key "{key}" is not declared under keys:{_did_you_mean(key, declared)}')
    for key, spec in declared.items():
        if key not in data:
            if not spec.get("optional", False):
                raise RuleError(f'{file}: key "{key}" is declared under keys: but missing'
                                f"{_did_you_mean(key, [k for k in data if k not in declared])}")
            continue
        value, wanted = data[key], spec["type"]
        if not isinstance(value, KEY_TYPES[wanted]) or (isinstance(value, bool) and wanted != "bool"):
            got = _TYPE_NAMES.get(type(value), type(value).__name__)
            raise RuleError(f'{file}: key "{key}" must be a {wanted}, not a {got}')


# -- compiling the rules before any document -------------------------------

# The modules that compile patterns from the rules for every document: each
# marks its compiling functions with @compiled. Named, not imported, here
# (they import this module); prepare() imports them.
COMPILING_MODULES = ("pipeline.normalize", "pipeline.extract.document", "pipeline.extract.citations",
                     "pipeline.extract.movements", "pipeline.extract.money", "pipeline.extract.awards",
                     "pipeline.extract.figures", "pipeline.resolve", "pipeline.kinds", "pipeline.reorganisation",
                     "pipeline.registry",
                     "pipeline.extract.parts.dates",
                     "pipeline.extract.parts.numbers", "pipeline.extract.parts.issuers",
                     "pipeline.ingest.tables", "pipeline.ingest.spreadsheet_reader")
_COMPILERS: list = []          # (rules files, the cached function)


def compiled(*files: str):
    """Decorate a function without arguments that compiles what a stage needs
    from these rules files: it runs once (its result is cached), and
    :func:`prepare` runs it before any document is read."""
    def register(fn):
        cached = functools.lru_cache(maxsize=None)(fn)
        _COMPILERS.append((files, cached))
        return cached
    return register


def prepare(compile: bool = True) -> None:
    """Load every rules file (its keys checked) and compile what the stages
    compile from them, now: a broken rules file raises one RuleError here,
    naming the file, instead of failing every document. ``compile=False``:
    loaded and checked only (a batch whose worker processes compile them)."""
    names = rule_files()
    for name in names or ["citations"]:            # no rules at all: load() says where it looked
        load(name)
    if not compile:
        return
    for module in COMPILING_MODULES:
        importlib.import_module(module)
    for files, compile_rules in list(_COMPILERS):
        try:
            compile_rules()
        except RuleError:
            raise
        except Exception as exc:   # a pattern that does not compile, an entry without its fields
            shown = ", ".join(load(f).file for f in files) or "rules"
            why = f"{type(exc).__name__}: {exc}".splitlines()[0]
            raise RuleError(f"{shown}: cannot be compiled ({compile_rules.__module__}.{compile_rules.__name__}): "
                            f"{why}") from exc


def rule_files() -> list[str]:
    """The names of the rules files (``citations`` for citations.yaml), sorted."""
    try:
        entries = list(RULES_DIR.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(p.name[:-len(".yaml")] for p in entries if p.name.endswith(".yaml") and p.is_file())


def rule_bytes(name: str) -> bytes:
    """The bytes of one rules file, read where :func:`load` reads it."""
    return (RULES_DIR / f"{name}.yaml").read_bytes()


def alternation(words, *, boundary: bool = True) -> str:
    """A regex alternation of literal words, longest first so that the longest
    vocabulary entry wins; spaces inside entries match any whitespace run."""
    parts = sorted({w for w in words if w}, key=len, reverse=True)
    body = "|".join(regex.escape(w).replace(r"\ ", r"\s+") for w in parts)
    if boundary:
        return rf"(?<![\p{{L}}\p{{N}}])(?:{body})(?![\p{{L}}\p{{N}}])"
    return f"(?:{body})"


def as_written(words) -> str:
    """A regex alternation of literal words in the order given, each matched
    as written (a space matches one space, case as the pattern's flags say):
    the words of a rules file set into a pattern around them."""
    return "(?:" + "|".join(regex.escape(w) for w in words) + ")"


def literal_trigger(words, *, boundary: bool = False, cross_lines: bool = False,
                    before: str = "", after: str = "") -> re.Pattern:
    """The words as a case-sensitive pattern of the standard ``re`` engine, to
    run over the lower-cased text (``ParsedDoc.lower``): it finds every place an
    IGNORECASE ``regex`` pattern built from the same words (``alternation``)
    matches, two to three times faster, so that the full pattern runs only
    where a trigger is.  With ``boundary`` the words stand alone (no letter or
    digit on either side) and the hits are exactly ``alternation``'s matches;
    without, the hits are a superset.  The spaces inside an entry match a line
    break only with ``cross_lines``.  ``before`` / ``after``: ``re`` patterns
    around the words (`\\d[ ]?`: after a number's last digit)."""
    space = r"\s+" if cross_lines else r"[^\S\n]+"
    # no letter or digit on either side (`re` has no \p{L}: [^\W_] is one); the
    # check on the left sits after a word's first letter (`q(?<![^\W_].)uyết`),
    # so that the pattern opens with letters the engine can skip to
    left = r"(?<![^\W_][\s\S])" if boundary else ""
    if boundary and before:
        before, left = before + r"(?<![^\W_])", ""
    body = _trie_pattern({w.lower() for w in words if w}, space, left)
    if boundary:
        after = r"(?![^\W_])" + after
    return re.compile(f"{before}(?:{body}){after}")


def _trie_pattern(words, space: str, after_first: str = "") -> str:
    """The words as one pattern with their common beginnings shared
    (`chiến sĩ (?:thi đua|tiên tiến)`): the engine reads each letter once where
    a flat alternation tries every word in turn. It matches the longest word
    first, as a longest-first alternation does. ``after_first``: a pattern
    put after each word's first character."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}                      # a word ends here

    def emit(node: dict, first: bool = False) -> str:
        branches = [(space if ch == " " else re.escape(ch)) + (after_first if first else "") + emit(node[ch])
                    for ch in sorted(k for k in node if k)]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie, first=True)


def compile_words(words, flags=regex.IGNORECASE) -> regex.Pattern:
    return regex.compile(alternation(words), flags)
