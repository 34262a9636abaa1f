"""What the audit commands (`tdkt registry`, `tdkt check`, `tdkt compare`) say
to a person, per language, in one place.

Vietnamese is the default: the readers are officials. ``--lang en`` (or the
environment variable ``TDKT_LANG=en``) gives English. Each message is in one
language: a Vietnamese line names columns by their Vietnamese labels
(``pipeline.labels``, ``rules/labels.yaml``: ``issued_date`` -> ``ngày ban
hành``) and writes numbers the Vietnamese way (``.`` groups thousands, ``,``
marks decimals: ``4.105,72``) and dates ``dd/mm/yyyy``. Data stays as it is:
a unit's name, an award, a file's path, the sentence quoted.

The templates of the check findings are not here but in ``rules/checks.yaml``,
beside the rules they describe (a domain expert edits their wording); this
table holds the words of the commands themselves (headings, counts, notes,
help texts).

``t(key, lang, **values)`` gives the string ``key`` in ``lang`` with its
``{name}`` fields filled.
"""
from __future__ import annotations

import os
import re

VI, EN = "vi", "en"
LANGS = (VI, EN)
DEFAULT = VI
ENV = "TDKT_LANG"

STRINGS: dict[str, dict[str, str]] = {
    VI: {
        # tdkt extract (pipeline/commands/extract.py) and the messages every command shares
        "nothing_to_read": "không tìm thấy tệp nào để đọc ({why})",
        "no_such_path": "không có tệp hoặc thư mục: {path}",
        "no_file_in": "không có tệp nào trong {path}",
        "out_not_a_folder": "thư mục kết quả {out} là một tệp, không phải thư mục",
        "out_unusable": "không dùng được thư mục kết quả {out}: {why}",
        "cannot_write": "không ghi được vào {out}: {why}",
        "no_store": "{out}: chưa có {db}; hãy chạy `tdkt extract ĐƯỜNG_DẪN... --out {out}` trước",
        "failed_files": "{n} tệp không đọc được trong lần chạy này (errors.csv trong {out} ghi đủ lý do):",
        "failed_more": "  ... và {n} tệp nữa",
        "dask_missing": "chế độ dask cần gói dask.distributed, chưa được cài: {hint}",
        "scheduler_unreachable": "không dùng được bộ điều phối Dask {address}: {why}",
        "install_checkout": "{python} -m pip install -e \"{root}[{extra}]\"",
        "install_package": "{python} -m pip install {requirements}  (phần bổ sung {extra} của tdkt)",
        "program_checkout": "`make {target}` trong {root} (gói Debian {packages})",
        "program_package": "`sudo apt-get install {packages}` (Debian)",
        "extract_summary": "Đã đọc {documents} văn bản ({skipped} văn bản không đổi được bỏ qua{extra}) "
                           "trong {seconds} ({rate} MB/s; đọc {reading}, ghi bảng {tables}) vào {out}",
        "extract_duplicates": ", {n} bản trùng với tệp khác",
        "extract_rows": "  {name:<26} {n:>7} dòng",
        "extract_errors": "  lỗi trong lần chạy này: {n}",
        "extract_epilog": (
            "mã thoát:\n"
            "  0  đọc được mọi tệp\n"
            "  1  có tệp không đọc được trong lần chạy này: mỗi tệp có một dòng trong bảng errors và được liệt kê "
            "trên stderr (20 tệp đầu), kể cả khi có --quiet; --fail-on none cho mã 0\n"
            "  2  dùng lệnh sai (tùy chọn sai, không có gì để đọc), thư mục kết quả không dùng được (là tệp, chỉ "
            "đọc, đầy đĩa), hoặc không kết nối được bộ điều phối Dask; không bảng nào được ghi\n"
            "  3  một lần chạy tdkt khác đang ghi vào thư mục kết quả"),
        # the --lang option of each command
        "lang_help": "ngôn ngữ của kết quả in ra: vi (tiếng Việt) hoặc en (tiếng Anh); "
                     "mặc định theo biến môi trường TDKT_LANG, nếu không có thì vi",
        "out_help": "thư mục kết quả mà lệnh `tdkt extract` đã ghi",
        "quiet_help": "chỉ in ra lỗi",
        # numbers as a qualifier writes them (`trên 64,2 tỷ đồng`)
        "qualifier_over": "trên",
        "qualifier_under": "dưới",
        "qualifier_approx": "khoảng",
        "billion_vnd": "{n} tỷ đồng",
        "million_vnd": "{n} triệu đồng",
        "vnd": "{n} đồng",
        "date_day": "ngày {d}",
        "date_month": "tháng {d}",
        "date_year": "năm {d}",

        # tdkt registry
        "registry_help": "sổ văn bản được trích dẫn và các trích dẫn mâu thuẫn nhau",
        "registry_description": (
            "Lập lại bảng văn bản được trích dẫn (mỗi văn bản thực sự được trích dẫn một dòng, theo "
            "khóa gồm ký hiệu, số, năm và, với văn bản của địa phương, tỉnh vào thời điểm của văn bản) và "
            "bảng trích dẫn mâu thuẫn (các trích dẫn cùng một văn bản nhưng ghi khác nhau về ngày ban hành, "
            "cơ quan ban hành hoặc loại văn bản; trích dẫn khác với chính văn bản được trích dẫn khi văn bản "
            "đó cũng được đọc; văn bản được trích dẫn có ngày sau văn bản trích dẫn nó; ngày không tồn tại) "
            "từ những gì lệnh `tdkt extract` đã lưu trong DIR."),
        "registry_conflicts_help": "liệt kê các trích dẫn mâu thuẫn, dễ đọc",
        "registry_summary": "{n_directives} văn bản được trích dẫn, {n_conflicts} trường hợp trích dẫn mâu thuẫn",
        "registry_wrote": "Đã ghi {out}/directives.csv, conflicts.csv (cùng tệp .csv và .parquet của mọi bảng), "
                          "tables.xlsx và {db}",
        "no_conflicts": "Không có trích dẫn nào mâu thuẫn.",
        "no_key": "(không có khóa)",
        "conflicts_summary": "{n_keys} văn bản được trích dẫn có mâu thuẫn ({n_values} giá trị khác nhau):",
        "conflicts_key": "{key} — {document}",
        "conflicts_document": "{doc_type} số {number}",
        "conflicts_document_kind": "Văn bản",
        "conflicts_title": " ({title})",
        "conflicts_field": "  {what}: {values}",
        "conflicts_and": " và ",
        "conflicts_dated_after": "  văn bản được trích dẫn ghi {a}, sau ngày của văn bản trích dẫn nó ({b})",
        "conflicts_at": "    {value}{path} (vị trí {start}): «{sentence}»",
        "conflicts_header_at": "    {value}chính văn bản {path} (vị trí {start}): «{sentence}»",
        "conflicts_more": "      … và {n} câu khác",

        # tdkt check
        "check_help": "kiểm tra số liệu đã trích xuất: tỷ lệ, tổng số, tỷ lệ khen thưởng tối đa, ngày, mâu thuẫn",
        "check_description": (
            "Kiểm tra các số liệu mà lệnh `tdkt extract` đã ghi vào DIR: tỷ lệ phần trăm nêu trong văn bản "
            "so với tỷ số hoặc số tiền của chính nó, tổng số so với các thành phần, dòng tổng cộng của bảng so "
            "với các dòng của nó, số lượng so với các tên được liệt kê và so với danh sách kèm theo, tỷ lệ "
            "khen thưởng tối đa (Chiến sĩ thi đua cơ sở so với Lao động tiên tiến, theo "
            "đơn vị và năm, với căn cứ pháp lý có hiệu lực), số liệu của cùng một đơn vị và năm khác nhau "
            "giữa các văn bản, văn bản được trích dẫn có ngày sau văn bản trích dẫn nó, và các trích dẫn "
            "mâu thuẫn. Các quy tắc là dữ liệu trong rules/checks.yaml. Ghi bảng checks vào DIR (CSV, "
            "Parquet, tệp Excel và cơ sở dữ liệu SQLite) và in ra các phát hiện."),
        "check_fail_on_help": "kết thúc với mã 1 khi có phát hiện ở mức này hoặc nặng hơn "
                              "(error: lỗi, warning: cảnh báo; mặc định never: không bao giờ)",
        "check_no_findings": "Không có phát hiện nào.",
        "check_no_document": "(không gắn với văn bản nào)",
        "check_where": "(vị trí {start}–{end})",
        "check_basis": "Căn cứ: {basis}",
        "check_values": "Số liệu đối chiếu: {values}",
        "check_value": "{name}: {value}",
        "check_total": "{n} phát hiện: {counts}",
        "check_count": "{n} {severity}",
        "check_wrote": "Đã ghi {out}/checks.csv, checks.parquet, trang tính «{sheet}» của tables.xlsx "
                       "và bảng checks của {db}",

        # tdkt compare
        "compare_help": "đặt số liệu của các đơn vị cạnh nhau: số lượng khen thưởng và các số liệu khác, "
                        "theo đơn vị và kỳ",
        "compare_description": (
            "Đặt cạnh nhau các số liệu mà lệnh `tdkt extract` đã ghi vào DIR: mỗi dòng là một số lượng khen "
            "thưởng (hình thức khen thưởng, cấp tặng, đối tượng) hoặc một số liệu khác (số lượng, tỷ số, tỷ "
            "lệ phần trăm của một chỉ tiêu, diện tích), mỗi cột là một đơn vị (cơ quan ban hành văn bản) "
            "trong một kỳ (năm của thành tích được khen; kỳ báo cáo của văn bản), sau đó là mức thay đổi "
            "giữa hai kỳ liền nhau của một đơn vị. Ghi compare.csv, compare.parquet, compare.xlsx và bảng "
            "compare của cơ sở dữ liệu vào DIR, và in bảng ra."),
        "compare_unit_help": "chỉ các đơn vị có tên chứa TEXT (lặp lại hoặc cách nhau bằng dấu phẩy để chọn nhiều)",
        "compare_period_help": "chỉ các kỳ này: năm `2022` gồm cả `2022-H1`, `2022-Q3` (có thể lặp lại)",
        "compare_province_help": "chỉ các đơn vị thuộc tỉnh này (có thể lặp lại)",
        "compare_no_figures_help": "chỉ so sánh số lượng khen thưởng",
        "compare_quiet_help": "không in bảng, chỉ in các tệp đã ghi",
        "compare_nothing": "Không có gì để so sánh với các điều kiện lọc này "
                           "(không có số lượng khen thưởng có năm, không có số liệu nào khác).",
        "compare_unit": "ĐV{i} = {unit}",
        "compare_column": "ĐV{i} {period}",
        "compare_claim": "Nội dung",
        "compare_section_awards": "khen thưởng",
        "compare_section_figures": "số liệu",
        "compare_disagree": "* các văn bản nêu số liệu này khác nhau: xem cột Ghi chú của compare.xlsx",
        "compare_skipped": "(đã bỏ qua {n} số lượng khen thưởng không rõ năm hoặc đơn vị)",
        "compare_wrote": "Đã ghi {files}",
        "compare_db_table": "{db} (bảng compare)",
    },
    EN: {
        "nothing_to_read": "nothing found to read ({why})",
        "no_such_path": "no such file or folder: {path}",
        "no_file_in": "no file in {path}",
        "out_not_a_folder": "the output folder {out} is a file, not a folder",
        "out_unusable": "cannot use the output folder {out}: {why}",
        "cannot_write": "cannot write to {out}: {why}",
        "no_store": "{out}: no {db} here; run `tdkt extract PATH... --out {out}` first",
        "failed_files": "{n} file(s) could not be read in this run (errors.csv in {out} lists every reason):",
        "failed_more": "  ... and {n} more",
        "dask_missing": "the dask engine needs dask.distributed, which is not installed: {hint}",
        "scheduler_unreachable": "cannot use the Dask scheduler {address}: {why}",
        "install_checkout": "{python} -m pip install -e \"{root}[{extra}]\"",
        "install_package": "{python} -m pip install {requirements}  (the {extra} extra of tdkt)",
        "program_checkout": "`make {target}` in {root} (Debian packages {packages})",
        "program_package": "`sudo apt-get install {packages}` (Debian)",
        "extract_summary": "Read {documents} document(s) ({skipped} unchanged, skipped{extra}) in {seconds} "
                           "({rate} MB/s; reading {reading}, tables {tables}) into {out}",
        "extract_duplicates": ", {n} duplicate(s) of another file",
        "extract_rows": "  {name:<26} {n:>7} rows",
        "extract_errors": "  errors in this run: {n}",
        "extract_epilog": (
            "exit status:\n"
            "  0  every file was read\n"
            "  1  some files could not be read in this run: each has an errors row, and they are listed on "
            "stderr (the first 20), also with --quiet; --fail-on none makes this 0\n"
            "  2  usage error (a wrong option, nothing found to read) or an output folder that cannot be used "
            "(a file, read-only, disk full), or a Dask scheduler that cannot be reached; no table is written\n"
            "  3  another tdkt run is writing to the output folder"),
        "lang_help": "language of what is printed: vi (Vietnamese) or en (English); "
                     "default from the environment variable TDKT_LANG, else vi",
        "out_help": "the output folder `tdkt extract` filled",
        "quiet_help": "print nothing but errors",
        "qualifier_over": "over",
        "qualifier_under": "under",
        "qualifier_approx": "about",
        "billion_vnd": "{n} billion VND",
        "million_vnd": "{n} million VND",
        "vnd": "{n} VND",
        "date_day": "{d}",
        "date_month": "{d}",
        "date_year": "{d}",

        "registry_help": "the registry of cited documents and where citations disagree",
        "registry_description": (
            "Rebuild the directives table (one row per real cited document, keyed by code, serial, year "
            "and, for local codes, the province at the document's time) and the conflicts table (citations "
            "of one key that disagree on date, issuer or kind; citations that disagree with the cited "
            "document itself when it was read too; cited documents dated after the report citing them; "
            "impossible dates) from what `extract` stored in DIR."),
        "registry_conflicts_help": "list the conflicts readably",
        "registry_summary": "{n_directives} cited documents, {n_conflicts} conflict(s)",
        "registry_wrote": "Wrote {out}/directives.csv, conflicts.csv (and every table's .csv and .parquet), "
                          "tables.xlsx and {db}",
        "no_conflicts": "No conflicts.",
        "no_key": "(no key)",
        "conflicts_summary": "{n_keys} cited document(s) in conflict ({n_values} differing values):",
        "conflicts_key": "{key} — {document}",
        "conflicts_document": "{doc_type} {number}",
        "conflicts_document_kind": "Document",
        "conflicts_title": " ({title})",
        "conflicts_field": "  {what}: {values}",
        "conflicts_and": " vs ",
        "conflicts_dated_after": "  cited as dated {a}, after the document citing it ({b})",
        "conflicts_at": "    {value}{path} @{start}: «{sentence}»",
        "conflicts_header_at": "    {value}the document itself, {path} @{start}: «{sentence}»",
        "conflicts_more": "      … and {n} more sentence(s)",

        "check_help": "check the extracted claims: percentages, totals, quotas, dates, conflicts",
        "check_description": (
            "Check the claims that `tdkt extract` wrote into DIR: stated percentages against their own "
            "ratio or amounts, totals against their parts, a table's total row against its rows, counts "
            "against the names listed and against the attached list of recipients, award quotas "
            "(Chiến sĩ thi đua cơ sở against Lao động tiên tiến, by unit and year, with the legal basis in "
            "force), claims of one unit and year that differ between documents, cited documents dated "
            "after the report citing them, and registry conflicts. The rules are data in rules/checks.yaml. "
            "Writes the checks table to DIR (CSV, Parquet, the workbook and the SQLite store) and prints "
            "the findings."),
        "check_fail_on_help": "exit with status 1 when a finding of this severity or worse exists (default: never)",
        "check_no_findings": "No findings.",
        "check_no_document": "(registry)",
        "check_where": "@{start}-{end}",
        "check_basis": "basis:  {basis}",
        "check_values": "values: {values}",
        "check_value": "{name}={value}",
        "check_total": "{n} finding(s): {counts}",
        "check_count": "{n} {severity}",
        "check_wrote": "Wrote {out}/checks.csv, checks.parquet, the sheet «{sheet}» of tables.xlsx "
                       "and the checks table of {db}",

        "compare_help": "put units' claims side by side: award counts and figures by unit and period",
        "compare_description": (
            "Put the claims that `tdkt extract` wrote into DIR side by side: rows are award counts (award, "
            "conferrer, recipient type) and figures (counts, ratios, percentages of a named thing, areas), "
            "columns are units (the issuer of each document) × periods (an award count's achievement year, "
            "a figure's document period), then the change between a unit's consecutive periods. Writes "
            "compare.csv, compare.parquet, compare.xlsx and the store's compare table to DIR, and prints "
            "the table."),
        "compare_unit_help": "only units whose name contains TEXT (repeat or comma-separate for several)",
        "compare_period_help": "only these periods: a year `2022` also takes `2022-H1`, `2022-Q3` (repeatable)",
        "compare_province_help": "only units of this province (repeatable)",
        "compare_no_figures_help": "award counts only",
        "compare_quiet_help": "do not print the table, only the files written",
        "compare_nothing": "Nothing to compare (no award counts with a year, no figures) for these filters.",
        "compare_unit": "U{i} = {unit}",
        "compare_column": "U{i} {period}",
        "compare_claim": "claim",
        "compare_section_awards": "awards",
        "compare_section_figures": "figures",
        "compare_disagree": "* documents disagree on this claim: see the note column of compare.csv",
        "compare_skipped": "({n} award count(s) without a year or unit were left out)",
        "compare_wrote": "Wrote {files}",
        "compare_db_table": "{db} (table compare)",
    },
}

