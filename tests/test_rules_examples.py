"""Every example written in a rules file runs here: a domain expert who adds a
pattern adds its examples beside it, and they are tested without touching
Python. Mention tables compare the listed fields of the rows, in order;
`expect: []` means nothing may be found."""
import pytest

from pipeline import extract_text, rules
from pipeline.normalize import normalize_text

MENTION_FILES = {"citations": "citations", "money": "money", "awards": "awards", "movements": "movements",
                 "figures": "figures"}


def _examples():
    for name in rules.rule_files():
        for i, ex in enumerate(rules.load(name).get("examples") or []):
            yield pytest.param(name, ex, id=f"{name}-{i}")


def _same(got, want) -> bool:
    if want is None or want == "":
        return got is None or got == ""
    return str(got) == str(want)


def test_every_rules_file_has_examples():
    for name in rules.rule_files():
        if name in MENTION_FILES or name in ("normalize", "document", "ocr_repair"):
            assert rules.load(name).get("examples"), f"rules/{name}.yaml has no examples"


@pytest.mark.parametrize("name,example", list(_examples()))
def test_rule_example(name, example):
    text = example["text"]
    if name == "ocr_repair":                 # OCR'd text only: the repair itself
        from pipeline.ingest.ocr_repair import repair
        assert repair(text)[0] == example["repaired"]
        return
    if name == "normalize":
        out, _ = normalize_text(text)
        assert out == example["normalized"]
        return
    result = extract_text(text)
    assert not result.errors, result.errors
    if name == "document":
        for field, want in example["expect"].items():
            assert _same(getattr(result.document, field), want), (field, getattr(result.document, field), want)
        return
    rows = getattr(result, MENTION_FILES[name])
    want_rows = example["expect"]
    got = [{k: getattr(r, k) for k in (want_rows[0] if want_rows else {"text": 1})} for r in rows]
    assert len(rows) == len(want_rows), f"{len(rows)} rows, expected {len(want_rows)}: {got}"
    for row, want in zip(rows, want_rows):
        for field, value in want.items():
            assert _same(getattr(row, field), value), (field, getattr(row, field), value, row.text)
        assert row.text == result.normalized_text[row.start:row.end]
