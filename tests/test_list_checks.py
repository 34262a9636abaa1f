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

from builders import docx_with_table, xlsx_with_table
from pipeline import batch
from pipeline.api import check_text, extract_text
from pipeline.audit import checks, store
from pipeline.audit.store import tables_of_results

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
    assert "count=4; listed=3" in f.values and "table_index=0; table_rows=7, 8, 9" in f.values
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
    assert checks._list_match(stated, listed, docs, {listed[0]["doc_id"]: {("Quyết định", "123/QĐ-UBND")}}) == (
        "list_cites_document", {"number": "123/QĐ-UBND"})
    got = [f for f in findings if f.rule_id == "count_vs_list"]
    assert [(v["recipient_type"], int(v["count"]), int(v["listed"]))
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


@pytest.mark.parametrize("collectives,people,want", [(3, 2, []), (3, 1, [("cá nhân", 1, 2)])])
def test_the_folders_only_list_goes_with_its_only_decision_that_attaches_one(tmp_path, collectives, people, want):
    folder = tmp_path / "in"
    folder.mkdir()
    _decision(folder / "qd.docx", collectives, people)
    _list(folder / "ds.xlsx", COLLECTIVES, PEOPLE, "")
    findings, _ = _run([folder], tmp_path / "out")
    got = [f for f in findings if f.rule_id == "count_vs_list"]
    assert [(v["recipient_type"], int(v["count"]), int(v["listed"]))
            for v in (dict(checks._value_pairs(f.values)) for f in got)] == want
    assert all("danh sách duy nhất" in f.basis for f in got)


def test_two_decisions_that_attach_a_list_leave_the_folders_list_unmatched(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _decision(folder / "qd1.docx", 3, 1)
    _decision(folder / "qd2.docx", 2, 2, number="124/QĐ-UBND")
    _list(folder / "ds.xlsx", COLLECTIVES, PEOPLE, "")
    findings, _ = _run([folder], tmp_path / "out")
    assert [f for f in findings if f.rule_id == "count_vs_list"] == []


@pytest.mark.parametrize("people,want", [(2, []), (3, [("cá nhân", 3, 2)])])
def test_a_docx_decision_with_its_list_in_a_table(tmp_path, people, want):
    import docx
    path = tmp_path / "in" / "qd.docx"
    path.parent.mkdir()
    _decision(path, 3, people)
    d = docx.Document(str(path))
    d.add_paragraph("DANH SÁCH")
    table = d.add_table(rows=1, cols=3)
    for c, text in enumerate(["STT", "Tên tập thể/cá nhân", "Hình thức khen thưởng"]):
        table.cell(0, c).text = text
    for i, name in enumerate(COLLECTIVES + PEOPLE, 1):
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = str(i), name, "Bằng khen của Chủ tịch UBND tỉnh"
    d.save(str(path))
    findings, tables = _run([path.parent], tmp_path / "out")
    assert len(checks._lists(tables)) == 1
    got = [f for f in findings if f.rule_id == "count_vs_list"]
    assert [(v["recipient_type"], int(v["count"]), int(v["listed"]))
            for v in (dict(checks._value_pairs(f.values)) for f in got)] == want
    assert all("danh sách nằm trong chính văn bản" in f.basis for f in got)


def test_a_decision_with_its_list_in_a_table_and_one_claim_counted():
    text = ("Năm 2022, Chủ tịch UBND tỉnh tặng Bằng khen cho 02 tập thể (có danh sách kèm theo).\n\n"
            "DANH SÁCH\n\n| STT | Tên tập thể/cá nhân | Hình thức khen thưởng |\n|---|---|---|\n"
            "| 1 | Công an tỉnh Quảng Bình | Bằng khen |\n| 2 | Sở Tư pháp tỉnh Quảng Bình | Bằng khen |\n")
    assert check_text(text) == []
    # the decision's `02 tập thể` and its list of two are one claim (quotas, claims_disagree), not four
    tables = tables_of_results([extract_text(text)])
    assert sorted(r["rule"] for r in tables["awards"]) == ["awards.count_after"] + ["awards.table_list"] * 2
    assert [(r["rule"], r["count"]) for r in checks._claims(tables)] == [("awards.count_after", 2)]
    (f,) = check_text(text.replace("02 tập thể", "03 tập thể"))
    assert f.rule_id == "count_vs_list" and "danh sách nằm trong chính văn bản" in f.basis
    assert "Công an tỉnh Quảng Bình, Sở Tư pháp tỉnh Quảng Bình" in f.message


# --------------------------------------------------------------------------- table totals
CAPTION = ["Kinh phí khen thưởng năm 2022", "Đơn vị tính: triệu đồng"]
HEADER = ["TT", "Nội dung", "Số tiền"]
# groups with their subtotals over their rows; the total adds the groups
GROUPED = [["I", "Khối huyện", "150"], ["1", "Phòng Nội vụ", "100"], ["2", "Phòng Tài chính", "50"],
           ["II", "Khối xã", "70,5"], ["1", "Xã An Bình", "70,5"], ["", "Tổng cộng", "220,5"]]
# groups closed by their own `Cộng`, then the grand total
CLOSED = [["A", "Khối huyện", ""], ["1", "Phòng Nội vụ", "100"], ["2", "Phòng Tài chính", "50"],
          ["", "Cộng", "150"], ["B", "Khối xã", ""], ["1", "Xã An Bình", "70"], ["", "Cộng", "70"],
          ["", "Tổng cộng", "220"]]
# the total first
ON_TOP = [["", "Tổng cộng", "220"], ["1", "Phòng Nội vụ", "100"], ["2", "Phòng Tài chính", "50"],
          ["3", "Xã An Bình", "70"]]


def _markdown(path: Path, rows) -> None:
    lines = CAPTION + ["", "| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    path.write_text("\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows]) + "\n\nCác đơn vị thực hiện.\n",
                    encoding="utf-8")


