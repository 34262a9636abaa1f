"""A simulated national archive: the real archive in ../shared/archive
replicated with other numbers, dates and provinces (`make bench-scale`).

Copy 0 is the archive as it is. Copy k (k >= 1) is every file of it rewritten
with one set of substitutions for the whole copy, so that the documents of a
copy still cite one another and the registry sees new keys, not the same keys
ten times over:

- document serials (`15/2020/NĐ-CP`, `05-CT/TW`, the bare `Thông tư 98` after
  a kind word) + 1000·k, so copies never share a serial below 1000;
- years from 1990 to 2035, wherever written (dates, numbers, `năm 2024`),
  minus k (a 29 February that no longer exists becomes the 28th);
- amounts and counts (a number before a currency word, a multiplier such as
  `triệu`, a count noun or a recipient word, from rules/money.yaml,
  numbers.yaml and awards.yaml) times 2, 3 or 4: a whole factor, so that sums
  and shares in a document still add up;
- provinces (rules/reorganisation_2025.yaml) swapped by a seeded permutation
  that keeps the 2025 reorganisation's shape: a province formed from three is
  swapped with another formed from three, the name it kept with the name the
  other kept, the others among themselves in order; a centrally run city only
  with a city (`thành phố Hà Nội` never becomes `tỉnh Hà Nội`). Names are
  matched with a unit word before them or alone, in title case and capitals,
  in both tone placements (`Hòa`/`Hoà`) and the spellings of `name_forms`.

Deterministic (``--seed``): the same copy is the same bytes on every run.
Cached in bench/cache/national/copy-KK/ (git-ignored) with a manifest; a size
N is the folders of copies 0 to N-1 (1x: 13,967 files, 10x: 139,670).

    python bench/national.py --copies 10        # build (or find) copies 0-9
"""
from __future__ import annotations

import argparse
import calendar
import json
import os
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(ROOT / "bench") not in sys.path:
    sys.path.insert(0, str(ROOT / "bench"))

import archive
from pipeline import rules

