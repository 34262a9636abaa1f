"""Every rules file declares its keys (``keys:`` at the top) and is checked
against them when loaded: a renamed, missing or mistyped key, or a key the code
reads that the file does not declare, is one RuleError line naming the file
and the key. A batch with a broken rules folder stops once, before any
document, with that line and exit status 2."""
import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import rules

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def rules_copy(tmp_path, monkeypatch):
    """A copy of rules/ that rules.load reads (as TDKT_RULES points it), with
    an edit helper: edit("citations", old, new) rewrites that file."""
    copy = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(rules, "RULES_DIR", copy)
    rules.load.cache_clear()

    def edit(name: str, pattern: str, replacement: str) -> None:
        path = copy / f"{name}.yaml"
        text, n = re.subn(pattern, replacement, path.read_text(encoding="utf-8"), count=1, flags=re.M)
        assert n == 1, f"{pattern!r} not in {path.name}"
        path.write_text(text, encoding="utf-8")

    edit.folder = copy
    yield edit
    rules.load.cache_clear()


def _error(name: str) -> str:
    with pytest.raises(rules.RuleError) as caught:
        rules.load(name)
    return str(caught.value)


def _one_line_naming(message: str, file: str, key: str) -> None:
    assert "\n" not in message, message
    assert f"{file}.yaml" in message and f'"{key}"' in message, message


def test_every_rules_file_loads_and_declares_each_key_with_an_about():
    names = rules.rule_files()
    assert {"citations", "money", "awards", "movements", "figures", "document", "issuers"} <= set(names)
    for name in names:
        data = rules.load(name)
        assert "keys" not in data, name                     # the declarations are not data
        assert data.file.endswith(f"{name}.yaml")
        raw = (rules.RULES_DIR / f"{name}.yaml").read_text(encoding="utf-8")
        assert raw.index("\nkeys:") < min(raw.index(f"\n{k}:") for k in data), f"{name}: keys: is not at the top"


def test_a_renamed_key_names_the_file_the_key_and_the_declared_one(rules_copy):
    rules_copy("citations", r"^doc_kinds:", "doc_kind:")
    message = _error("citations")
    _one_line_naming(message, "citations", "doc_kind")
    assert 'is not declared under keys: (did you mean "doc_kinds"?)' in message


def test_a_missing_key_names_the_file_and_the_key(rules_copy):
    rules_copy("money", r"^per_unit_leads: .*\n", "")
    message = _error("money")
    _one_line_naming(message, "money", "per_unit_leads")
    assert "declared under keys: but missing" in message


def test_an_optional_key_may_be_left_out(rules_copy):
    rules_copy("money", r"^qualifiers_after:\n(?:  .*\n)+", "")
    assert "qualifiers_after" not in rules.load("money")
    assert rules.load("money").get("qualifiers_after") is None


def test_a_value_of_another_type_names_the_file_the_key_and_both_types(rules_copy):
    rules_copy("figures", r"^of_what_max_words: .*$", "of_what_max_words: ten")
    message = _error("figures")
    _one_line_naming(message, "figures", "of_what_max_words")
    assert message.endswith("must be a int, not a str")


def test_a_list_where_a_pattern_goes(rules_copy):
    rules_copy("citations", r"^number_pattern: \|\n(?:  .*\n)+", "number_pattern: [số]\n")
    _one_line_naming(_error("citations"), "citations", "number_pattern")


def test_an_undeclared_key_read_from_code_names_the_file_and_the_key():
    with pytest.raises(rules.RuleError) as caught:
        rules.load("citations")["nope"]
    _one_line_naming(str(caught.value), "citations", "nope")
    with pytest.raises(rules.RuleError, match=r'key "doc_kind" .*\(did you mean "doc_kinds"\?\)'):
        rules.load("citations")["doc_kind"]


def test_the_rules_are_read_only():
    data = rules.load("citations")
    with pytest.raises(TypeError):
        data["doc_kinds"] = []                          # type: ignore[index]