# The names of the registry's compared columns, when pipeline.labels cannot
# give them (Vietnamese) and in English (labels gives the machine name there).
FIELD_NAMES = {
    VI: {"issued_date": "ngày ban hành", "issuer_resolved": "cơ quan ban hành", "doc_type": "loại văn bản"},
    EN: {"issued_date": "issue dates", "issuer_resolved": "issuers", "doc_type": "document types"},
}
# What a conflict is, when pipeline.labels cannot say it (Vietnamese), and in English.
CONFLICT_KINDS = {
    VI: {"issued_date": "ngày ban hành khác nhau", "issuer_resolved": "cơ quan ban hành khác nhau",
         "doc_type": "loại văn bản khác nhau",
         "dated_after_citing_report": "văn bản được trích dẫn có ngày sau văn bản trích dẫn nó",
         "impossible_date": "ngày không tồn tại",
         "document_issued_date": "ngày ban hành khác với chính văn bản",
         "document_doc_type": "loại văn bản khác với chính văn bản",
         "document_issuer": "cơ quan ban hành khác với chính văn bản"},
    EN: {"issued_date": "dates differ", "issuer_resolved": "issuers differ", "doc_type": "kinds differ",
         "dated_after_citing_report": "cited document dated after the report citing it",
         "impossible_date": "date that does not exist",
         "document_issued_date": "date differs from the document itself",
         "document_doc_type": "kind differs from the document itself",
         "document_issuer": "issuer differs from the document itself"},
}
SEVERITIES = {
    VI: {"error": "Lỗi", "warning": "Cảnh báo", "info": "Thông tin"},
    EN: {"error": "error", "warning": "warning", "info": "info"},
}


