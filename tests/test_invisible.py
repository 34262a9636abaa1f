"""Invisible characters (zero-width, soft hyphen, bidi controls) are removed by
normalization, and record spans still map back over them in the source."""
import dataclasses

import pytest

from pipeline import extract_text, rules
from pipeline.models import SourceText
from pipeline.normalize import normalize, normalize_text

CLEAN = ("Thực hiện Chỉ thị số 12/CT-UBND ngày 29/12/2021 của Chủ tịch UBND tỉnh Tây Ninh "
         "về phát động phong trào thi đua năm 2022.")
ZERO_WIDTH = CLEAN.replace("số 12/CT-UBND", "số 1\u200b2/CT-UB\u200dND")
BIDI_DATE = CLEAN.replace("29/12/2021", "\u206629/12/2021\u2069")
MOVEMENT = ("Tỉnh phát động phong trào thi đua “Tây Ninh chung sức xây dựng \u202enông thôn mới\u202c” "
            "trong toàn tỉnh.")

CONTROLS = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f",
            "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
            "\u061c"]


def _citation(text):
    result = extract_text(text)
    assert len(result.citations) == 1, [c.text for c in result.citations]
    return result, result.citations[0]


def test_every_control_is_listed_in_the_rules_and_removed():
    assert rules.load("normalize")["invisible_characters"]
    for ch in CONTROLS:
        out, to_source = normalize_text(f"số 1{ch}2/QĐ-UB{ch}ND")
        assert out == "số 12/QĐ-UBND", (hex(ord(ch)), out)
        assert len(to_source) == len(out) + 1


def test_zero_width_inside_a_number_gives_the_clean_citation():
    _, clean = _citation(CLEAN)
    result, cit = _citation(ZERO_WIDTH)
    assert cit.number == "12/CT-UBND" == clean.number
    assert cit.key == clean.key
    assert cit.issued_date == clean.issued_date
    assert cit.text == result.normalized_text[cit.start:cit.end]


def test_bidi_isolates_around_a_date_do_not_hide_it():
    _, clean = _citation(CLEAN)
    _, cit = _citation(BIDI_DATE)
    assert str(cit.issued_date) == "2021-12-29"
    assert cit.key == clean.key
    assert cit.issuer == clean.issuer


def _strings(record):
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if isinstance(value, str):
            yield f.name, value


def test_no_control_character_in_any_field_of_any_record():
    result = extract_text(MOVEMENT + "\n" + ZERO_WIDTH + "\n" + BIDI_DATE)
    assert [m.name for m in result.movements] == ["Tây Ninh chung sức xây dựng nông thôn mới"]
    assert not any(ch in result.normalized_text for ch in CONTROLS)
    for table, rows in result.tables().items():
        for row in rows:
            for name, value in _strings(row):
                assert not any(ch in value for ch in CONTROLS), (table, name, value)


@pytest.mark.parametrize("source", [ZERO_WIDTH, BIDI_DATE, MOVEMENT], ids=["zero-width", "bidi-date", "rlo-name"])
def test_spans_map_back_over_the_removed_characters(source):
    norm = normalize(SourceText(doc_id="x", source_path="x", format="txt", text=source))
    result = extract_text(source)
    records = result.citations + result.movements
    assert records
    for rec in records:
        lo, hi = norm.source_span(rec.start, rec.end)
        original = source[lo:hi]
        # the source characters of the span, controls included, read as the record
        assert "".join(ch for ch in original if ch not in CONTROLS) == rec.text
    cit = next(iter(result.citations), None)
    if source == ZERO_WIDTH:
        lo, hi = norm.source_span(cit.start, cit.end)
        assert "1\u200b2/CT-UB\u200dND" in source[lo:hi]
    if source == MOVEMENT:
        mov = result.movements[0]
        lo, hi = norm.source_span(mov.start, mov.end)
        assert source[lo:hi] == "Tây Ninh chung sức xây dựng \u202enông thôn mới\u202c"
