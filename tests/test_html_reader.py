"""Web pages: the article's rows, never the site's (related news after the
article, side columns, an ASP.NET form wrapping the page, layout tables,
boxes named in Vietnamese), and non-text bytes named .html as an error."""
from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from pipeline import extract_file
from pipeline.ingest import read_source
from pipeline.ingest.html_content import name_runs, vocabulary

# the article: a citation, a movement, money and awards
ARTICLE = """
<p>Thực hiện Chỉ thị số 12/CT-UBND ngày 29/12/2021 của Chủ tịch UBND tỉnh về phát động phong trào thi đua
thực hiện thắng lợi nhiệm vụ phát triển kinh tế - xã hội năm 2022, Sở Nội vụ đã xây dựng kế hoạch và triển
khai đến các phòng, đơn vị trực thuộc.</p>
<p>Hưởng ứng phong trào thi đua “Tây Ninh chung sức xây dựng nông thôn mới”, công chức, viên chức của Sở đã
đóng góp trên 14 triệu đồng mua thẻ bảo hiểm y tế cho hộ nghèo.</p>
<p>Năm 2021, 21 tập thể và 25 cá nhân được tặng Bằng khen của Chủ tịch UBND tỉnh.</p>
<table border="1"><tr><th>Nội dung</th><th>Kết quả</th></tr>
<tr><td>Tập thể lao động xuất sắc</td><td>05 tập thể</td></tr></table>
"""
ARTICLE_PARAGRAPHS = [
    "Thực hiện Chỉ thị số 12/CT-UBND ngày 29/12/2021 của Chủ tịch UBND tỉnh về phát động phong trào thi đua "
    "thực hiện thắng lợi nhiệm vụ phát triển kinh tế - xã hội năm 2022, Sở Nội vụ đã xây dựng kế hoạch và triển "
    "khai đến các phòng, đơn vị trực thuộc.",
    "Hưởng ứng phong trào thi đua “Tây Ninh chung sức xây dựng nông thôn mới”, công chức, viên chức của Sở đã "
    "đóng góp trên 14 triệu đồng mua thẻ bảo hiểm y tế cho hộ nghèo.",
    "Năm 2021, 21 tập thể và 25 cá nhân được tặng Bằng khen của Chủ tịch UBND tỉnh.",
    "Nội dung | Kết quả",
    "Tập thể lao động xuất sắc | 05 tập thể",
]
TITLE = "Sở Nội vụ sơ kết phong trào thi đua năm 2022"
# what the site around it says: other citations, movements and awards
RELATED = """<li><a href="/tin/991">Triển khai Kế hoạch số 99/KH-UBND ngày 15/3/2022 của UBND tỉnh về phong trào
thi đua “Dân vận khéo”</a></li>
<li><a href="/tin/992">Quyết định số 88/QĐ-UBND ngày 01/3/2022 tặng Bằng khen cho 12 tập thể</a></li>"""
FURNITURE_WORDS = ["99/KH-UBND", "88/QĐ-UBND", "Dân vận khéo", "Trang chủ", "Giấy phép", "Lượt truy cập",
                   "Tin liên quan", "Tin khác", "Ý kiến bạn đọc", "Liên kết", "Chia sẻ", "DANH MỤC"]

