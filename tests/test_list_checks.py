"""`tdkt check` on tables and lists: a decision's stated award counts against
its list of named recipients (count_vs_list), a table's total row against its
column (table_total_vs_entries).

The real pair is the Quảng Bình dossier of ../shared/corpus-real: the scanned
decision S01 (`Tặng Bằng khen ... cho 05 tập thể và 04 cá nhân`, read by OCR)
and its nomination list X01 (a spreadsheet, one row per recipient). The
constructed pairs are a DOCX decision and an XLSX list whose caption cites it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline import batch
from pipeline.api import check_text
from pipeline.audit import checks, store

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "corpus-real" / "files"
S01 = sorted(REAL.glob("S01_*.pdf"))
X01 = sorted(REAL.glob("X01_*.xlsx"))

COLLECTIVES = ["Công an tỉnh Quảng Bình", "Sở Tư pháp tỉnh Quảng Bình", "UBND huyện Quảng Ninh"]
PEOPLE = ["Ông Nguyễn Văn An", "Bà Lê Thị Hoa"]


def _run(paths, out: Path, ocr: bool = False):
    batch.run([str(p) for p in paths], str(out), workers=1, quiet=True, ocr=ocr)
    con = store.open_store(out)
    try:
        tables = store.read_tables(con)
    finally:
        con.close()
    return checks.run_checks(tables), tables


def _spans(f):
    """The finding's spans as (doc_id, start, end): its own, then the further ones."""
    rest = [s.rpartition(":") for s in f.spans.split("; ") if s]
    return [(f.doc_id, f.start, f.end)] + [(d, int(r.split("-")[0]), int(r.split("-")[1])) for d, _, r in rest]


# --------------------------------------------------------------------------- the real pair
@pytest.fixture(scope="module")
def real_pair(tmp_path_factory):
    if not S01 or not X01:
        pytest.skip("../shared/corpus-real is absent")
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed (make ocr-deps)")
    folder = tmp_path_factory.mktemp("dossier")
    for f in S01 + X01:
        shutil.copy(f, folder / f.name)
    return _run(sorted(folder.iterdir()), tmp_path_factory.mktemp("out"), ocr=True)


def test_the_real_decision_agrees_with_its_list(real_pair):
    findings, tables = real_pair
    docs = {d["doc_id"]: d for d in tables["documents"]}
    decision = next(d for d, v in docs.items() if "S01_" in v["source_path"])
    nominations = next(d for d, v in docs.items() if "X01_" in v["source_path"])
    stated = checks._statements(tables)[(decision, "Bằng khen")]
    assert sorted((r["recipient_type"], r["count"]) for r in stated) == [("cá nhân", 4), ("tập thể", 5)]
    listed = checks._lists(tables)[(nominations, 0)]
    # the list goes with the decision: same folder, all nine names of the list are the decision's
    assert checks._list_match(stated, listed, docs, {}) == ("list_same_folder", {"shared": 9, "n": 9})
    assert [f for f in findings if f.rule_id == "count_vs_list"] == []


def test_the_real_decision_against_a_list_one_short(real_pair):
    """The same store with one individual taken off the list: the decision's 04 cá nhân against 3."""
    _, tables = real_pair
    docs = {d["doc_id"]: d for d in tables["documents"]}
    nominations = next(d for d, v in docs.items() if "X01_" in v["source_path"])
    dropped = next(r for r in tables["awards"] if r["doc_id"] == nominations and r["recipient_type"] == "cá nhân")
    tables = dict(tables, awards=[r for r in tables["awards"] if r is not dropped])
    (f,) = [f for f in checks.run_checks(tables) if f.rule_id == "count_vs_list"]
    assert "05 tập thể và 04 cá" in f.sentence.replace("\n", " ")
    assert f.message.startswith("Văn bản nêu 4 cá nhân (Bằng khen), nhưng danh sách ở bảng 1 của tệp X01_")
    assert "có 3 cá nhân" in f.message and "cùng thư mục, 8/8 tên" in f.basis
    assert "stated=4; listed=3" in f.values and "table_index=0; table_rows=7, 8, 9" in f.values
    # the statement's span first, then the list's rows of that type
    spans = _spans(f)
    assert spans[0][0] != nominations and [d for d, _, _ in spans[1:]] == [nominations] * 3


