"""Our own table gold (tests/data/table_gold/): real tables annotated by hand
following ../shared/spec/annotation.md, scored with the shared scorer.

Each gold file has the fields of ../shared/gold (``doc``, ``money``,
``awards``) and: ``source`` (where the document lies under ../shared, or
``archive/tvpl-2025`` for the unpacked archive, never copied here),
``doc_id`` (the first 16 hex of the SHA-256 of its bytes: the file annotated),
``note`` (what was annotated), and optionally ``scope``: the stretches of the
document's normalized text annotated (``from`` the start of one excerpt ``to``
the end of another); rows outside them are not scored.

    python tests/table_gold.py        # per document: P/R/F1 of money and awards, purpose agreement
"""
from __future__ import annotations

import importlib.util
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TDKT_SHARED", ROOT.parent / "shared"))
GOLD = ROOT / "tests" / "data" / "table_gold"
TABLES = ("money", "awards")


def scorer():
    """The shared scorer (../shared/tools/score.py) as a module: its keys, matching and field comparison."""
    spec = importlib.util.spec_from_file_location("tdkt_shared_score", SHARED / "tools" / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def gold_files() -> list[Path]:
    return sorted(GOLD.glob("*.json"))


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def document_path(gold: dict) -> Path | None:
    """Where the annotated document lies, or None when it is not here."""
    if gold["source"].startswith("archive/"):
        sys.path.insert(0, str(ROOT / "bench"))
        import archive
        if not archive.available():
            return None
        path = archive.folder() / gold["doc"]
    else:
        path = SHARED / gold["source"] / gold["doc"]
    return path if path.is_file() else None


def scope_spans(gold: dict, text: str) -> list[tuple[int, int]]:
    """The annotated stretches of the normalized text (the whole text without a scope)."""
    if not gold.get("scope"):
        return [(0, len(text))]
    spans, pos = [], 0
    for part in gold["scope"]:
        a = text.find(part["from"], pos)
        b = text.find(part["to"], a)
        if a < 0 or b < 0:
            raise ValueError(f"{gold['doc']}: scope excerpt not found: {part}")
        spans.append((a, b + len(part["to"])))
        pos = a + 1
    return spans


def predicted(result, gold: dict) -> dict[str, list[dict]]:
    """The pipeline's money and awards rows within the gold's scope, as the scorer reads CSV rows."""
    spans = scope_spans(gold, result.normalized_text)
    return {table: [{k: ("" if v is None else v) for k, v in asdict(r).items()}
                    for r in getattr(result, table) if any(a <= r.start < b for a, b in spans)]
            for table in TABLES}


def score_document(score, gold: dict, pred: dict[str, list[dict]]) -> dict:
    """Per table: tp, fp, fn, P, R, F1 as the scorer counts them, the agreement of each
    secondary field over the matched pairs, and the misses and spurious rows."""
    out = {}
    for table in TABLES:
        keyf, fields = score.TABLES[table]
        pairs, missed, spurious = score.match(gold.get(table) or [], pred[table], keyf)
        tp, fn, fp = len(pairs), len(missed), len(spurious)
        p = tp / (tp + fp) if tp + fp else float(not fn)
        r = tp / (tp + fn) if tp + fn else float(not fp)
        agree = {}
        for field in fields:
            checked = [(g, q) for g, q in pairs if g.get(field) not in (None, "")]
            if checked:
                same = score.SECONDARY_NORM.get(field, score.norm)
                ok = sum(score.soft_equal(g[field], q.get(field)) if field in score.SOFT
                         else same(g[field]) == same(q.get(field)) for g, q in checked)
                agree[field] = (ok, len(checked))
        out[table] = {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r,
                      "f1": 2 * p * r / (p + r) if p + r else 0.0, "fields": agree,
                      "missed": [(g.get("text"), keyf(g)) for g in missed],
                      "spurious": [(q.get("text"), keyf(q)) for q in spurious],
                      "disagree": [(g.get("text"), field, g.get(field), q.get(field))
                                   for g, q in pairs for field in fields
                                   if g.get(field) not in (None, "") and not (
                                       score.soft_equal(g[field], q.get(field)) if field in score.SOFT
                                       else score.SECONDARY_NORM.get(field, score.norm)(g[field])
                                       == score.SECONDARY_NORM.get(field, score.norm)(q.get(field)))]}
    return out


def run_all(show: int = 0) -> list[tuple[str, dict]]:
    from pipeline.api import extract_file
    score = scorer()
    results = []
    for path in gold_files():
        gold = load(path)
        doc = document_path(gold)
        if doc is None:
            continue
        result = extract_file(str(doc), time_limit=None)
        results.append((gold["doc"], score_document(score, gold, predicted(result, gold))))
    return results


def main() -> int:
    show = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    totals = {t: [0, 0, 0] for t in TABLES}
    purpose = [0, 0]
    for doc, scores in run_all():
        for table, s in scores.items():
            if not (s["tp"] or s["fp"] or s["fn"]):
                continue
            totals[table] = [a + b for a, b in zip(totals[table], (s["tp"], s["fp"], s["fn"]))]
            fields = " ".join(f"{k}={ok}/{n}" for k, (ok, n) in s["fields"].items())
            print(f"{doc[:44]:44s} {table:6s} P={s['precision']:.3f} R={s['recall']:.3f} F1={s['f1']:.3f} "
                  f"(tp={s['tp']} fp={s['fp']} fn={s['fn']}) {fields}")
            if table == "money" and "purpose" in s["fields"]:
                purpose = [purpose[0] + s["fields"]["purpose"][0], purpose[1] + s["fields"]["purpose"][1]]
            for kind in ("missed", "spurious", "disagree"):
                for ex in s[kind][:show]:
                    print(f"    {kind}: {ex}")
    for table, (tp, fp, fn) in totals.items():
        p, r = tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0
        print(f"ALL {table:6s} P={p:.3f} R={r:.3f} F1={2 * p * r / (p + r) if p + r else 0:.3f} (tp={tp} fp={fp} fn={fn})")
    print(f"money purpose agreement {purpose[0]}/{purpose[1]}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