# a news site: the related box after </article> but inside <main>, a box of other
# news opened by its heading only, comments, a footer
NEWS = f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{TITLE} - Báo Tây Ninh</title>
<link rel="stylesheet" href="/css/site.css"><script src="/js/app.js"></script></head>
<body>
<header class="site-header"><a class="logo" href="/">BÁO TÂY NINH ĐIỆN TỬ</a>
<nav class="main-menu"><ul><li><a href="/">Trang chủ</a></li><li><a href="/thoi-su">Thời sự</a></li>
<li><a href="/thi-dua">Thi đua - Khen thưởng</a></li></ul></nav></header>
<main class="main-content"><div class="container">
<ol class="breadcrumb"><li><a href="/">Trang chủ</a></li><li><a href="/thi-dua">Thi đua - Khen thưởng</a></li></ol>
<article class="detail">
<h1 class="detail-title">{TITLE}</h1>
<div class="detail-content">{ARTICLE}</div>
<div class="chia-se"><span>Chia sẻ:</span> <a href="#">Facebook</a> <a href="#">Zalo</a></div>
</article>
<div class="tin-lien-quan"><h3 class="title">Tin liên quan</h3><ul>{RELATED}</ul></div>
<section class="box"><h2>Tin khác</h2>
<article class="item"><a href="/tin/993"><h3>Hỗ trợ hộ nghèo đón Tết</h3></a>
<p>Thực hiện Kế hoạch số 99/KH-UBND, Mặt trận huyện trao 300 triệu đồng cho các hộ nghèo.</p></article>
</section>
<div class="binh-luan"><h3>Ý kiến bạn đọc</h3><p>Đề nghị tặng Giấy khen cho 10 cá nhân theo Quyết định số 88/QĐ-UBND.</p></div>
</div></main>
<footer class="site-footer"><p>Giấy phép số 12/GP-TTĐT ngày 01/01/2020 của Sở Thông tin và Truyền thông.</p></footer>
</body></html>
"""

# an agency portal: the whole page inside the ASP.NET form, laid out with nested
# tables, its boxes named in Vietnamese
PORTAL = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" /><title>Sở Nội vụ tỉnh Tây Ninh</title>
<script type="text/javascript">function WebForm_OnSubmit() {{ return true; }}</script></head>
<body>
<form name="aspnetForm" method="post" action="./ChiTietTin.aspx?ItemID=1234" id="aspnetForm">
<div><input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUKMTY1NDU2MTA1Mg9kFgJmD2QWAgIDD2QWBA==" /></div>
<table width="1000" border="0" cellpadding="0" cellspacing="0" align="center">
<tr><td colspan="3" class="banner"><img src="/images/banner.jpg" alt="SỞ NỘI VỤ" />SỞ NỘI VỤ TỈNH TÂY NINH</td></tr>
<tr><td colspan="3" class="menu-ngang"><a href="/">Trang chủ</a> | <a href="/gioi-thieu">Giới thiệu</a> |
<a href="/tin-tuc">Tin tức</a> | <a href="/lien-he">Liên hệ</a></td></tr>
<tr>
<td width="200" valign="top" class="cot-trai">
<table width="100%"><tr><td class="tieu-de-khoi">DANH MỤC</td></tr>
<tr><td><a href="/c/1">Tin hoạt động</a><br /><a href="/c/2">Thi đua - Khen thưởng</a></td></tr></table></td>
<td valign="top">
<table width="100%" cellpadding="5"><tr><td>
<span id="ctl00_ContentPlaceHolder1_lblTieuDe" class="tieu-de-tin">{TITLE}</span>
<div id="ctl00_ContentPlaceHolder1_pnlNoiDung" class="noi-dung">{ARTICLE}</div>
</td></tr></table>
<div class="tin-khac"><b>Các tin khác:</b><ul>{RELATED}</ul></div>
</td>
<td width="220" valign="top" class="cot-phai">
<div class="khoi-phai"><div class="tieu-de-khoi">VĂN BẢN MỚI</div><ul>{RELATED}</ul></div>
<div class="box-right"><a href="https://dichvucong.gov.vn"><img src="/images/dvc.png" alt="Dịch vụ công" /></a></div>
<div class="lien-ket">Liên kết website: <select name="ddlLienKet"><option>Chính phủ</option></select></div>
<div class="thong-ke-truy-cap">Lượt truy cập: 1.234.567</div>
</td></tr>
<tr><td colspan="3" class="chan-trang">Bản quyền thuộc Sở Nội vụ tỉnh Tây Ninh. Giấy phép số 15/GP-STTTT.</td></tr>
</table>
</form>
</body></html>
"""


def write(tmp_path: Path, name: str, data: bytes | str) -> str:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(path)


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs, the source's line breaks inside them as spaces."""
    return [" ".join(p.split()) for p in text.split("\n\n")]


def assert_article_rows(result) -> None:
    assert result.document.status == "ok", result.document.error
    assert not result.errors
    assert [c.number for c in result.citations] == ["12/CT-UBND"]
    assert result.citations[0].text == "Chỉ thị số 12/CT-UBND ngày 29/12/2021 của Chủ tịch UBND tỉnh"
    assert [m.name for m in result.movements] == ["Tây Ninh chung sức xây dựng nông thôn mới"]
    assert [m.amount_vnd for m in result.money] == [14_000_000]
    assert sorted((a.count, a.recipient_type) for a in result.awards) == [(21, "tập thể"), (25, "cá nhân")]
    for row in result.citations + result.movements + result.money + result.awards:
        assert row.text == result.normalized_text[row.start:row.end]


@pytest.mark.parametrize("page", [NEWS, PORTAL], ids=["news", "aspnet-portal"])
def test_page_gives_the_articles_rows_only(tmp_path, page):
    assert_article_rows(extract_file(write(tmp_path, "tin.html", page)))