def default_lang() -> str:
    """The language when no --lang is given: ``TDKT_LANG`` if it names one, else Vietnamese."""
    lang = (os.environ.get(ENV) or "").strip().lower()
    return lang if lang in LANGS else DEFAULT


def lang_of(value: str | None) -> str:
    """``--lang``'s value, else the default."""
    return value if value in LANGS else default_lang()


def t(key: str, lang: str = DEFAULT, /, **values) -> str:
    """The string ``key`` in ``lang`` (Vietnamese when that language lacks it), fields filled."""
    table = STRINGS.get(lang) or STRINGS[DEFAULT]
    text = table.get(key)
    if text is None:
        text = STRINGS[DEFAULT][key]
    return text.format(**values) if values else text


def add_lang_option(parser) -> None:
    """The ``--lang {vi,en}`` option of a command (its default read when the command runs)."""
    parser.add_argument("--lang", choices=LANGS, default=None, help=t("lang_help", default_lang()))


# --------------------------------------------------------------------------- numbers and dates
def number(x, lang: str = DEFAULT, decimals: int = 2) -> str:
    """A number as a person of ``lang`` writes it, at most ``decimals`` decimals,
    trailing zeros dropped: vi ``4.105,72`` / ``1.015``, en ``4,105.72`` / ``1,015``."""
    import math
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if x in (math.inf, -math.inf):
        return "∞" if x > 0 else "-∞"
    s = f"{x:,.{decimals}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    if s in ("-0", ""):
        s = "0"
    if lang == VI:
        s = s.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return s