@pytest.mark.parametrize("declaration,complaint", [
    ("{type: list}", "needs an about"),
    ("{type: array, about: x}", 'type "array", not one of str, int, float, bool, list, map'),
    ("{type: list, about: x, optinal: true}", '"optinal", not one of type, about, optional (did you mean "optional"?)'),
])
def test_a_malformed_declaration_is_named(rules_copy, declaration, complaint):
    rules_copy("money", r"^  per_unit_leads: \{.*\}$", f"  per_unit_leads: {declaration}")
    message = _error("money")
    _one_line_naming(message, "money", "per_unit_leads")
    assert complaint in message


def test_a_file_without_keys_and_a_file_that_is_no_yaml(rules_copy):
    rules_copy("html", r"^keys:\n(?:  .*\n)+", "")
    assert _error("html").endswith("html.yaml: no keys: section (every rules file declares its keys at the top)")
    rules_copy("issuers", r"^place_words: \[", "place_words: [[")
    message = _error("issuers")
    assert "\n" not in message and "issuers.yaml: not valid YAML: " in message and "(line " in message


def test_every_module_that_compiles_rules_is_prepared():
    """rules.prepare() imports COMPILING_MODULES: each module marking a function
    @rules.compiled is one of them (else its patterns compile at the first document)."""
    marking = set()
    for path in (ROOT / "pipeline").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and any(
                    isinstance(d, ast.Call) and ast.unparse(d.func) == "rules.compiled" for d in node.decorator_list):
                marking.add(".".join(path.relative_to(ROOT).with_suffix("").parts))
    assert marking and marking <= set(rules.COMPILING_MODULES), marking - set(rules.COMPILING_MODULES)


def _python(code: str, rules_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "TDKT_RULES": str(rules_dir), "TDKT_LANG": "en"}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_prepare_compiles_the_patterns_and_names_the_file_of_one_that_does_not(rules_copy):
    rules_copy("citations", r"^law_amendment_pattern: \|\n", "law_amendment_pattern: |\n  (\n")
    run = _python("from pipeline import rules\ntry:\n    rules.prepare()\nexcept rules.RuleError as exc:\n"
                  "    print(exc)\n", rules_copy.folder)
    said = run.stdout.strip()
    assert run.returncode == 0 and "\n" not in said, run.stderr
    assert "citations.yaml" in said and "cannot be compiled" in said, said


def test_extract_with_a_broken_rules_folder_stops_once_with_status_2(rules_copy, tmp_path):
    rules_copy("awards", r"^titles:", "title:")
    line = _extract_stops_in_one_line(rules_copy.folder, tmp_path, n_files=3)
    assert "awards.yaml" in line and '"title"' in line, line


def _extract_stops_in_one_line(rules_folder, tmp_path, n_files: int) -> str:
    """`tdkt extract` of ``n_files`` small reports with the rules of ``rules_folder``:
    it stops with status 2, one line on stderr, nothing on stdout and no store.
    Returns the line."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(n_files):
        (inputs / f"r{i}.txt").write_text(f"Kế hoạch số {i + 1}/KH-UBND ngày 05/01/2022 của UBND tỉnh.\n",
                                         encoding="utf-8")
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", str(inputs), "--out", str(out),
                          "--workers", "2", "--quiet"], cwd=ROOT, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "TDKT_RULES": str(rules_folder), "TDKT_LANG": "en"})
    assert run.returncode == 2, (run.stdout, run.stderr)
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("tdkt extract: "), run.stderr
    assert run.stdout == "" and not (out / "registry.sqlite").exists()
    return lines[0]


def test_extract_with_a_pattern_that_does_not_compile_stops_once_with_status_2(rules_copy, tmp_path):
    """The worker processes compile the rules (the batch's own process only
    loads them): the first one says RuleError instead of ready, before the
    store is opened and before any document."""
    rules_copy("citations", r"^law_amendment_pattern: \|\n", "law_amendment_pattern: |\n  (\n")
    line = _extract_stops_in_one_line(rules_copy.folder, tmp_path, n_files=1)
    assert "citations.yaml" in line and "cannot be compiled" in line, line