def test_related_news_after_the_article_inside_main_is_left_out(tmp_path):
    result = read_source(write(tmp_path, "tin.html", NEWS))
    assert result.status == "ok", result.error
    assert paragraphs(result.text) == [TITLE] + ARTICLE_PARAGRAPHS
    for word in FURNITURE_WORDS:
        assert word not in result.text


def test_aspnet_portal_with_layout_tables_is_read(tmp_path):
    """The form wrapping the page and the layout tables holding the article are
    kept; the article's paragraphs stay paragraphs (a layout table's cells are
    not one row), its own data table stays rows; side columns, menus, banner
    and footer are left out."""
    result = read_source(write(tmp_path, "ChiTietTin.aspx.htm", PORTAL))
    assert result.status == "ok", result.error
    assert result.error == ""
    assert paragraphs(result.text) == [TITLE] + ARTICLE_PARAGRAPHS
    for word in FURNITURE_WORDS + ["SỞ NỘI VỤ TỈNH", "Bản quyền", "VĂN BẢN MỚI"]:
        assert word not in result.text


@pytest.mark.parametrize("name", ["tin-lien-quan", "tinlienquan", "TinLienQuan", "box_tin_lien_quan",
                                  "ctl00_ucTinLienQuan", "cot-phai", "khoi-phai", "tin-khac", "tin-moi",
                                  "box-right", "sidebar", "menu", "breadcrumb", "chia-se", "share",
                                  "binh-luan", "comments", "quang-cao", "ads", "lien-ket", "banner"])
def test_vietnamese_and_english_box_names(tmp_path, name):
    attr = "id" if name.startswith("ctl00") else "class"
    page = (f"<html><body><div class='noi-dung'>{ARTICLE}</div>"
            f"<div {attr}='{name}'><p>Theo Kế hoạch số 99/KH-UBND ngày 15/3/2022 của UBND tỉnh, "
            f"tặng Bằng khen cho 12 tập thể.</p></div></body></html>")
    text = read_source(write(tmp_path, "p.html", page)).text
    assert "12/CT-UBND" in text
    assert "99/KH-UBND" not in text


def test_box_words_are_rules():
    vocab = vocabulary()
    for word in ("cot-phai", "tin-khac", "khoi-phai", "tin-lien-quan", "tinlienquan", "tin-moi", "box-right",
                 "sidebar", "menu", "breadcrumb", "chia-se", "share", "binh-luan", "comments", "quang-cao",
                 "ads", "lien-ket", "banner"):
        assert name_runs(word) & vocab["furniture"], word
    assert name_runs("footer") & vocab["outside"]
    for word in ("noi-dung", "content", "text-right", "col-md-8", "aspnetForm", "ContentPlaceHolder1"):
        assert not name_runs(word) & (vocab["furniture"] | vocab["outside"]), word


def test_related_box_inside_the_article_is_left_out(tmp_path):
    page = (f"<html><body><article><h1>{TITLE}</h1>{ARTICLE}"
            f"<div class='related-news'><ul>{RELATED}</ul></div>"
            f"<h3>Tin liên quan</h3><ul>{RELATED}</ul>"
            f"<p>Ý kiến đóng góp xin gửi về Văn phòng Sở Nội vụ trước ngày 30/6/2022.</p></article></body></html>")
    paras = paragraphs(read_source(write(tmp_path, "p.html", page)).text)
    assert paras == [TITLE] + ARTICLE_PARAGRAPHS + ["Ý kiến đóng góp xin gửi về Văn phòng Sở Nội vụ trước ngày 30/6/2022."]


def test_wrapper_named_like_furniture_that_holds_the_article_is_kept(tmp_path):
    page = (f"<html><body><div class='page-with-sidebar'><div class='main-col'>{ARTICLE}</div>"
            f"<div class='sidebar'><ul>{RELATED}</ul></div></div>"
            f"<footer><form><div class='footer'>{ARTICLE}</div></form></footer></body></html>")
    assert paragraphs(read_source(write(tmp_path, "p.html", page)).text) == ARTICLE_PARAGRAPHS


def test_article_in_a_layout_table_cell_beside_a_side_column(tmp_path):
    """No class names at all: the article's cell is read as blocks, the narrow
    cell beside it (a menu) is a side column."""
    page = (f"<html><body><table><tr><td><b>Chuyên mục</b><br><a href='/1'>Thi đua</a></td>"
            f"<td>{ARTICLE}</td></tr></table></body></html>")
    assert paragraphs(read_source(write(tmp_path, "p.html", page)).text) == ARTICLE_PARAGRAPHS


