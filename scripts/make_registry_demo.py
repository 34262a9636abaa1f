#!/usr/bin/env python3
"""Write corpus/made/: reports made for the registry demo, so that `make run`
shows a conflict listing on the sample corpus.

- `005_another_unit_date_changed.txt`: seed 000 (Thanh tra tỉnh Tây Ninh) saved
  as a report of another unit (Sở Tư pháp) with the date of Chỉ thị số
  12/CT-UBND changed from 29/12/2021 to 30/12/2021: the registry must list
  exactly one conflict, `issued_date` of `CT-UBND|12|2021|Tây Ninh`.

Deterministic; run it again after changing seed 000 and commit the result.
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "seeds" / "000_749e481ad73445fb.txt"
OUT = ROOT / "corpus" / "made"


def main() -> None:
    text = SEED.read_text(encoding="utf-8")
    cited = "12/CT-UBND ngày 29/12/2021"
    if text.count(cited) != 1:
        raise SystemExit(f"{SEED.name}: expected `{cited}` once")
    OUT.mkdir(exist_ok=True)
    altered = text.replace(cited, "12/CT-UBND ngày 30/12/2021").replace("Thanh tra tỉnh", "Sở Tư pháp")
    (OUT / "005_another_unit_date_changed.txt").write_text(altered, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}/005_another_unit_date_changed.txt")


if __name__ == "__main__":
    main()
