"""Movements: quoted names after a head word, lists, unclosed quotes,
catalog-only names, periods and canonical names (rules/movements.yaml)."""
import pytest

from pipeline import extract_text
from pipeline.extract.movements import canonical, clean_name


def rows(text):
    result = extract_text(text, tables=["movements"])
    assert not result.errors, result.errors
    for m in result.movements:
        assert m.text == result.normalized_text[m.start:m.end]
    return result.movements


def names(text):
    return [m.name for m in rows(text)]


def test_list_continues_through_a_stretch_holding_a_head_word():
    got = rows("Hưởng ứng các phong trào thi đua “Tây Ninh chung sức xây dựng nông thôn mới” cùng các phong "
               "trào thi đua chuyên đề trong xây dựng nông thôn mới, “Cán bộ, công chức, viên chức Tây Ninh thi "
               "đua thực hiện văn hóa công sở”, “Thi đua xây dựng Chính quyền điện tử”, “Dân vận khéo”.")
    assert [m.name for m in got] == [
        "Tây Ninh chung sức xây dựng nông thôn mới",
        "Cán bộ, công chức, viên chức Tây Ninh thi đua thực hiện văn hóa công sở",
        "Thi đua xây dựng Chính quyền điện tử",
        "Dân vận khéo",
    ]
    assert {m.kind for m in got} == {"phong trào thi đua"}
    assert [m.canonical for m in got] == [
        "Cả nước chung sức xây dựng nông thôn mới",
        "Cán bộ, công chức, viên chức thi đua thực hiện văn hóa công sở",
        "",
        "Dân vận khéo",
    ]


def test_list_item_kind_from_nearest_head_or_catalog():
    got = rows("Tiếp tục đẩy mạnh thực hiện các phong trào thi đua: “Tây Ninh chung sức xây dựng nông thôn mới” "
               "kết hợp với phong trào “Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh”, “Tây Ninh chung "
               "tay vì người nghèo - Không để ai bị bỏ lại phía sau”, “Cán bộ, công chức, viên chức Tây Ninh thi "
               "đua thực hiện văn hóa công sở” gắn với thực hiện cuộc vận động “Cán bộ, công chức, viên chức nói "
               "không với tiêu cực”, “Đoàn kết, sáng tạo, nâng cao năng suất, chất lượng, hiệu quả, hội nhập quốc "
               "tế”, thi đua xây dựng chính quyền điện tử.")
    assert [(m.kind, m.canonical) for m in got] == [
        ("phong trào thi đua", "Cả nước chung sức xây dựng nông thôn mới"),
        # right after `phong trào`: the head word decides, not the catalog
        ("phong trào thi đua", "Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh"),
        ("phong trào thi đua", "Cả nước chung tay vì người nghèo - Không để ai bị bỏ lại phía sau"),
        ("phong trào thi đua", "Cán bộ, công chức, viên chức thi đua thực hiện văn hóa công sở"),
        ("cuộc vận động", ""),
        # a later list item the catalog knows takes the catalog's kind
        ("phong trào thi đua", "Đoàn kết sáng tạo, nâng cao năng suất, chất lượng, hiệu quả, hội nhập quốc tế"),
    ]


def test_campaign_right_after_its_head_word():
    got = rows("gắn phong trào thi đua thực hiện chương trình giảm nghèo với cuộc vận động “Toàn dân đoàn kết "
               "xây dựng nông thôn mới, đô thị văn minh”.")
    assert [(m.kind, m.canonical) for m in got] == [
        ("cuộc vận động", "Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh")]


def test_items_joined_by_va_and_semicolons():
    assert names("phát động phong trào thi đua “Vì an ninh Tổ quốc” và “Toàn dân bảo vệ an ninh Tổ quốc” năm 2022") \
        == ["Vì an ninh Tổ quốc", "Toàn dân bảo vệ an ninh Tổ quốc"]
    got = rows("hưởng ứng các phong trào thi đua: “Cả nước chung tay vì người nghèo – Không để ai bị bỏ lại phía "
               "sau”; “Doanh nghiệp Việt Nam hội nhập và phát triển”…")
    assert got[0].name == "Cả nước chung tay vì người nghèo - Không để ai bị bỏ lại phía sau"
    assert got[0].text == "Cả nước chung tay vì người nghèo – Không để ai bị bỏ lại phía sau"
    assert got[1].canonical == "Doanh nghiệp Việt Nam hội nhập và phát triển"


def test_unclosed_straight_quote_ends_before_the_next_head_word():
    got = rows('Trên cơ sở phong trào thi đua do Thanh tra Chính phủ phát động với chủ đề "Siết chặt kỷ cương, '
               'tăng cường hiệu quả công tác thanh tra, thích ứng an toàn trong tình hình mới và phong trào thi đua '
               'do UBND các tỉnh phát động, Thanh tra các tỉnh đã thực hiện nghiêm túc.')
    assert len(got) == 1
    assert got[0].text == ("Siết chặt kỷ cương, tăng cường hiệu quả công tác thanh tra, thích ứng an toàn "
                           "trong tình hình mới")
    assert got[0].kind == "chủ đề" and got[0].canonical == ""