def number_range(lo, hi, lang: str = DEFAULT, decimals: int = 2, suffix: str = "") -> str:
    """``15,79%``, or ``89,66–89,93%`` when the two ends differ as written."""
    a, b = number(lo, lang, decimals), number(hi, lang, decimals)
    return f"{a}{suffix}" if a == b else f"{a}–{b}{suffix}"


def money(amount: float, lang: str = DEFAULT) -> str:
    """An amount of đồng as a person reads it: ``64,2 tỷ đồng``, ``14 triệu đồng``, ``500.000 đồng``."""
    for key, f in (("billion_vnd", 1e9), ("million_vnd", 1e6)):
        if abs(amount) >= f:
            return t(key, lang, n=number(amount / f, lang, 3))
    return t("vnd", lang, n=number(amount, lang, 0))


_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def date(iso: str, lang: str = DEFAULT, word: bool = False) -> str:
    """An ISO date (or a part of one) as a person reads it: vi ``29/12/2021``,
    ``12/2021``, ``2021`` (``word``: ``ngày 29/12/2021``, ``tháng 12/2021``,
    ``năm 2021``); en the ISO form. Anything else is given back as it is."""
    m = _ISO.fullmatch(iso or "")
    if not m:
        return iso or ""
    y, mo, d = m.groups()
    if lang != VI:
        shown, kind = iso, "day" if d else "month" if mo else "year"
    elif d:
        shown, kind = f"{d}/{mo}/{y}", "day"
    elif mo:
        shown, kind = f"{mo}/{y}", "month"
    else:
        shown, kind = y, "year"
    return t(f"date_{kind}", lang, d=shown) if word else shown


