"""Every example of every named rule in rules/ runs here, one test each
(`<rule id>-<i>`): a domain expert who adds a rule, or a word to one, adds an
example beside it, and it is tested without touching Python.

What an example holds depends on what its file's rules make:

- an extractor's rows (citations, money, awards, movements, figures): `expect`
  lists the rows the text gives, in order, with the fields compared (`rule`:
  the named rule that made the row); `expect: []` means none;
- document: `expect` holds fields of the document read from the text;
- normalize: `normalized`, the cleaned text;
- ocr_repair: `repaired` (the tone-mark repair) or `fixed` (fix_forms);
- checks: `expect`, the rule_id of each finding, in order;
- numbers: `read` (amount, count, percent, spoken: which reader) and the `value`
  read from `text`;
- dates: `expect`, fields of the first date read in `text` (`null`: none);
- issuers: what the text's citations give, in order: `issuers` (as read),
  `issuers_resolved` (made explicit from the report), `issuers_canonical` (the
  body by its one name), `jurisdictions`; or
  `same_as` / `other_than`: an issuer the registry reads as this one, or not.
"""
from pathlib import Path

import pytest

from pipeline import extract_text, rules
from pipeline.extract import specs
from rule_examples import examples, files_with_named_rules, named_rules

ROOT = Path(__file__).resolve().parent.parent
SUFFIXES = {".txt", ".docx", ".doc", ".pdf", ".html", ".htm", ".odt", ".rtf"}
# each extractor's rules file -> its table, whose rows name the rule that made them
MENTION_TABLES = {spec.rules_file: name for name, spec in specs().items()}
# checks that compare several documents: one text cannot show them (tests/test_checks.py does)
SEVERAL_DOCUMENTS = {"checks.claims_disagree", "checks.registry_conflict", "checks.contradicts_cited_document"}


def _same(got, want) -> bool:
    if want is None or want == "":
        return got is None or got == ""
    return str(got) == str(want)


def _mention_rows(table: str, example: dict) -> None:
    result = extract_text(example["text"])
    assert not result.errors, result.errors
    rows = getattr(result, table)
    want_rows = example["expect"]
    got = [{k: getattr(r, k) for k in (want_rows[0] if want_rows else {"text": 1, "rule": 1})} for r in rows]
    assert len(rows) == len(want_rows), f"{len(rows)} rows, expected {len(want_rows)}: {got}"
    for row, want in zip(rows, want_rows):
        for field, value in want.items():
            assert _same(getattr(row, field), value), (field, getattr(row, field), value, row.text)
        assert row.text == result.normalized_text[row.start:row.end]


def _document(example: dict) -> None:
    result = extract_text(example["text"])
    assert not result.errors, result.errors
    for field, want in example["expect"].items():
        assert _same(getattr(result.document, field), want), (field, getattr(result.document, field), want)


def _normalized(example: dict) -> None:
    from pipeline.normalize import normalize_text
    assert normalize_text(example["text"])[0] == example["normalized"]


def _ocr_repair(example: dict) -> None:
    from pipeline.ingest.ocr_repair import fix_forms, repair
    if "fixed" in example:
        assert fix_forms(example["text"]) == example["fixed"]
    else:
        assert repair(example["text"])[0] == example["repaired"]


def _checks(example: dict) -> None:
    from pipeline.api import check_text
    assert [c.rule_id for c in check_text(example["text"])] == example["expect"]


# what an issuers example lists -> the citation field it is
CITATION_FIELDS = {"issuers": "issuer", "issuers_resolved": "issuer_resolved", "issuers_canonical": "issuer_canonical",
                   "jurisdictions": "jurisdiction"}


def _issuers(example: dict) -> None:
    from pipeline.extract.parts.issuers import identity as issuer_identity
    listed = [key for key in CITATION_FIELDS if key in example]
    if listed:
        citations = extract_text(example["text"]).citations
        for key in listed:
            assert [getattr(c, CITATION_FIELDS[key]) for c in citations] == example[key], key
    elif "same_as" in example:
        assert issuer_identity(example["text"]) == issuer_identity(example["same_as"])
    else:
        assert issuer_identity(example["text"]) != issuer_identity(example["other_than"])


def _numbers(example: dict) -> None:
    from pipeline.extract.parts import numbers
    readers = {"amount": numbers.read_amount, "count": numbers.read_count, "percent": numbers.read_percent,
               "spoken": numbers.read_spoken}
    got, want = readers[example["read"]](example["text"]), example["value"]
    assert got == want or (want is not None and got is not None and abs(got - want) < 1e-6 * max(1, abs(want))), \
        (example["text"], got, want)


