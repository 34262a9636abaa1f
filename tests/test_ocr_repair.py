"""The OCR tone-mark repair (pipeline/ingest/ocr_repair.py; its examples are in
rules/ocr_repair.yaml and run in test_rules_examples.py): it keeps lengths,
leaves correct text alone and writes back into OCR lines."""
from pathlib import Path

from pipeline.ingest.ocr import repair_pages
from pipeline.ingest.ocr_repair import repair
from pipeline.ingest.pages import Line, Page

SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "seeds"


def test_clean_seed_texts_are_left_alone():
    # text without OCR errors: every change would be a wrong one
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        repaired, changed = repair(text)
        assert (changed, repaired == text) == (0, True), path.name


def test_repair_keeps_case_and_length():
    text = "QUYÊT ĐỊNH\nVề việc tặng Băng khen; Luật Thì đua, Khen thưởng."
    repaired, changed = repair(text)
    assert repaired == "QUYẾT ĐỊNH\nVề việc tặng Bằng khen; Luật Thi đua, Khen thưởng."
    assert changed == 3 and len(repaired) == len(text)


def test_repair_pages_writes_back_into_the_lines_across_a_line_break():
    lines = [Line("Luật sửa đổi, bồ", 0, 0, 100, 10), Line("sung một số Điều", 0, 20, 100, 30)]
    page = Page(lines, 600, 800, 30)
    assert repair_pages([page]) == 1
    assert [line.text for line in page.lines] == ["Luật sửa đổi, bổ", "sung một số Điều"]