# --------------------------------------------------------------------------- labels of columns and values
def _labels():
    """``pipeline.labels`` (rules/labels.yaml) when it can be imported."""
    try:
        from . import labels
    except ImportError:
        return None
    return labels


def header(table: str, column: str, lang: str = DEFAULT) -> str:
    """The column's name a person reads: its label in Vietnamese, the machine name in English."""
    labels = _labels()
    if lang == VI and labels is not None:
        try:
            return str(labels.header(table, column, VI))
        except Exception:               # a labels file being edited must not stop a command
            pass
    return column


def value(table: str, column: str, v, lang: str = DEFAULT):
    """An enumerated value's label in Vietnamese (the value itself otherwise)."""
    labels = _labels()
    if lang == VI and labels is not None:
        try:
            return labels.value(table, column, v, VI)
        except Exception:
            pass
    return v


def sheet_name(table: str, lang: str = DEFAULT) -> str:
    """The table's sheet in tables.xlsx (in Vietnamese: its name from the labels, when they give one)."""
    labels = _labels()
    if labels is not None:
        try:
            return str(labels.sheet_name(table, lang))
        except Exception:
            pass
    return table


def field_name(column: str, lang: str = DEFAULT) -> str:
    """A registry column inside a sentence: vi ``ngày ban hành``, en ``issue dates``."""
    if lang == VI:
        shown = header("directives", column, VI)
        if shown != column:
            return shown[:1].lower() + shown[1:]
    return FIELD_NAMES.get(lang, FIELD_NAMES[DEFAULT]).get(column, column)


def conflict_kind(field: str, lang: str = DEFAULT) -> str:
    """What a conflict of ``field`` is: vi ``ngày ban hành khác nhau``, en ``dates differ``."""
    return _value_label("conflicts", "field", field, lang, CONFLICT_KINDS)


def severity(level: str, lang: str = DEFAULT) -> str:
    """A severity's name: vi ``Lỗi``, ``Cảnh báo``; en ``error``, ``warning``."""
    return _value_label("checks", "severity", level, lang, SEVERITIES)


def _value_label(table: str, column: str, v: str, lang: str, words: dict) -> str:
    """An enumerated value's label: in Vietnamese the labels' (rules/labels.yaml),
    else this module's words for ``lang``, else the value itself."""
    if lang == VI:
        shown = value(table, column, v, VI)
        if shown != v:
            return str(shown)
    return words.get(lang, words[DEFAULT]).get(v, v)
