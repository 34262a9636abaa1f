"""Our own table gold (tests/data/table_gold/, see tests/table_gold.py): real
price tables, budget norms, award lists and crawled markdown tables annotated
by hand, scored with the shared scorer. Skipped when ../shared (the documents
and the scorer) is absent; an archive document is skipped when the archive is."""
import pytest

import table_gold

GOLD = table_gold.gold_files()
F1_MIN = 0.95
PURPOSE_MIN = 0.8



@pytest.fixture(scope="module")
def score():
    if not (table_gold.SHARED / "tools" / "score.py").is_file():
        pytest.skip(f"the shared scorer is absent: {table_gold.SHARED} (set TDKT_SHARED)")
    return table_gold.scorer()


def _scores(path, score):
    from pipeline.api import extract_file
    gold = table_gold.load(path)
    doc = table_gold.document_path(gold)
    if doc is None:
        pytest.skip(f"{gold['doc']} is not here ({gold['source']})")
    result = extract_file(str(doc), time_limit=None)
    assert result.document.doc_id == gold["doc_id"], "the document is not the one annotated"
    return gold, table_gold.score_document(score, gold, table_gold.predicted(result, gold))


def test_the_gold_is_annotated_and_well_formed():
    assert len(GOLD) >= 10
    for path in GOLD:
        gold = table_gold.load(path)
        assert gold["doc"] and gold["source"] and len(gold["doc_id"]) == 16 and gold["note"]
        for row in gold["money"]:
            assert isinstance(row["amount_vnd"], int) and row["purpose"] and row["qualifier"]
        for row in gold["awards"]:
            assert row["award"] and row["recipient_type"] in ("tập thể", "cá nhân", "") and row["status"]


@pytest.mark.parametrize("path", GOLD, ids=[p.name.split("_")[0][:16] for p in GOLD])
def test_each_annotated_table_scores(path, score):
    gold, scores = _scores(path, score)
    for table, s in scores.items():
        assert s["f1"] >= F1_MIN, (gold["doc"], table, s["missed"], s["spurious"])
        if table == "money" and "purpose" in s["fields"]:
            ok, n = s["fields"]["purpose"]
            assert ok / n >= PURPOSE_MIN, (ok, n, s["disagree"])

