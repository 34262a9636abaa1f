"""The registry's conflicts on the whole real archive, for judging by hand and
for measuring the fixes of what was judged (issue 14).

    .venv/bin/python bench/conflicts.py                       # counts
    .venv/bin/python bench/conflicts.py --sample 150 --seed 14   # conflicts to judge
    .venv/bin/python bench/conflicts.py --judged tests/data/conflicts_judged.yaml

Extracts all of ../shared/archive (13,967 crawled documents; bench/archive.py)
once into a folder outside the project (default /tmp/tdkt-archive-out), reused
when present unless ``--fresh`` is given (a store extracted by other code is
reused too, with a warning: pass ``--fresh`` to measure the current code), and
rebuilds the registry there (``tdkt registry --conflicts``). Then prints:

- the counts: documents, citations, directives, conflicts by field;
- ``--sample N --seed S``: N conflicts drawn the same way every time, each with
  its key, field, both values, each side's raw issuer and citing document, and
  both evidence sentences trimmed around the citation (marked ⟦…⟧);
  ``--template FILE`` also writes their entries for a judgement file, verdicts
  left blank;
- ``--judged FILE``: the share of the judged conflicts that are real, overall
  and by cause, and the judged conflicts the current store no longer reports
  (a false one gone is a fix, a real one gone a regression), counted by pair of
  documents and again by key and field (another pair may now stand for a judged
  one); a key renamed since it was judged is followed through the key its
  citations have now (or a conflict of another field there names one of its
  citations: a date once misread, now read as meant and reported as an
  impossible date), and a real one lost is shown with the findings of
  ``tdkt check`` on its citations, when check has run. With
  ``--reread`` the judged conflicts are compared instead with what the current
  code makes of just their source files (seconds, no whole-archive extract;
  tests/test_conflicts_judged.py does the same).

A judgement file (YAML) holds ids, values, verdicts and causes, never the
archive's sentences: one entry per conflict, named by key, field and both
sides' doc_id, file (the archive's file name, a hash) and start.
"""
from __future__ import annotations

import argparse
import random
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))          # this checkout's pipeline, as the tdkt commands below run it

import archive

DEFAULT_OUT = Path(tempfile.gettempdir()) / "tdkt-archive-out"
TDKT = [sys.executable, "-m", "pipeline.cli"]
TRIM = 220      # characters of a sentence kept on each side of the citation

# what a judged conflict's cause may be (issue 14's categories)
FALSE_CAUSES = {
    "run_on": "the issuer runs on past its end (`Bộ Nội vụ, phường Mũi Né`)",
    "attachment": "an issuer of something else taken as the cited document's (`do Chủ tịch UBND cấp xã thực hiện`)",
    "merged_key": "different documents under one key (leading zeros, laws and NA resolutions, a year misread)",
    "name_variant": "two names of one body (`Bộ GD&ĐT` / `Bộ Giáo dục và Đào tạo`, khoá / khóa)",
    "province_merger": "the 2025 merger of provinces (a body named before and after)",
    "misread_date": "a date that is not the issue date taken as it (`có hiệu lực từ ngày`)",
    "cut_issuer": "an issuer cut short (`Bộ`, `Bộ VH`)",
    "other": "another extraction error",
}
REAL_CAUSES = {
    "miscited_date": "a source miscites the date",
    "miscited_kind": "a source miscites the kind",
    "miscited_issuer": "a source miscites the issuer",
    "impossible_date": "a date that cannot exist, as the source writes it",
    "miscited_number": "a source miscites the number (so two documents meet under one key)",
}


# --- the store ---------------------------------------------------------------