def _docx(path: Path, rows) -> None:
    docx_with_table(path, CAPTION, [HEADER] + rows, "Các đơn vị thực hiện.")


def _xlsx(path: Path, rows) -> None:
    pytest.importorskip("openpyxl")
    xlsx_with_table(path, CAPTION, [HEADER] + [[row[0], row[1], float(row[2].replace(",", ".")) if row[2] else None]
                                              for row in rows])


WRITERS = {"txt": _markdown, "docx": _docx, "xlsx": _xlsx}


def _altered(rows, label_at: int, value: str):
    return [r if i != label_at else r[:2] + [value] for i, r in enumerate(rows)]


@pytest.fixture(scope="module")
def tables_store(tmp_path_factory):
    """Each table right and with one total altered, in each format, extracted in one batch."""
    folder = tmp_path_factory.mktemp("tables")
    cases = {"grouped": GROUPED, "grouped-off": _altered(GROUPED, 5, "230,5"), "closed": CLOSED,
             "closed-off": _altered(CLOSED, 3, "160"), "top": ON_TOP, "top-off": _altered(ON_TOP, 0, "200")}
    for ext, write in WRITERS.items():
        for name, rows in cases.items():
            write(folder / f"{name}.{ext}", rows)
    return _run([folder], tmp_path_factory.mktemp("out"))


@pytest.mark.parametrize("ext", sorted(WRITERS))
@pytest.mark.parametrize("case,want", [
    ("grouped", None), ("closed", None), ("top", None),
    # (the total's row in the grid, its value, the rows it was added from, the sum)
    ("grouped-off", (6, "230,5", "1, 4", "220,5")),
    ("closed-off", (4, "160", "2, 3", "150")),
    ("top-off", (1, "200", "2, 3, 4", "220")),
])
def test_a_total_row_against_its_column(tables_store, ext, case, want):
    findings, tables = tables_store
    doc = next(d["doc_id"] for d in tables["documents"] if Path(d["source_path"]).name == f"{case}.{ext}")
    got = [f for f in findings if f.doc_id == doc]
    assert [f.rule_id for f in got] == ([] if want is None else ["table_total_vs_entries"])
    if want is None:
        return
    (f,) = got
    values = dict(checks._value_pairs(f.values))
    assert (int(values["table_row"]), values["total"], values["rows"], values["sum"]) == want
    assert (values["table_index"], values["table_col"]) == ("0", "2")
    # the first span is the total's cell, the others the cells added up: the figures' and money's own rows
    total = next(r for r in tables["figures"] if r["doc_id"] == doc and r["rule"] == "figures.table_total")
    assert (f.start, f.end, total["text"]) == (total["start"], total["end"], want[1])
    cells = {(r["start"], r["end"]): r["table_row"] for r in tables["money"] if r["doc_id"] == doc}
    assert [cells[(s, e)] for _, s, e in _spans(f)[1:]] == [int(x) for x in want[2].split(", ")]
    assert f.message.startswith("Bảng 1, dòng «") and f"tổng {want[1]} không khớp" in f.message
    assert checks.message(f, "en").startswith("Table 1, row «")


def test_award_counts_against_their_total_row():
    text = ("Kết quả khen thưởng năm 2022 như sau:\n\n| TT | Hình thức khen thưởng | Tập thể | Cá nhân |\n"
            "|---|---|---|---|\n| 1 | Bằng khen của Chủ tịch UBND tỉnh | 21 | 25 |\n"
            "| 2 | Giấy khen của Chủ tịch UBND huyện | 154 | 372 |\n| | Tổng cộng | 175 | 397 |\n")
    assert check_text(text) == []
    (f,) = check_text(text.replace("| 175 |", "| 185 |"))
    assert f.rule_id == "table_total_vs_entries" and "cột «Tập thể»: tổng 185 không khớp với cộng 2 dòng = 175" \
        in f.message and f.basis == "21 + 154 = 175 ≠ 185"
