"""Which words of the rules files no example exercises.

The vocabulary of a rules file with named rules is each key that holds words:
a list of words (`currency_words`), a mapping of lists of words (`qualifiers`,
`heads`, `status_words`), or a list of entries whose fields are lists of words
(the `words` and `abbr` of `doc_kinds`, the `forms` of `titles`). Patterns
(regular expressions) are not words, nor are the ids of named rules a list
names (checks.yaml's `table_entry_rules: [money.table_cell, ...]`). An entry
is exercised when the text of some example of the same file contains it,
case-insensitively, with white space folded as the rules' patterns fold it (a
run of spaces is one).

tests/vocabulary_unexercised.txt lists the entries no example exercises, one
`file:key:entry` a line. The test prints today's list and fails when it is
longer than the recorded one: the count may go down, not up. A new word comes
with an example that uses it; when examples come to cover a listed entry, its
line goes (`python tests/test_vocabulary_coverage.py` rewrites the file).
"""
import sys
from collections.abc import Mapping
from pathlib import Path

import regex

from pipeline import rules
from rule_examples import example_texts, files_with_named_rules, named_rules

RECORDED = Path(__file__).with_name("vocabulary_unexercised.txt")
# lists that hold no words of the documents: names of other keys, check settings, code points
NOT_VOCABULARY = {("ocr_repair", "domain_sources"), ("checks", "quotas"), ("normalize", "invisible_characters")}
PATTERN_SYNTAX = regex.compile(r"\\|\(\?|\[[^\]]*\]|\{\d")


def _words(value) -> list[str]:
    """The words a key holds: a list of words, the lists of words of a
    mapping, or the lists of words in the fields of a list of entries."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v for v in value if not PATTERN_SYNTAX.search(v)]
    if isinstance(value, list) and all(isinstance(v, Mapping) for v in value):
        return [w for entry in value for field in entry.values() if _is_word_list(field) for w in _words(field)]
    if isinstance(value, Mapping):
        return [w for field in value.values() if _is_word_list(field) for w in _words(field)]
    return []


def _is_word_list(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _folded(s: str) -> str:
    return " ".join(s.split()).casefold()


def unexercised() -> list[str]:
    """`file:key:entry` for each vocabulary entry no example text of its file contains."""
    out = []
    rule_ids = {rule["id"] for name in files_with_named_rules() for rule in named_rules(name)}
    for name in files_with_named_rules():
        texts = "\n".join(_folded(t) for t in example_texts(name))
        for key, value in rules.load(name).items():
            if key == "rules" or (name, key) in NOT_VOCABULARY:
                continue
            for entry in dict.fromkeys(w for w in _words(value) if w not in rule_ids):
                if _folded(entry) and _folded(entry) not in texts:
                    out.append(f"{name}:{key}:{entry}")
    return sorted(out)


def recorded() -> list[str]:
    return [ln for ln in RECORDED.read_text(encoding="utf-8").splitlines() if ln.strip()]


def test_no_more_vocabulary_goes_unexercised():
    now, before = unexercised(), recorded()
    print(f"{len(now)} vocabulary entries no example exercises ({len(before)} recorded):")
    print("\n".join(now))
    new = sorted(set(now) - set(before))
    assert len(now) <= len(before), (f"{len(now)} entries no example exercises, {len(before)} recorded; "
                                     f"write examples for the new ones: {new}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    entries = unexercised()
    RECORDED.write_text("\n".join(entries) + "\n", encoding="utf-8")
    print(f"{len(entries)} entries -> {RECORDED}")
