"""The review page's words, per language, in one place.

Vietnamese is the default (the page is read by officials); ``--lang en``
gives the English page. Each message is in one language: a Vietnamese page
has no English heading, label, note or button. Data (a document's text, its
rows, a reader's error) is shown as stored.

The names of tables, columns and enumerated values come from
``pipeline.labels`` (``rules/labels.yaml``, the workbook's labels) when it can
be imported; without it the machine names are shown (see :class:`Names`).
"""
from __future__ import annotations

import re

from ..audit import numbers as num

LANGS = ("vi", "en")
DEFAULT = "vi"

STRINGS: dict[str, dict[str, str]] = {
    "vi": {
        "html_lang": "vi",
        "title": "tdkt — {out}",
        "title_page": "tdkt — {out} — trang {p}/{n}",
        "nav_head": "Rà soát tdkt",
        "nav_highlights": "Tô sáng",
        "nav_documents": "Văn bản",
        "nav_pages": "Các trang ({n})",
        "generated": "Tạo lúc {when}",
        "summary": "Tổng hợp",
        "summary_page": "Tổng hợp — trang {p}/{n}",
        "folder": "Thư mục kết quả: {out}",
        "sources": "Thư mục tệp nguồn: {folder}",
        "checks": "Kiểm tra",
        "charts": "Biểu đồ",
        "charts_title": "Biểu đồ: số khen thưởng theo đơn vị và năm",
        "documents": "Văn bản",
        "documents_n": "Văn bản ({n})",
        "unread": "Không đọc được",
        "unread_n": "Không đọc được ({n})",
        # the kinds of span (legend, summary columns, hover tips)
        "k_citation": "Trích dẫn",
        "k_movement": "Phong trào",
        "k_money": "Tiền",
        "k_award": "Khen thưởng",
        "k_figure": "Số liệu",
        "k_check": "Kiểm tra",
        # the status of a file
        "st_ok": "Đọc được",
        "st_error": "Lỗi",
        "st_needs_ocr": "Cần OCR",
        "st_ok_long": "Đã đọc được nội dung",
        "st_error_long": "Không đọc được tệp",
        "st_needs_ocr_long": "Bản quét chưa nhận dạng chữ (OCR)",
        # the toolbar
        "search": "Tìm kiếm",
        "search_ph": "Tìm trong các bảng (gõ có dấu hoặc không dấu)…",
        "search_count": "{shown}/{total} dòng",
        "filter_status": "Trạng thái",
        "filter_status_all": "Mọi trạng thái",
        "filter_kind": "Loại văn bản",
        "filter_kind_all": "Mọi loại văn bản",
        "filter_kind_none": "(chưa rõ loại)",
        "filter_severity": "Mức độ",
        "filter_severity_all": "Mọi mức độ",
        "expand_all": "Mở tất cả",
        "collapse_all": "Thu gọn tất cả",
        "print": "In",
        "print_what": "Khi in:",
        "print_tables": "tổng hợp và các bảng",
        "print_summary": "chỉ phần tổng hợp",
        "print_texts": "tất cả, kèm nội dung văn bản",
        "sort_hint": "Bấm vào tiêu đề cột để sắp xếp",
        "hits": "{n} dòng khớp",
        "no_match": "Không có dòng nào khớp với điều đang tìm.",
        # the summary
        "t_files": "Tổng số tệp",
        "t_ok": "Đọc được",
        "t_needs_ocr": "Cần OCR",
        "t_error": "Lỗi",
        "t_rows": "Dòng trích xuất",
        "t_findings": "Phát hiện khi kiểm tra",
        "t_pages": "Số trang",
        "intro": "Bấm ↗ ở một dòng để xem giá trị đó trong câu của nó; di chuột lên phần tô sáng để xem các "
                 "giá trị đã chuẩn hóa.",
        "intro_docs": "Mỗi văn bản ở phần Văn bản bên dưới, thu gọn: bấm vào tên để mở.",
        "intro_pages": "Phần chi tiết của {n} văn bản đọc được nằm ở {pages} trang, mỗi trang tối đa {per} văn "
                       "bản, trong thư mục {folder}/ cạnh trang này.",
        "intro_page": "Văn bản {a}–{b} trong {n}. Trang chính có tổng hợp của mọi trang, kết quả kiểm tra và "
                      "biểu đồ.",
        "main_page": "Trang chính",
        "prev_page": "← Trang {p}",
        "next_page": "Trang {p} →",
        "page_n": "Trang {p}",
        "missing_texts": "{n} văn bản không có nội dung trong cơ sở dữ liệu (do phiên bản tdkt cũ ghi): chạy "
                         "tdkt extract --fresh để xem nội dung với phần tô sáng.",
        "col_document": "Văn bản",
        "col_status": "Trạng thái",
        "col_page": "Trang",
        "col_documents": "Văn bản",
        "col_from": "Từ",
        "col_to": "Đến",
        "col_reason": "Lý do",
        "col_where": "Vị trí",
        "col_position": "Vị trí",
        "unread_intro": "Các tệp tdkt extract không đọc được (lỗi) hoặc là bản quét chưa nhận dạng chữ (cần "
                        "OCR): chỉ liệt kê cùng lý do, không có phần văn bản.",
        "needs_ocr_reason": "Bản quét không có lớp chữ: chạy lại tdkt extract --ocr để nhận dạng chữ.",
        "unread_more": "… và {n} tệp khác: errors.csv liệt kê đầy đủ.",
        "not_counted": "không có dữ liệu: tệp chưa được đọc",
        # checks
        "no_findings": "Không có phát hiện nào.",
        "findings_from": "Các phát hiện do tdkt check --out DIR lưu ở lần chạy gần nhất.",
        "findings_more": "{lim} phát hiện đầu trong số {n}; checks.csv liệt kê đầy đủ, và phần của mỗi văn bản "
                         "có các phát hiện của văn bản đó.",
        # charts
        "no_charts": "Không có số khen thưởng nào kèm năm.",
        "charts_some": "{k} đơn vị trong số {n} có nhiều số khen thưởng nhất; tdkt compare --no-figures cho "
                       "mọi đơn vị.",
        "chart_more": "{unit}: {k} dòng đầu trong số {n}.",
        "chart_rows": "{n} dòng",
        # a document
        "no_text": "Chưa có nội dung văn bản trong cơ sở dữ liệu (do phiên bản tdkt cũ ghi): chạy tdkt "
                   "extract --fresh để xem nội dung với phần tô sáng.",
        "text_unreadable": "Không đọc được nội dung đã lưu: {error}",
        "text_cut_of": "Nội dung chỉ hiển thị {shown} trên {total} ký tự",
        "text_cut": "Nội dung chỉ hiển thị {shown} ký tự đầu",
        "beyond_cut": "; {n} dòng nằm sau chỗ cắt được liệt kê nhưng không tô sáng",
        "not_matching": "{n} dòng có đoạn văn không khớp với nội dung đã lưu nên không được tô sáng.",
        "rows_capped": "{table}: liệt kê {shown} dòng đầu trong số {total} ({file} có đủ mọi dòng).",
        "rows_of": "{shown}/{total}",
        "show_in_text": "Xem trong văn bản",
        "not_highlighted": "Không được tô sáng trong phần nội dung hiển thị",
        "doc_checks": "Kiểm tra",
        "text_heading": "Nội dung",
    },
    "en": {
        "html_lang": "en",
        "title": "tdkt — {out}",
        "title_page": "tdkt — {out} — page {p} of {n}",
        "nav_head": "tdkt review",
        "nav_highlights": "Highlights",
        "nav_documents": "Documents",
        "nav_pages": "Pages ({n})",
        "generated": "Generated {when}",
        "summary": "Summary",
        "summary_page": "Summary — page {p} of {n}",
        "folder": "Output folder: {out}",
        "sources": "Source folder: {folder}",
        "checks": "Checks",
        "charts": "Charts",
        "charts_title": "Charts: award counts per unit and year",
        "documents": "Documents",
        "documents_n": "Documents ({n})",
        "unread": "Not read",
        "unread_n": "Not read ({n})",
        "k_citation": "Citation",
        "k_movement": "Movement",
        "k_money": "Money",
        "k_award": "Award",
        "k_figure": "Figure",
        "k_check": "Check",
        "st_ok": "Read",
        "st_error": "Error",
        "st_needs_ocr": "Needs OCR",
        "st_ok_long": "Read",
        "st_error_long": "The file could not be read",
        "st_needs_ocr_long": "A scan without a text layer (needs OCR)",
        "search": "Search",
        "search_ph": "Search the tables…",
        "search_count": "{shown} of {total} rows",
        "filter_status": "Status",
        "filter_status_all": "Any status",
        "filter_kind": "Document kind",
        "filter_kind_all": "Any kind",
        "filter_kind_none": "(kind unknown)",
        "filter_severity": "Severity",
        "filter_severity_all": "Any severity",
        "expand_all": "Expand all",
        "collapse_all": "Collapse all",
        "print": "Print",
        "print_what": "When printing:",
        "print_tables": "summary and tables",
        "print_summary": "summary only",
        "print_texts": "everything, texts too",
        "sort_hint": "Click a column header to sort",
        "hits": "{n} matching row(s)",
        "no_match": "No row matches the search.",
        "t_files": "Files",
        "t_ok": "Read",
        "t_needs_ocr": "Needs OCR",
        "t_error": "Error",
        "t_rows": "Rows extracted",
        "t_findings": "Findings",
        "t_pages": "Pages",
        "intro": "Click a row link (↗) to see a value in its sentence; hover a highlight for its normalized "
                 "values.",
        "intro_docs": "Each document is below under Documents, collapsed: click its name to open it.",
        "intro_pages": "The sections of the {n} documents read are on {pages} pages of up to {per} documents, in "
                       "the folder {folder}/ beside this page.",
        "intro_page": "Documents {a}–{b} of {n}. The main page has the summary of every page, the checks and the "
                      "charts.",
        "main_page": "Main page",
        "prev_page": "← Page {p}",
        "next_page": "Page {p} →",
        "page_n": "Page {p}",
        "missing_texts": "{n} document(s) without their text in the store (it was written by an older tdkt): run "
                         "tdkt extract --fresh to see their texts with highlights.",
        "col_document": "Document",
        "col_status": "Status",
        "col_page": "Page",
        "col_documents": "Documents",
        "col_from": "From",
        "col_to": "To",
        "col_reason": "Reason",
        "col_where": "Where",
        "col_position": "At",
        "unread_intro": "Files tdkt extract could not read (error) or scans without a text layer (needs OCR): "
                        "listed with the reason, nothing else shown.",
        "needs_ocr_reason": "A scan without a text layer: run tdkt extract --ocr to read it.",
        "unread_more": "… and {n} more: errors.csv lists every one.",
        "not_counted": "no data: the file was not read",
        "no_findings": "No findings.",
        "findings_from": "The findings are those tdkt check --out DIR stored at its last run.",
        "findings_more": "The first {lim} of {n} findings; checks.csv lists every one, and each document's section "
                         "its own.",
        "no_charts": "No award counts with a year.",
        "charts_some": "The {k} units of {n} with the most award counts; tdkt compare --no-figures gives every "
                       "unit.",
        "chart_more": "{unit}: the first {k} of {n} rows.",
        "chart_rows": "{n} rows",
        "no_text": "Text not stored (the store was written by an older tdkt): run tdkt extract --fresh to see it "
                   "with its highlights.",
        "text_unreadable": "The stored text cannot be read: {error}",
        "text_cut_of": "Text cut at {shown} of {total} characters",
        "text_cut": "Text cut at {shown} characters",
        "beyond_cut": "; {n} row(s) beyond the cut are listed but not highlighted",
        "not_matching": "{n} row(s) whose text does not match the stored text were not highlighted.",
        "rows_capped": "{table}: the first {shown} of {total} rows are listed ({file} has every one).",
        "rows_of": "{shown} of {total}",
        "show_in_text": "Show in the text",
        "not_highlighted": "Not highlighted in the text shown",
        "doc_checks": "Checks",
        "text_heading": "Text",
    },
}