def extract(out: Path, fresh: bool) -> None:
    """The whole archive into ``out`` once (reused unless ``fresh``), then the registry rebuilt."""
    if fresh or not (out / "registry.sqlite").is_file():
        print(f"extracting {archive.folder()} into {out} (a few minutes) ...", flush=True)
        subprocess.run(TDKT + ["extract", str(archive.folder()), "--out", str(out), "--workers", "2",
                               "--fail-on", "none", "--quiet"] + (["--fresh"] if fresh else []),
                       cwd=ROOT, check=True)
    else:
        print(f"reusing {out} (--fresh extracts again)")
        warn_if_other_code(out)
    # the listing is not needed here: the conflicts are read from the store
    subprocess.run(TDKT + ["registry", "--out", str(out), "--conflicts"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)


def warn_if_other_code(out: Path) -> None:
    from pipeline import batch
    con = sqlite3.connect(out / "registry.sqlite")
    stored = {v for (v,) in con.execute("SELECT DISTINCT rules_version FROM documents")}
    con.close()
    if stored != {batch.rules_version()}:
        print(f"warning: {out} was extracted by other code or rules ({', '.join(sorted(map(str, stored)))}, "
              f"now {batch.rules_version()}): its citations are not the current code's; pass --fresh")


def counts(con: sqlite3.Connection) -> dict:
    def one(sql):
        return con.execute(sql).fetchone()[0]
    return {
        "documents": one("SELECT count(*) FROM documents"),
        "documents_ok": one("SELECT count(*) FROM documents WHERE status = 'ok'"),
        "citations": one("SELECT count(*) FROM citations"),
        "citations_keyed": one("SELECT count(*) FROM citations WHERE key IS NOT NULL AND key != ''"),
        "directives": one("SELECT count(*) FROM directives"),
        "conflicts": one("SELECT count(*) FROM conflicts"),
        "by_field": dict(con.execute("SELECT field, count(*) FROM conflicts GROUP BY field ORDER BY 2 DESC")),
    }


def print_counts(c: dict) -> None:
    print(f"documents {c['documents']} ({c['documents_ok']} read whole), citations {c['citations']} "
          f"({c['citations_keyed']} with a key), directives {c['directives']}, conflicts {c['conflicts']}")
    for field, n in c["by_field"].items():
        print(f"  {field:<27} {n}")


# --- the conflicts, each side with its citation and citing document ------------

SIDE_SQL = ("SELECT c.text, c.issuer, c.sentence, d.source_path, d.province, "
            "d.issued_date, d.doc_kind, d.title FROM citations c JOIN documents d ON d.doc_id = c.doc_id "
            "WHERE c.doc_id = ? AND c.start = ? LIMIT 1")


def conflicts(con: sqlite3.Connection) -> list[dict]:
    """Every conflict, in a stable order, each side as a dict."""
    rows = con.execute("SELECT key, field, value_a, value_b, doc_id_a, start_a, doc_id_b, start_b FROM conflicts "
                       "ORDER BY key, field, doc_id_a, start_a, doc_id_b, start_b").fetchall()
    return [{"key": key or "", "field": field,
             "a": {"doc_id": da, "start": int(sa), "value": va or ""},
             "b": {"doc_id": db, "start": int(sb), "value": vb or ""}}
            for key, field, va, vb, da, sa, db, sb in rows]


def add_evidence(con: sqlite3.Connection, conflict: dict) -> None:
    for side in (conflict["a"], conflict["b"]):
        row = con.execute(SIDE_SQL, (side["doc_id"], side["start"])).fetchone()
        text, issuer, sentence, path, province, citing_date, kind, title = row or ("",) * 8
        citing = " ".join(v for v in (kind, citing_date, province, (title or "")[:70]) if v)
        side.update(file=Path(path or "").name, citation=text or "", issuer=issuer or "",
                    sentence=sentence or "", citing=citing or "?")


def trimmed(sentence: str, citation: str) -> str:
    """The sentence around the citation, the citation marked ⟦…⟧."""
    at = sentence.find(citation) if citation else -1
    if at < 0:
        return sentence[:2 * TRIM] + ("…" if len(sentence) > 2 * TRIM else "")
    end = at + len(citation)
    before = sentence[max(0, at - TRIM):at]
    after = sentence[end:end + TRIM]
    return (("…" if at > TRIM else "") + before + "⟦" + citation + "⟧" + after
            + ("…" if end + TRIM < len(sentence) else ""))


def print_conflict(i: int, c: dict) -> None:
    a, b = c["a"], c["b"]
    print(f"\n[{i}] {c['key'] or '(no key)'}  {c['field']}:  {a['value']!r}  <>  {b['value']!r}")
    sides = [("A", a)] if (a["doc_id"], a["start"]) == (b["doc_id"], b["start"]) else [("A", a), ("B", b)]
    for name, s in sides:
        print(f"  {name} {s['file']} @{s['start']}  issuer {s['issuer']!r}  (cited in: {s['citing']})")
        print(f"    {trimmed(s['sentence'], s['citation'])}")


def sample(all_conflicts: list[dict], n: int, seed: int) -> list[dict]:
    """``n`` conflicts drawn by ``seed``, in the stable order of the store."""
    chosen = sorted(random.Random(seed).sample(range(len(all_conflicts)), min(n, len(all_conflicts))))
    return [all_conflicts[i] for i in chosen]


def judgement_entry(c: dict) -> dict:
    """A conflict as a judgement file names it: ids and values, no sentences."""
    def side(s):
        return {"doc_id": s["doc_id"], "file": s["file"], "start": s["start"], "value": s["value"]}
    return {"key": c["key"], "field": c["field"], "a": side(c["a"]), "b": side(c["b"]),
            "verdict": None, "cause": None}


# --- judged conflicts against the store ------------------------------------------

def load_judged(path: Path) -> list[dict]:
    """The entries of a judgement file; ``verdict: false`` written bare (YAML's
    boolean) reads as "false"."""
    entries = yaml.safe_load(Path(path).read_text(encoding="utf-8"))["conflicts"]
    for e in entries:
        e["verdict"] = {False: "false", True: "real"}.get(e.get("verdict"), e.get("verdict"))
    return entries


def identity(c: dict) -> tuple:
    """key, field and the pair of citing documents (in either order)."""
    return c["key"], c["field"], frozenset((c["a"]["doc_id"], c["b"]["doc_id"]))


def check_judgements(judged: list[dict]) -> list[str]:
    """What is wrong with the judgement entries (verdicts and causes known)."""
    problems = []
    for j in judged:
        causes = REAL_CAUSES if j.get("verdict") == "real" else FALSE_CAUSES
        if j.get("verdict") not in ("real", "false") or j.get("cause") not in causes:
            problems.append(f"{j.get('key')} {j.get('field')}: verdict {j.get('verdict')!r}, cause {j.get('cause')!r}")
    return problems


def print_shares(judged: list[dict]) -> None:
    """The share real, overall and by cause; and once more counting each key and
    field once (one sentence pattern can make many pairs of one key)."""
    n = len(judged)
    real = [j for j in judged if j["verdict"] == "real"]
    print(f"\njudged {n}: real {len(real)} ({len(real) / n:.0%}), false {n - len(real)} ({(n - len(real)) / n:.0%})")
    for verdict in ("false", "real"):
        by_cause = Counter(j["cause"] for j in judged if j["verdict"] == verdict)
        print(f"  {verdict}:")
        for cause, k in by_cause.most_common():
            print(f"    {cause:<16} {k:>4}  {k / n:5.1%}")
    by_field = Counter((j["field"], j["verdict"]) for j in judged)
    print("  by field: " + ", ".join(f"{f} {by_field[f, 'real']} real / {by_field[f, 'false']} false"
                                     for f in dict.fromkeys(j["field"] for j in judged)))
    groups = {(j["key"], j["field"], j["verdict"], j["cause"]) for j in judged}
    real_groups = sum(g[2] == "real" for g in groups)
    print(f"  each key and field once: {len(groups)} groups, real {real_groups} ({real_groups / len(groups):.0%}); "
          "false by cause: " + ", ".join(f"{c} {k}" for c, k in Counter(g[3] for g in groups
                                                                      if g[2] == "false").most_common()))


def citation_keys(con: sqlite3.Connection, judged: list[dict]) -> dict[tuple[str, int], str]:
    """The key the store gives each judged side's citation now: a key may have
    been renamed since it was judged (QH14|61|2020 is now QH14(Luật)|61|2020)."""
    keys = {}
    for side in (j[s] for j in judged for s in ("a", "b")):
        row = con.execute("SELECT key FROM citations WHERE doc_id = ? AND start = ? LIMIT 1",
                          (side["doc_id"], side["start"])).fetchone()
        if row and row[0]:
            keys[side["doc_id"], side["start"]] = row[0]
    return keys


def keys_now(j: dict, keys: dict | None) -> set[str]:
    """The judged key and the keys its two citations have now."""
    return {j["key"]} | {keys[s["doc_id"], s["start"]] for s in (j["a"], j["b"])
                         if keys and (s["doc_id"], s["start"]) in keys}


def gone(judged: list[dict], current: list[dict], keys: dict | None = None) -> list[dict]:
    """The judged conflicts no longer among ``current``: no conflict of the same
    field and documents under their key (or the key their citations have now)."""
    reported = {identity(c) for c in current}
    return [j for j in judged
            if not any((key, j["field"], identity(j)[2]) in reported for key in keys_now(j, keys))]


def gone_by_key(judged: list[dict], current: list[dict], keys: dict | None = None) -> list[dict]:
    """The judged conflicts whose cited document no longer has any conflict of
    their field: a judged conflict still stands when another pair of documents
    now stands for it (the first citation of each value is the one shown)."""
    reported = {(c["key"], c["field"]) for c in current}
    return [j for j in judged if not any((key, j["field"]) in reported for key in keys_now(j, keys))
            and not reported_otherwise(j, current, keys)]


def reported_otherwise(j: dict, current: list[dict], keys: dict | None = None) -> str:
    """The field of a conflict that now reports one of a judged conflict's own
    citations under its key, in another field ("" when none): `ND-CP|118|2025`'s
    `ngày 09/6/20205`, once read as 2020 (a date conflict), is read as meant
    and reported as an impossible date. The finding still reaches the user."""
    sides = {(s["doc_id"], s["start"]) for s in (j["a"], j["b"])}
    now = keys_now(j, keys)
    return next((c["field"] for c in current if c["key"] in now and c["field"] != j["field"]
                 and sides & {(c["a"]["doc_id"], c["a"]["start"]), (c["b"]["doc_id"], c["b"]["start"])}), "")


def findings_at(con: sqlite3.Connection, sides: list[dict]) -> dict[tuple[str, int], set[str]]:
    """The findings of ``tdkt check`` on the given citations (none before it has run)."""
    if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'checks'").fetchone():
        return {}
    found: dict[tuple[str, int], set[str]] = {}
    for s in sides:
        for (rule,) in con.execute("SELECT DISTINCT rule_id FROM checks WHERE doc_id = ? AND start = ? "
                                   "AND rule_id != 'registry_conflict'", (s["doc_id"], s["start"])):
            found.setdefault((s["doc_id"], s["start"]), set()).add(rule)
    return found


def report_judged(judged: list[dict], current: list[dict], judged_only: bool = False,
                  keys: dict | None = None, findings: dict | None = None) -> None:
    for p in check_judgements(judged):
        print(f"  bad entry: {p}")
    print_shares(judged)
    no_longer = gone(judged, current, keys)
    fixed = [j for j in no_longer if j["verdict"] == "false"]
    lost = [j for j in no_longer if j["verdict"] == "real"]
    n_real = sum(j["verdict"] == "real" for j in judged)
    print(f"\nno longer reported: {len(fixed)} of {len(judged) - n_real} false (fixed), "
          f"{len(lost)} of {n_real} real (regressions)")
    for j in fixed + lost:
        print(f"  {'FIXED' if j['verdict'] == 'false' else 'LOST '} {j['cause']:<16} {j['key']} {j['field']}: "
              f"{j['a']['value']!r} <> {j['b']['value']!r}")
    by_key = gone_by_key(judged, current, keys)
    fixed_by_key = [j for j in by_key if j["verdict"] == "false"]
    lost_by_key = [j for j in by_key if j["verdict"] == "real"]
    print(f"counting each key and field (another pair may stand for a judged one): "
          f"{len(fixed_by_key)} of {len(judged) - n_real} false gone, "
          f"{n_real - len(lost_by_key)} of {n_real} real still reported")
    for j in judged:
        otherwise = reported_otherwise(j, current, keys)
        if j["verdict"] == "real" and j not in lost_by_key and otherwise and j in no_longer:
            print(f"  KEPT AS {otherwise}: {j['key']} {j['field']}: {j['a']['value']!r} <> {j['b']['value']!r}")
    for j in lost_by_key:
        now = ", ".join(sorted(keys_now(j, keys) - {j["key"]})) or "-"
        rules = sorted(set().union(*((findings or {}).get((s["doc_id"], s["start"]), set())
                                     for s in (j["a"], j["b"]))))
        print(f"  LOST  {j['cause']:<16} {j['key']} {j['field']}: {j['a']['value']!r} <> {j['b']['value']!r}"
              f"  (keys now: {now}{'; found by tdkt check: ' + ', '.join(rules) if rules else ''})")
    if not judged_only:
        still = {identity(j) for j in judged} - {identity(j) for j in no_longer}
        print(f"conflicts now reported that were not judged: {len(current) - len(still)} (of {len(current)})")


def reread(judged: list[dict], folder: Path, work: Path) -> tuple[list[dict], list[str], dict]:
    """The conflicts the current code finds among just the judged conflicts'
    source files (read from the unpacked archive ``folder`` into a store in
    ``work``), the files missing there, and the keys the judged citations have
    now (:func:`citation_keys`). A subset of the archive keeps the
    judged pairs the whole archive reports: the first citation of each value is
    still the first, and fewer values hide fewer as saying less (only a bare
    back-reference keyed across documents may be keyed otherwise)."""
    from pipeline import batch, registry, store
    from pipeline.api import extract_file
    names = sorted({j[side]["file"] for j in judged for side in ("a", "b")})
    missing = [n for n in names if not (folder / n).is_file()]
    con = store.connect(work)
    version = batch.rules_version()
    for name in names:
        if name not in missing:
            store.store_document(con, extract_file(str(folder / name)), version)
    registry.rebuild(con)
    found, keys = conflicts(con), citation_keys(con, judged)
    con.close()
    return found, missing, keys


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"the extracted archive (default {DEFAULT_OUT})")
    ap.add_argument("--fresh", action="store_true", help="extract the archive again")
    ap.add_argument("--sample", type=int, default=0, metavar="N", help="print N conflicts to judge")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--template", type=Path, help="write the sample's judgement entries (verdicts blank) here")
    ap.add_argument("--judged", type=Path, help="a judgement file to score and compare with the store")
    ap.add_argument("--reread", action="store_true",
                    help="with --judged: compare with the current code's reading of just the judged files")
    args = ap.parse_args(argv)
    if not archive.available():
        print(f"no archive at {archive.UNPACK.parent}", file=sys.stderr)
        return 2
    if args.judged and args.reread:
        judged = load_judged(args.judged)
        with tempfile.TemporaryDirectory(prefix="tdkt-judged-") as work:
            found, missing, keys = reread(judged, archive.folder(), Path(work))
        if missing:
            print(f"{len(missing)} judged files are not in the archive: {', '.join(missing[:5])} ...")
        report_judged(judged, found, judged_only=True, keys=keys)
        return 0
    extract(args.out, args.fresh)
    con = sqlite3.connect(args.out / "registry.sqlite")
    print_counts(counts(con))
    current = conflicts(con)
    if args.sample:
        chosen = sample(current, args.sample, args.seed)
        for i, c in enumerate(chosen, 1):
            add_evidence(con, c)
            print_conflict(i, c)
        if args.template:
            entries = {"conflicts": [judgement_entry(c) for c in chosen]}
            args.template.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=200),
                                     encoding="utf-8")
            print(f"\nwrote {len(chosen)} entries to {args.template}")
    if args.judged:
        judged = load_judged(args.judged)
        report_judged(judged, current, keys=citation_keys(con, judged),
                      findings=findings_at(con, [j[s] for j in judged for s in ("a", "b")]))
    con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
