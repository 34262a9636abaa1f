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
"""
from __future__ import annotations

import functools
import os
import re
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
    """A rules file is missing or malformed."""


@functools.lru_cache(maxsize=None)
def load(name: str) -> dict:
    path = RULES_DIR / f"{name}.yaml"
    if not path.is_file():
        raise RuleError(f"rules file not found: {path} (TDKT_RULES names another rules folder)")
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER) or {}
    if not isinstance(data, dict):
        raise RuleError(f"{path}: top level must be a mapping")
    return data


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


def literal_trigger(words, *, boundary: bool = False, cross_lines: bool = False,
                    before: str = "", after: str = "") -> "re.Pattern":
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


def compile_words(words, flags=regex.IGNORECASE) -> "regex.Pattern":
    return regex.compile(alternation(words), flags)