# what the page's script shows (search counts, button labels), per language
JS_KEYS = ("search_count", "hits", "sort_hint")

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# the values column of a finding: ``stated=18,5%; ratio=3/19; counts=1015 (a.txt); 1020 (b.txt)``
_VALUE_KEY = re.compile(r"(?:^|(?<=; ))([a-z_]+)=")


def strings(lang: str) -> dict[str, str]:
    if lang not in STRINGS:
        raise ValueError(f"unknown language {lang!r}: one of {', '.join(LANGS)}")
    return STRINGS[lang]


def _labels():
    """``pipeline.labels`` when it is there (it may not be, in an older tree)."""
    try:
        from .. import labels
    except ImportError:
        return None
    return labels


class Names:
    """The names a person reads for tables, columns and values: in Vietnamese
    from ``pipeline.labels`` (the workbook's labels), in English (or without
    the labels module) the machine names; numbers and dates written the
    language's way. Each lookup returns the text to show and a sort key."""

    def __init__(self, lang: str):
        self.lang = lang
        self.labels = _labels() if lang == "vi" else None
        self._cache: dict = {}       # ("fmt", table, column) -> its format; "value_names" -> checks' names

    def table(self, table: str) -> str:
        if self.labels is not None:
            try:
                return self.labels.sheet_name(table)
            except Exception:           # a labels file being edited must not stop the report
                pass
        return table

    def header(self, table: str, column: str) -> str:
        if self.labels is not None:
            try:
                return self.labels.header(table, column)
            except Exception:
                pass
        return column

    def _format(self, table: str, column: str) -> str | None:
        key = ("fmt", table, column)
        if key not in self._cache:
            fmt = None
            if self.labels is not None and hasattr(self.labels, "display_format"):
                try:
                    fmt = self.labels.display_format(table, column)
                except Exception:
                    fmt = None
            self._cache[key] = fmt
        return self._cache[key]

    def number(self, x, decimals: int = 6) -> str:
        if self.lang == "vi":
            return num.vn(x, decimals)
        if isinstance(x, int):
            return f"{x:,}"
        s = f"{x:,.{decimals}f}"
        return s.rstrip("0").rstrip(".") if "." in s else s

    def _value_names(self) -> dict:
        if "value_names" not in self._cache:
            try:
                from .. import rules
                names = rules.load("checks").get("value_names") or {}
            except Exception:
                names = {}
            self._cache["value_names"] = names if isinstance(names, dict) else {}
        return self._cache["value_names"]

    def check_values(self, values: str | None) -> list[str]:
        """A finding's values, one ``name: value`` a line, the names as
        rules/checks.yaml's ``value_names`` give them in the page's language."""
        values = values or ""
        marks = list(_VALUE_KEY.finditer(values))
        if not marks:
            return [values] if values.strip() else []
        out = []
        for k, m in enumerate(marks):
            end = marks[k + 1].start() - 2 if k + 1 < len(marks) else len(values)
            key, v = m.group(1), values[m.end():end].strip()
            if not v:
                continue
            name = self._value_names().get(key)
            if isinstance(name, dict):
                name = name.get(self.lang) or name.get(DEFAULT)
            name = str(name or key)
            if self.lang == "vi":
                if _ISO_DATE.fullmatch(v):
                    v = f"{v[8:10]}/{v[5:7]}/{v[:4]}"
                elif key == "field":
                    v = self.header("citations", v).lower() if v != self.header("citations", v) else v
            out.append(f"{name}: {v}")
        return out

    def value(self, table: str, column: str, v) -> tuple[str, str | None]:
        """(text shown, sort key or None when the text sorts as it is)."""
        if v is None or v == "":
            return "", None
        if isinstance(v, bool):
            return str(v), None
        if isinstance(v, (int, float)):
            fmt = self._format(table, column)
            if fmt in ("thousands", "decimal") or (fmt is None and isinstance(v, float)):
                shown = self.number(v)
            else:                       # a year, a position, a count the labels do not format
                shown = str(int(v)) if float(v).is_integer() else self.number(v)
            return shown, repr(v)
        v = str(v)
        if self.lang == "vi":
            if _ISO_DATE.fullmatch(v) and (self._format(table, column) == "date" or column.endswith("date")):
                return f"{v[8:10]}/{v[5:7]}/{v[:4]}", v
            if self.labels is not None:
                try:
                    shown = self.labels.value(table, column, v)
                except Exception:
                    shown = v
                if shown != v:
                    return str(shown), None
        return v, None