def _dates(example: dict) -> None:
    from pipeline.extract.parts import dates
    got, want = dates.read_date(example["text"]), example["expect"]
    if want is None:
        assert got is None, (example["text"], got)
        return
    assert got is not None, example["text"]
    for field, value in want.items():
        assert getattr(got, field) == value, (example["text"], field, getattr(got, field), value)
    assert got.written == " ".join(example["text"][got.start:got.end].split())


RUNNERS = {"dates": _dates, "document": _document, "normalize": _normalized, "ocr_repair": _ocr_repair, "checks": _checks,
           "issuers": _issuers, "numbers": _numbers}


def _all_examples():
    for name in files_with_named_rules():
        for rule_id, i, example in examples(name):
            yield pytest.param(name, example, id=f"{rule_id}-{i}")


@pytest.mark.parametrize("name,example", list(_all_examples()))
def test_rule_example(name, example):
    if name in MENTION_TABLES:
        _mention_rows(MENTION_TABLES[name], example)
    else:
        RUNNERS[name](example)


def test_every_extractor_and_text_stage_has_named_rules():
    have, runnable = set(files_with_named_rules()), set(MENTION_TABLES) | set(RUNNERS)
    assert runnable <= have, f"these rules files have no named rules: {sorted(runnable - have)}"
    assert have <= runnable, f"no example runner for these rules files: {sorted(have - runnable)}"


def test_rule_ids_name_their_file_and_are_unique():
    seen = set()
    for name in files_with_named_rules():
        for rule in named_rules(name):
            file, _, short = rule["id"].partition(".")
            assert file == name and short, f"rules/{name}.yaml: id {rule['id']!r} is not `{name}.<name>`"
            assert rule["id"] not in seen, f"{rule['id']} is declared twice"
            seen.add(rule["id"])
            assert rule.get("about"), f"{rule['id']} has no about"


def test_a_rule_uses_keys_of_its_file():
    for name in files_with_named_rules():
        data = rules.load(name)
        for rule in named_rules(name):
            unknown = [k for k in rule.get("uses") or [] if k not in data]
            assert not unknown, f"{rule['id']} uses keys rules/{name}.yaml does not have: {unknown}"


# keys of a file that no rule reads: the messages of the checks and their value names
NOT_READ_BY_RULES = {("checks", "phrases"), ("checks", "value_names")}


def test_every_key_is_read_by_some_rule():
    """A word list or pattern says which rule reads it: a new key goes into
    the `uses` of its rule, so a reader finds the examples that exercise it."""
    for name in files_with_named_rules():
        used = {key for rule in named_rules(name) for key in rule.get("uses") or []}
        unread = [key for key in rules.load(name) if key != "rules" and key not in used
                  and (name, key) not in NOT_READ_BY_RULES]
        assert not unread, f"rules/{name}.yaml: no rule lists these keys under `uses`: {unread}"


def test_every_rule_has_examples():
    for name in files_with_named_rules():
        for rule in named_rules(name):
            if rule["id"] in SEVERAL_DOCUMENTS:
                continue
            assert rule.get("examples"), f"{rule['id']} has no examples"


def test_every_rule_of_an_extractor_makes_a_row_of_its_examples():
    for name in MENTION_TABLES:
        shown = {row.get("rule") for _, _, example in examples(name) for row in example["expect"]}
        missing = [rule["id"] for rule in named_rules(name) if rule["id"] not in shown]
        assert not missing, f"no example row names these rules of rules/{name}.yaml: {missing}"


@pytest.mark.slow
def test_every_row_of_the_corpus_names_a_declared_rule():
    from pipeline.api import extract_file
    declared = {rule["id"] for name in files_with_named_rules() for rule in named_rules(name)}
    seen: dict[str, str] = {}
    for path in sorted(p for p in (ROOT / "corpus").rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES):
        result = extract_file(str(path), time_limit=None)
        for table in MENTION_TABLES.values():
            for row in getattr(result, table):
                seen.setdefault(row.rule, f"{path.name}: {row.text!r}")
    undeclared = {rule: where for rule, where in seen.items() if rule not in declared}
    assert not undeclared, f"rows whose rule no rules file declares: {undeclared}"
    assert {"citations.numbered", "money.amount", "awards.count_before", "movements.quoted_after_head",
            "figures.percent"} <= set(seen)