# --------------------------------------------------------------------------- constructed pairs
def _decision(path: Path, collectives: int, people: int, number: str = "123/QĐ-UBND") -> None:
    import docx
    d = docx.Document()
    for line in ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG BÌNH", f"Số: {number}",
                 "Quảng Bình, ngày 10 tháng 10 năm 2022", "QUYẾT ĐỊNH",
                 "Về việc tặng Bằng khen của Chủ tịch UBND tỉnh", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG BÌNH",
                 f"Điều 1. Tặng Bằng khen của Chủ tịch UBND tỉnh cho {collectives:02d} tập thể và {people:02d} cá "
                 "nhân đã có thành tích xuất sắc trong công tác phổ biến, giáo dục pháp luật năm 2022 "
                 "(có danh sách kèm theo).",
                 "Điều 2. Quyết định có hiệu lực kể từ ngày ký."]:
        d.add_paragraph(line)
    d.save(str(path))


def _list(path: Path, collectives: list[str], people: list[str], caption: str) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.append(["DANH SÁCH KHEN THƯỞNG"])
    sheet.append([caption])
    sheet.append(["STT", "Phân loại", "Tên tập thể/cá nhân", "Hình thức khen thưởng"])
    for i, name in enumerate(collectives + people, 1):
        sheet.append([i, "TAPTHE" if name in collectives else "CANHAN", name, "Bằng khen"])
    wb.save(str(path))


CITING = "(Kèm theo Quyết định số 123/QĐ-UBND ngày 10/10/2022 của Chủ tịch UBND tỉnh)"


@pytest.mark.parametrize("collectives,people,want", [
    (3, 2, []),
    (3, 3, [("cá nhân", 3, 2)]),
    (4, 1, [("tập thể", 4, 3), ("cá nhân", 1, 2)]),
])
def test_a_decision_against_the_list_that_cites_it(tmp_path, collectives, people, want):
    folder = tmp_path / "in"
    (folder / "quyet-dinh").mkdir(parents=True)
    (folder / "danh-sach").mkdir()
    _decision(folder / "quyet-dinh" / "qd.docx", collectives, people)
    _list(folder / "danh-sach" / "ds.xlsx", COLLECTIVES, PEOPLE, CITING)
    findings, tables = _run([folder], tmp_path / "out")
    docs = {d["doc_id"]: d for d in tables["documents"]}
    ((_, stated),), ((_, listed),) = checks._statements(tables).items(), checks._lists(tables).items()
    assert checks._list_match(stated, listed, docs, {listed[0]["doc_id"]: {"123/QĐ-UBND"}}) == (
        "list_cites_document", {"number": "123/QĐ-UBND"})
    got = [f for f in findings if f.rule_id == "count_vs_list"]
    assert [(v["recipient_type"], int(v["stated"]), int(v["listed"]))
            for v in (dict(checks._value_pairs(f.values)) for f in got)] == want
    for f in got:
        assert "danh sách ghi kèm theo văn bản số 123/QĐ-UBND" in f.basis and "ds.xlsx" in f.message
        assert "Tặng Bằng khen" in f.sentence


def test_a_list_that_names_neither_the_decision_nor_its_recipients_is_not_compared(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _decision(folder / "qd.docx", 4, 1)
    _list(folder / "ds.xlsx", COLLECTIVES, PEOPLE, "(Kèm theo Quyết định số 456/QĐ-UBND ngày 12/12/2022)")
    findings, _ = _run([folder], tmp_path / "out")
    assert [f for f in findings if f.rule_id == "count_vs_list"] == []


def test_a_decision_with_its_list_in_a_table_and_one_claim_counted():
    text = ("Năm 2022, Chủ tịch UBND tỉnh tặng Bằng khen cho 02 tập thể (có danh sách kèm theo).\n\n"
            "DANH SÁCH\n\n| STT | Tên tập thể/cá nhân | Hình thức khen thưởng |\n|---|---|---|\n"
            "| 1 | Công an tỉnh Quảng Bình | Bằng khen |\n| 2 | Sở Tư pháp tỉnh Quảng Bình | Bằng khen |\n")
    assert check_text(text) == []
    (f,) = check_text(text.replace("02 tập thể", "03 tập thể"))
    assert f.rule_id == "count_vs_list" and "danh sách nằm trong chính văn bản" in f.basis
    assert "Công an tỉnh Quảng Bình, Sở Tư pháp tỉnh Quảng Bình" in f.message