CACHE = ROOT / "bench" / "cache" / "national"
VERSION = 1                     # of the substitutions: a new version rebuilds the cache
SEED = 20251216
SERIAL_STEP = 1000
YEARS = (1990, 2035)            # years outside stay (a 1945 constitution, a 2050 vision)
FACTORS = (2, 3, 4)
# the centrally run cities: swapped only with one another (unit word `thành phố`)
CITIES = frozenset({"Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "TP. Hồ Chí Minh", "Cần Thơ"})
# names that hold a province's name but are no province (left as written)
NOT_PROVINCES = ("Điện Biên Phủ",)
HCM = "TP. Hồ Chí Minh"


# ----------------------------------------------------------------- one copy's substitutions

@dataclass(frozen=True)
class Variation:
    """The substitutions of copy ``copy`` (copy 0: none)."""
    copy: int
    years: int = 0                          # added to each year in YEARS
    serial_offset: int = 0                  # added to each document serial
    factor: int = 1                         # amounts and counts times this
    provinces: dict = field(default_factory=dict)   # province as written -> province as written

    @property
    def identity(self) -> bool:
        return self.copy == 0


def province_groups() -> list[tuple[str, ...]]:
    """Each province of today with those it was formed from, the one whose name
    it kept first: (`Hải Phòng`, `Hải Dương`); an unchanged one alone."""
    reorg = rules.load("reorganisation_2025")
    groups = [(m["name"], *[p for p in m["from"] if p != m["name"]]) for m in reorg["mergers"]]
    groups += [(name,) for name in reorg["unchanged"]]
    return groups


def variation(copy: int, seed: int = SEED) -> Variation:
    if copy == 0:
        return Variation(0)
    rnd = random.Random(f"{seed}:{copy}")
    by_shape: dict[tuple[int, bool], list[tuple[str, ...]]] = {}
    for g in province_groups():
        by_shape.setdefault((len(g), g[0] in CITIES), []).append(g)
    provinces = {}
    for groups in by_shape.values():
        shuffled = groups[:]
        rnd.shuffle(shuffled)
        for a, b in zip(groups, shuffled):
            provinces.update(zip(a, b))
    return Variation(copy, years=-copy, serial_offset=SERIAL_STEP * copy,
                     factor=FACTORS[(copy - 1) % len(FACTORS)], provinces=provinces)


# ----------------------------------------------------------------- the patterns (compiled once)

def _alternation(words) -> str:
    """One regex of ``words`` (a space: any run of spaces), factored on their
    first letters like a trie: the engine tries only the branches that can
    match, not every word at every capital letter."""
    return _trie(sorted(set(words)))


def _trie(words: list[str]) -> str:
    if not words:
        return ""
    branches, ends = [], "" in words
    by_first: dict[str, list[str]] = {}
    for w in words:
        if w:
            by_first.setdefault(w[0], []).append(w[1:])
    for first, rests in sorted(by_first.items()):
        head = r"\s+" if first == " " else re.escape(first)
        rest = _trie(rests)
        branches.append(head + (f"(?:{rest})" if rest and "|" in rest else rest))
    body = "|".join(branches)                  # each branch starts with another letter: no order needed
    if ends and body:                           # a word that is the prefix of another: the longer first (greedy)
        return f"(?:{body})?"
    return body


@lru_cache(maxsize=1)
def number_token() -> re.Pattern:
    """Every run of digits a substitution changes, and only those (the rest
    never reaches Python): a date, a document serial, a year, an amount or a
    count, a bare serial after a kind word. (?=[0-9]) first: the engine skips
    from digit to digit."""
    money = rules.load("money")
    units = [*money["currency_words"], *money["count_nouns_after"], *rules.load("numbers")["multipliers"],
             *rules.load("awards")["recipient_words"]]
    kinds = {" ".join(w.split()) for k in rules.load("citations")["doc_kinds"] for w in k["words"]}
    # a bare serial: one lookbehind per kind word (each of fixed width, as `re` needs)
    after_kind = "|".join(f"(?<={re.escape(k + lead)})" for k in sorted(kinds) for lead in (" ", " số "))
    return re.compile(rf"""
        (?=[0-9])(?<![\d.,])(?:
          (?P<d>\d{{1,2}})(?P<sep>[/.-])(?P<m>\d{{1,2}})(?P=sep)(?P<y>\d{{4}})(?!\d)
        | (?P<wd>\d{{1,2}})(?P<w1>\s+[Tt]háng\s+)(?P<wm>\d{{1,2}})(?P<w2>\s+[Nn]ăm\s+)(?P<wy>\d{{4}})(?!\d)
        | (?<!/)(?P<serial>\d{{1,5}})(?=\s?(?:/\s?\d{{4}}\s?)?/\s?[A-ZĐ]|-[A-ZĐ]{{1,8}}/[A-ZĐ])
        | (?P<year>(?:19|20)\d\d)(?!\d|[.,]\d)
        | (?<![\w-])(?P<amount>\d{{1,3}}(?:\.\d{{3}})+(?!\d)|\d+)(?P<frac>,\d+)?
          (?=\s*(?:{_alternation(units)})(?!\w))
        | (?i:{after_kind})(?P<bare>\d{{1,5}})(?![\d/]|[.,]\d)
        )""", re.X)


def _tone_forms(name: str) -> set[str]:
    """`Hòa` and `Hoà`: the two placements of a tone on oa/oe/uy."""
    pairs = [("òa", "oà"), ("óa", "oá"), ("ỏa", "oả"), ("õa", "oã"), ("ọa", "oạ"), ("òe", "oè"), ("óe", "oé"),
             ("ùy", "uỳ"), ("úy", "uý"), ("ủy", "uỷ"), ("ũy", "uỹ"), ("ụy", "uỵ")]
    forms = {name}
    for a, b in pairs:
        forms |= {f.replace(a, b) for f in forms} | {f.replace(b, a) for f in forms}
    return forms


@lru_cache(maxsize=1)
def province_forms() -> dict[str, str]:
    """Every way a province is written, matched -> the province as rules write it.
    `Hồ Chí Minh` alone is a person, an ideology and an order, not the city:
    only its city forms are here (a unit word before it is matched apart)."""
    reorg = rules.load("reorganisation_2025")
    names = {p for g in province_groups() for p in g}
    forms: dict[str, str] = {}
    for name in names:
        for f in _tone_forms(name) if name != HCM else {"TP. Hồ Chí Minh", "TP.HCM", "TPHCM", "TP. HCM"}:
            forms[f] = name
    for other, name in reorg["name_forms"].items():
        if name in names and other != "HCM" and other != "Hồ Chí Minh":
            for f in _tone_forms(other):
                forms[f] = name
    for f in list(forms):
        forms[f.upper()] = forms[f]
    for keep in NOT_PROVINCES:
        forms[keep] = keep
        forms[keep.upper()] = keep
    return forms


@lru_cache(maxsize=1)
def province_token() -> re.Pattern:
    units = ["thành phố", "Thành phố", "THÀNH PHỐ", "TP.", "TP", "tỉnh", "Tỉnh", "TỈNH"]
    unit = rf"(?:{_alternation(units)})\s*"
    firsts = "".join(sorted({w[0] for w in [*units, *province_forms()]}))
    # the first letters first: the engine then skips to the next of them
    return re.compile(rf"(?=[{re.escape(firsts)}])(?<!\w)(?:(?P<unit>{unit})(?P<hcm>Hồ\s+Chí\s+Minh|HỒ\s+CHÍ\s+MINH)"
                      rf"|(?P<unit2>{unit})?(?P<name>{_alternation(province_forms())}))(?!\w)")


# ----------------------------------------------------------------- rewriting a text

def _year(y: int, v: Variation) -> int:
    return y + v.years if YEARS[0] <= y <= YEARS[1] else y


def _day(d: int, m: int, y: int) -> int:
    """A day that exists in month m of year y (29 February of a shifted year)."""
    if 1 <= m <= 12 and 1 <= d <= 31:
        return min(d, calendar.monthrange(y, m)[1])
    return d


def _scaled(digits: str, frac: str | None, factor: int) -> str:
    """``digits`` (with `.` thousands or not, leading zeros kept as a width)
    and its decimals (`,5`) times ``factor``, written the same way."""
    grouped = "." in digits
    whole = int(digits.replace(".", ""))
    decimals = frac[1:] if frac else ""
    value = (whole * 10 ** len(decimals) + (int(decimals) if decimals else 0)) * factor
    whole, rest = divmod(value, 10 ** len(decimals)) if decimals else (value, 0)
    text = f"{whole:,}".replace(",", ".") if grouped else f"{whole:0{len(digits)}d}"
    return text + (f",{rest:0{len(decimals)}d}" if decimals else "")


def _number(m: re.Match, v: Variation) -> str:
    kind = m.lastgroup
    if kind == "y":
        y = _year(int(m["y"]), v)
        day = _day(int(m["d"]), int(m["m"]), y) if y != int(m["y"]) else int(m["d"])
        return f"{day:0{len(m['d'])}d}{m['sep']}{m['m']}{m['sep']}{y}"
    if kind == "wy":
        y = _year(int(m["wy"]), v)
        day = _day(int(m["wd"]), int(m["wm"]), y) if y != int(m["wy"]) else int(m["wd"])
        return f"{day:0{len(m['wd'])}d}{m['w1']}{m['wm']}{m['w2']}{y}"
    if kind == "year":
        return str(_year(int(m["year"]), v))
    if kind in ("amount", "frac"):
        return _scaled(m["amount"], m["frac"], v.factor)
    return str(int(m.group()) + v.serial_offset)          # a serial, with a code or after a kind word


def _province(m: re.Match, v: Variation) -> str:
    """A province's name in the copy: the same unit word before it, the same
    case; `TP. Hồ Chí Minh` (a unit word of its own) where no unit word was."""
    unit = m.group("unit") or m.group("unit2") or ""
    written = m.group("hcm") or m.group("name")
    name = HCM if m.group("hcm") else province_forms()[" ".join(written.split())]
    new = v.provinces.get(name, name)
    if new == name:
        return m.group()
    capitals = written.isupper() and name != HCM        # `TP.HCM` is no heading in capitals
    if new == HCM:
        shown = "Hồ Chí Minh" if unit else "TP. Hồ Chí Minh"
    elif name == HCM and not unit:
        shown = "TP. " + new
    else:
        shown = new
    return unit + (shown.upper() if capitals else shown)


def vary(text: str, v: Variation) -> str:
    """``text`` with the substitutions of ``v`` (unchanged for copy 0)."""
    if v.identity:
        return text
    text = number_token().sub(lambda m: _number(m, v), text)
    return province_token().sub(lambda m: _province(m, v), text)


# ----------------------------------------------------------------- the cache

def copy_folder(copy: int, cache: Path = CACHE) -> Path:
    return cache / f"copy-{copy:02d}"


def _params(seed: int, files: list[Path]) -> dict:
    return {"version": VERSION, "seed": seed, "files": len(files),
            "bytes": sum(p.stat().st_size for p in files)}


def _write_one(job: tuple[int, int, str, str]) -> int:
    copy, seed, src, dest = job
    data = Path(src).read_bytes()
    text = data.decode("utf-8", errors="surrogateescape")
    out = vary(text, variation(copy, seed)).encode("utf-8", errors="surrogateescape")
    Path(dest).write_bytes(out)
    return len(out)


def build_copy(copy: int, seed: int = SEED, processes: int | None = None, files: list[Path] | None = None,
               source: Path | None = None, cache: Path = CACHE) -> Path:
    """Copy ``copy`` of the archive in the cache (built once: a manifest with
    the same parameters means it is there): the folder holding its ``docs/``
    and ``manifest.json``."""
    source = source or archive.folder()
    files = files if files is not None else sorted(p for p in source.rglob("*") if p.is_file())
    dest = copy_folder(copy, cache)
    params = _params(seed, files) | {"copy": copy}
    manifest = dest / "manifest.json"
    if manifest.is_file() and json.loads(manifest.read_text()).get("params") == params:
        return dest
    tmp = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(dest, ignore_errors=True)
    t0 = time.perf_counter()
    targets = [tmp / "docs" / p.relative_to(source) for p in files]
    for d in {t.parent for t in targets}:
        d.mkdir(parents=True, exist_ok=True)
    if copy == 0:                       # the archive as is: linked when the file system allows
        for src, t in zip(files, targets):
            try:
                os.link(src, t)
            except OSError:
                shutil.copyfile(src, t)
        nbytes = sum(p.stat().st_size for p in files)
    else:
        jobs = [(copy, seed, str(s), str(t)) for s, t in zip(files, targets)]
        if len(jobs) < 500 or processes == 1:          # a few files (the tests): no pool to start
            nbytes = sum(map(_write_one, jobs))
        else:
            with Pool(processes or os.cpu_count() or 1) as pool:
                nbytes = sum(pool.imap_unordered(_write_one, jobs, chunksize=64))
    (tmp / "manifest.json").write_text(json.dumps(
        {"params": params, "bytes_written": nbytes, "seconds": round(time.perf_counter() - t0, 1),
         "variation": {k: v for k, v in variation(copy, seed).__dict__.items()}}, ensure_ascii=False, indent=1))
    tmp.rename(dest)
    return dest


def build(copies: int, seed: int = SEED, processes: int | None = None, quiet: bool = False) -> list[Path]:
    """Copies 0 to ``copies``-1 (the archive at ``copies`` times its size):
    their folders of documents."""
    source = archive.folder()
    files = sorted(p for p in source.rglob("*") if p.is_file())
    folders = []
    for k in range(copies):
        t0 = time.perf_counter()
        folder = build_copy(k, seed, processes, files, source)
        if not quiet:
            print(f"national: copy {k} in {folder} ({time.perf_counter() - t0:.1f} s)", flush=True)
        folders.append(folder / "docs")
    return folders


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=10, help="copies of the archive (default 10: 139,670 files)")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--processes", type=int, default=None, help="processes rewriting files (default: every core)")
    a = ap.parse_args(argv)
    if not archive.available():
        print(f"national: no archive at {archive.UNPACK.parent}; nothing to do")
        return 0
    t0 = time.perf_counter()
    folders = build(a.copies, a.seed, a.processes)
    print(f"national: {len(folders)} copies in {CACHE} ({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
