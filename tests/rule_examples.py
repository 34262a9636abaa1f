"""The named rules of the rules files (the `rules:` section of rules/*.yaml)
and their examples, read one way by the example runner
(test_rules_examples.py) and the vocabulary test (test_vocabulary_coverage.py)."""
from collections.abc import Mapping

from pipeline import rules


def named_rules(name: str) -> list[dict]:
    """The named rules of rules/<name>.yaml, each with its `id`. The checks of
    checks.yaml are a mapping by their `rule_id`: their ids are `checks.<rule_id>`."""
    declared = rules.load(name).get("rules") or []
    if isinstance(declared, Mapping):
        return [{"id": f"{name}.{key}", **entry} for key, entry in declared.items()]
    return list(declared)


def files_with_named_rules() -> list[str]:
    return [name for name in rules.rule_files() if named_rules(name)]


def examples(name: str) -> list[tuple[str, int, dict]]:
    """(rule id, its i-th example, the example) for every example of the file."""
    return [(rule["id"], i, example) for rule in named_rules(name)
            for i, example in enumerate(rule.get("examples") or [])]


def example_texts(name: str) -> list[str]:
    return [example["text"] for _, _, example in examples(name)]