def test_unclosed_quote_ends_at_the_clause():
    got = rows("với chủ đề “Đoàn kết, kỷ cương, đổi mới; các đơn vị đã đăng ký thi đua.")
    assert [m.name for m in got] == ["Đoàn kết, kỷ cương, đổi mới"]


def test_straight_quotes_pair_in_order():
    got = rows('Phong trào thi đua "Cựu chiến binh gương mẫu" và "Tuổi trẻ Quảng Ninh sáng tạo" được duy trì.')
    assert [(m.name, m.canonical) for m in got] == [
        ("Cựu chiến binh gương mẫu", "Cựu chiến binh gương mẫu"),
        ("Tuổi trẻ Quảng Ninh sáng tạo", "Tuổi trẻ sáng tạo"),
    ]


def test_catalog_only_quote_counts_but_not_as_a_cited_subject():
    got = rows("nâng cao đạo đức công vụ gắn với việc “Đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong "
               "cách Hồ Chí Minh”; ngăn chặn những biểu hiện “tự diễn biến”, “tự chuyển hóa” trong nội bộ.")
    assert [(m.name, m.kind, m.canonical) for m in got] == [
        ("Đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", "phong trào thi đua",
         "Đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh")]
    assert rows("lồng ghép với việc thực hiện Chỉ thị số 05-CT/TW ngày 14/5/2011 của Bộ Chính trị về “Đẩy mạnh "
                "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh”, tuyên truyền rộng rãi.") == []
    assert rows("Kế hoạch số 12/KH-UBND về việc “Cả nước chung sức xây dựng nông thôn mới”, “Doanh nghiệp Việt "
                "Nam hội nhập và phát triển” năm 2022.") == []


def test_catalog_name_of_another_thing_is_not_a_movement():
    assert rows("tập huấn trên nền tảng “Bình dân học vụ số”, đạt tỷ lệ 100%.") == []
    assert rows("tổ chức Ngày hội “Toàn dân bảo vệ an ninh Tổ quốc” năm 2022.") == []
    # ... but after its head word it is the movement
    assert names("Phát động phong trào “Bình dân học vụ số” trong toàn tỉnh.") == ["Bình dân học vụ số"]


def test_period_after_the_quote_and_inside_it():
    got = rows("Kế hoạch Phát động phong trào thi đua “cả nước chung sức xây dựng nông thôn mới” giai đoạn "
               "2021 - 2025 trên địa bàn huyện Trùng Khánh; Phong trào thi đua “Cán bộ, công chức, viên chức Tây "
               "Ninh thi đua thực hiện văn hóa công sở” năm 2022.")
    assert [(m.period, m.canonical) for m in got] == [
        ("2021-2025", "Cả nước chung sức xây dựng nông thôn mới"),
        ("", "Cán bộ, công chức, viên chức thi đua thực hiện văn hóa công sở"),
    ]
    got = rows("d) Phong trào “Thi đua đẩy mạnh cải cách hành chính gắn với chuyển đổi số, giai đoạn 2021 - 2025”")
    assert got[0].name == "Thi đua đẩy mạnh cải cách hành chính gắn với chuyển đổi số, giai đoạn 2021 - 2025"
    assert got[0].period == "2021-2025" and got[0].canonical == ""
    got = rows("thực hiện phong trào thi đua “Cán bộ, công chức, viên chức tỉnh Cao Bằng thi đua thực hiện văn hóa "
               "công sở” giai đoạn 2019-2025.")
    assert got[0].period == "2019-2025"


def test_period_between_list_items_keeps_the_list():
    got = rows("Hưởng ứng phong trào thi đua “Hà Nội chung sức xây dựng nông thôn mới” giai đoạn 2021-2025, và "
               "“Thủ đô chung tay vì người nghèo”.")
    assert [(m.name, m.period) for m in got] == [("Hà Nội chung sức xây dựng nông thôn mới", "2021-2025"),
                                                 ("Thủ đô chung tay vì người nghèo", "")]


@pytest.mark.parametrize("text,want", [
    ("Phong trào “Toàn dân bảo vệ an ninh Tổ quốc” ngày càng sâu rộng bằng nhiều hình thức phong phú, như: tổ "
     "chức các buổi tọa đàm gặp mặt, diễn đàn “Công an lắng nghe ý kiến Nhân dân”.",
     ["Toàn dân bảo vệ an ninh Tổ quốc"]),
    ("tiếp tục thực hiện các biện pháp “Thích ứng an toàn, linh hoạt, kiểm soát hiệu quả dịch COVID-19” trên địa "
     "bàn huyện; những biểu hiện “tự diễn biến”, “tự chuyển hóa”.", []),
    ("1. Đối với cá nhân: “Lao động tiên tiến”, “Chiến sỹ thi đua cơ sở” và “Chiến sỹ thi đua toàn quốc”.", []),
    ("quán triệt phương châm “đổi mới tư duy, kiến tạo phát triển, quyết tâm hành động”.", []),
])
def test_quotes_that_are_not_movements(text, want):
    assert names(text) == want