def test_a_report_table_holding_most_of_the_text_stays_rows(tmp_path):
    """A data grid (two rows of two cells or more) is never a layout table, even
    when one of its cells holds most of the page's text."""
    long_cell = "<p>" + "Khen thưởng các tập thể có thành tích xuất sắc trong phong trào thi đua. " * 4 + "</p>"
    page = (f"<html><body><table><tr><th>Nội dung</th><th>Kết quả</th></tr>"
            f"<tr><td>{long_cell}{long_cell}</td><td>21 tập thể</td></tr>"
            f"<tr><td>Năm 2022</td><td>25 cá nhân</td></tr></table></body></html>")
    paras = read_source(write(tmp_path, "p.html", page)).text.split("\n\n")
    assert len(paras) == 3 and paras[0] == "Nội dung | Kết quả" and paras[1].endswith(" | 21 tập thể")


@pytest.mark.parametrize("data,fragment", [
    (random.Random(7).randbytes(20000), "not an HTML or text file (binary data)"),
    (b"\x89PNG\r\n\x1a\n" + random.Random(8).randbytes(3000), "PNG image"),
    (b"\x1f\x8b\x08\x00" + random.Random(9).randbytes(3000), "gzip"),
], ids=["random", "png", "gzip"])
def test_binary_bytes_named_html_are_an_error(tmp_path, data, fragment):
    """Non-text bytes: one errors row (a kind the first bytes tell is named)."""
    result = extract_file(write(tmp_path, "trang.html", data))
    assert result.document.status == "error"
    assert result.document.error.startswith(("not an HTML or text file (binary data", "not a web page (the file is"))
    assert fragment.lower() in result.document.error.lower()
    assert [e.stage for e in result.errors] == ["ingest"]
    assert result.errors[0].error == result.document.error and "\n" not in result.document.error


def test_a_page_with_a_few_bad_bytes_is_still_read(tmp_path):
    data = NEWS.encode("utf-8").replace("Sở Nội vụ đã".encode(), b"S\xff N\xfei v\xa1 \xc3\x28")
    result = read_source(write(tmp_path, "tin.html", data))
    assert result.status == "ok"
    assert "invalid byte sequence" in result.error
    assert "12/CT-UBND" in result.text


def test_no_text_is_an_error_only_when_there_is_none(tmp_path):
    empty = "<html><head><title>Trang</title><script>var a = 1;</script></head><body><div id='app'></div></body></html>"
    result = read_source(write(tmp_path, "app.html", empty))
    assert (result.status, result.error) == ("error", "web page has no text")
    # no article, but text: read whole, with a note
    menu_only = "<html><body><ul class='menu'><li><a href='/1'>Văn bản</a></li><li><a href='/2'>Tin tức</a></li></ul></body></html>"
    result = read_source(write(tmp_path, "menu.html", menu_only))
    assert result.status == "ok"
    assert result.text == "- Văn bản\n\n- Tin tức"
    assert "no article found" in result.error


def test_short_article_is_kept_and_a_longer_footer_is_not(tmp_path):
    page = ("<html><body><div class='noi-dung'><p>Tặng Bằng khen cho 05 tập thể.</p></div>"
            "<div class='footer'>Bản quyền thuộc Sở Nội vụ tỉnh Tây Ninh. Giấy phép số 15/GP-STTTT ngày 02/02/2019 "
            "của Sở Thông tin và Truyền thông. Địa chỉ: 01 đường Trần Phú, thành phố Tây Ninh.</div></body></html>")
    assert read_source(write(tmp_path, "p.html", page)).text == "Tặng Bằng khen cho 05 tập thể."


def test_entities_are_not_expanded(tmp_path):
    page = ('<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY x SYSTEM "file:///etc/passwd">]><html><body><p>&b; &x; &amp; Khen thưởng</p></body></html>')
    text = read_source(write(tmp_path, "p.html", page)).text
    assert "&b; &x; & Khen thưởng" in text and "aaaa" not in text and "root:" not in text


@pytest.mark.parametrize("page", [
    "<div>" * 100_000 + "Khen thưởng" + "</div>" * 100_000,
    "<div><span>" * 50_000 + "Khen thưởng",
    "<div>" * 100_000 + "Khen thưởng" + "</span>" * 100_000,
    "<div>" * 100_000 + "Tin khác" + "</div>" * 100_000,
], ids=["nested", "unclosed", "unmatched-end-tags", "deep-box-title"])
@pytest.mark.slow
def test_deep_nesting_is_read_in_linear_time(tmp_path, page):
    start = time.perf_counter()
    result = read_source(write(tmp_path, "deep.html", page))
    assert result.status == "ok", result.error
    assert result.text.strip() in ("Khen thưởng", "Tin khác")
    assert time.perf_counter() - start < 30