def test_head_word_too_far_from_the_quote():
    assert rows("Phong trào thi đua đã được triển khai sâu rộng trong toàn huyện, nhiều mô hình “Ngôi nhà "
                "xanh” ra đời.") == []


def test_modifier_clause_who_launched_it():
    got = rows("thực hiện phong trào thi đua do Thủ tướng Chính phủ phát động “Cả nước thi đua đổi mới sáng tạo, "
               "chuyển đổi số”.")
    assert [(m.kind, m.canonical) for m in got] == [
        ("phong trào thi đua", "Cả nước thi đua đổi mới sáng tạo và chuyển đổi số")]


def test_contest_and_slogan_kinds():
    assert [m.kind for m in rows("Cuộc thi “Tìm hiểu Hiến pháp” và hội thi “Dân vận khéo”.")] == ["hội thi", "hội thi"]
    assert [m.kind for m in rows("với khẩu hiệu “Nói đi đôi với làm”.")] == ["chủ đề"]


def test_all_capitals_heading():
    got = rows("PHONG TRÀO THI ĐUA “THANH HÓA CHUNG SỨC XÂY DỰNG NÔNG THÔN MỚI”")
    assert got[0].canonical == "Cả nước chung sức xây dựng nông thôn mới"


@pytest.mark.parametrize("name,want", [
    ("Tây Ninh chung sức xây dựng nông thôn mới", "Cả nước chung sức xây dựng nông thôn mới"),
    ("Cao Bằng chung sức xây dựng nông thôn mới", "Cả nước chung sức xây dựng nông thôn mới"),
    ("cả nước chung sức xây dựng nông thôn mới", "Cả nước chung sức xây dựng nông thôn mới"),
    ("Vì người nghèo - Không để ai bị bỏ lại phía sau",
     "Cả nước chung tay vì người nghèo - Không để ai bị bỏ lại phía sau"),
    ("Cao Bằng chung tay vì người nghèo - Không để ai bỏ lại phía sau",
     "Cả nước chung tay vì người nghèo - Không để ai bị bỏ lại phía sau"),
    ("Trùng Khánh chung tay vì người nghèo - Không để ai bị bỏ lại phía sau",
     "Cả nước chung tay vì người nghèo - Không để ai bị bỏ lại phía sau"),
    ("Toàn dân Tây Ninh đoàn kết, chung sức, đồng lòng thi đua phòng, chống và chiến thắng dịch Covid-19",
     "Cả nước đoàn kết, chung sức, đồng lòng thi đua phòng, chống và chiến thắng đại dịch COVID-19"),
    ("Cao Bằng đoàn kết, chung sức, đồng lòng thi đua phòng, chống và chiến thắng đại dịch Covid-19",
     "Cả nước đoàn kết, chung sức, đồng lòng thi đua phòng, chống và chiến thắng đại dịch COVID-19"),
    ("Cán bộ, công chức, viên chức Tây Ninh thi đua thực hiện văn hóa công sở",
     "Cán bộ, công chức, viên chức thi đua thực hiện văn hóa công sở"),
    ("Cán bộ, công chức, viên chức tỉnh Cao Bằng thi đua thực hiện văn hóa công sở",
     "Cán bộ, công chức, viên chức thi đua thực hiện văn hóa công sở"),
    ("Doanh nghiệp Tây Ninh hội nhập và phát triển", "Doanh nghiệp Việt Nam hội nhập và phát triển"),
    ("Đoàn kết, sáng tạo, nâng cao năng suất, chất lượng, hiệu quả, hội nhập quốc tế",
     "Đoàn kết sáng tạo, nâng cao năng suất, chất lượng, hiệu quả, hội nhập quốc tế"),
    ("Đẩy mạnh học tập và làm theo tư tưởng, đạo đức phong cách Hồ Chí Minh",
     "Đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"),
    ("Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
     "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"),
    ("Toàn dân bảo vệ an ninh Tổ quốc", "Toàn dân bảo vệ an ninh Tổ quốc"),
    ("Vì an ninh Tổ quốc", "Vì an ninh Tổ quốc"),
    ("Thi đua xây dựng Chính quyền điện tử", None),
    ("Cải cách hành chính và kiểm soát thủ tục hành chính", None),
    ("Siết chặt kỷ cương, tăng cường hiệu quả công tác thanh tra, thích ứng an toàn trong tình hình mới", None),
    ("Cán bộ, công chức, viên chức nói không với tiêu cực", None),
    ("Thích ứng an toàn, linh hoạt, kiểm soát hiệu quả dịch COVID-19", None),
])
def test_canonical_mapping(name, want):
    entry, sim = canonical(name)
    got = entry.name if entry is not None and sim >= 0.75 else None
    assert got == want, (name, got, sim)


def test_clean_name():
    assert clean_name(" “Cả nước chung tay vì người\n\nnghèo–Không để ai bị bỏ lại phía sau” ") == \
        "Cả nước chung tay vì người nghèo - Không để ai bị bỏ lại phía sau"
    assert clean_name("chiến thắng đại dịch COVID-19") == "chiến thắng đại dịch COVID-19"
