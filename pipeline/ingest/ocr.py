"""OCR of scanned PDF pages with Tesseract (``tdkt extract --ocr``).

A page is rendered with pypdfium2 at ``OCR_DPI`` (300) in grey, piped to

    tesseract - - -l vie --dpi 300 --psm 3 tsv

and read back from its TSV output: one :class:`~.pdf_reader.Line` per text line
(its box from the word boxes, in PDF points), with Tesseract's paragraph number,
so the PDF reader's running-head removal and paragraph assembly apply to OCR'd
pages as to text pages.  The word confidences (0-100; -1 rows are layout, not
words) are returned for the document's mean ``ocr_confidence``.

Tesseract runs with ``OMP_THREAD_LIMIT=1`` (its OpenMP threads make one page
several times slower on a small machine and fight with the batch's worker
processes) and a time limit per page (``TDKT_OCR_TIMEOUT``, default 300 s).
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess

OCR_DPI = 300
LANG = "vie"
INSTALL_HINT = "install it with `make ocr-deps` (Debian: tesseract-ocr tesseract-ocr-vie)"


def tesseract_path() -> str | None:
    return shutil.which(os.environ.get("TDKT_TESSERACT", "tesseract"))


@functools.lru_cache(maxsize=4)
def _languages(program: str) -> tuple[str, ...]:
    try:
        out = subprocess.run([program, "--list-langs"], capture_output=True, timeout=60,
                             stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return ()
    text = (out.stdout + out.stderr).decode("utf-8", "replace")
    return tuple(line.strip() for line in text.splitlines()[1:] if line.strip())


def check() -> str:
    """"" when OCR can run, else the error message (what is missing, how to install it)."""
    program = tesseract_path()
    if not program:
        return f"--ocr needs the program `tesseract`, which is not installed; {INSTALL_HINT}"
    if LANG not in _languages(program):
        return (f"--ocr needs Tesseract's Vietnamese data ({LANG}.traineddata), which is not "
                f"installed; {INSTALL_HINT}")
    return ""


def _timeout() -> float:
    try:
        return float(os.environ.get("TDKT_OCR_TIMEOUT", "300"))
    except ValueError:
        return 300.0


def ocr_image(image) -> tuple[list[dict] | None, str]:
    """Run Tesseract on a PIL image: (word rows, "") or (None, error message)."""
    import io
    program = tesseract_path()
    if not program:
        return None, check()
    buf = io.BytesIO()
    image.save(buf, format="PPM")              # uncompressed: cheap to write and to read
    env = dict(os.environ)
    env.setdefault("OMP_THREAD_LIMIT", "1")
    cmd = [program, "-", "-", "-l", LANG, "--dpi", str(OCR_DPI), "--psm", "3", "tsv"]
    try:
        proc = subprocess.run(cmd, input=buf.getvalue(), capture_output=True, env=env,
                              timeout=_timeout())
    except subprocess.TimeoutExpired:
        return None, f"tesseract did not finish a page within {_timeout():.0f} s (TDKT_OCR_TIMEOUT)"
    except OSError as exc:
        return None, f"cannot run tesseract: {exc.strerror or exc}"
    if proc.returncode != 0:
        err = " ".join(proc.stderr.decode("utf-8", "replace").split())[:200]
        return None, f"tesseract failed (exit code {proc.returncode}): {err}"
    return parse_tsv(proc.stdout.decode("utf-8", "replace")), ""


def parse_tsv(tsv: str) -> list[dict]:
    """Word rows of Tesseract's TSV output (level 5, non-empty text)."""
    rows = []
    lines = tsv.splitlines()
    if not lines:
        return rows
    header = lines[0].split("\t")
    for line in lines[1:]:
        parts = line.split("\t")
        if len(parts) < len(header):
            continue
        row = dict(zip(header, parts))
        if row.get("level") != "5" or not (row.get("text") or "").strip():
            continue
        try:
            rows.append({
                "block": int(row["block_num"]), "par": int(row["par_num"]),
                "line": int(row["line_num"]), "left": int(row["left"]), "top": int(row["top"]),
                "width": int(row["width"]), "height": int(row["height"]),
                "conf": float(row["conf"]), "text": row["text"].strip(),
            })
        except (KeyError, ValueError):
            continue
    return rows


def ocr_page(pdf, index: int):
    """OCR page ``index`` of an open pypdfium2 document.  Returns (Page, word
    confidences) or (None, error message)."""
    from .pdf_reader import Line, Page
    page = pdf[index]
    try:
        width, height = page.get_size()
        bitmap = page.render(scale=OCR_DPI / 72, grayscale=True)
        image = bitmap.to_pil()
    finally:
        page.close()
    words, problem = ocr_image(image)
    if words is None:
        return None, problem
    scale = 72 / OCR_DPI
    grouped: dict[tuple, list[dict]] = {}
    for w in words:
        grouped.setdefault((w["block"], w["par"], w["line"]), []).append(w)
    paragraphs: dict[tuple, int] = {}
    lines = []
    for key, ws in grouped.items():
        ws.sort(key=lambda w: w["left"])
        left = min(w["left"] for w in ws)
        right = max(w["left"] + w["width"] for w in ws)
        # the line's box: the median word box height keeps accents and descenders
        # from making every line a different height
        tops = sorted(w["top"] for w in ws)
        bottoms = sorted(w["top"] + w["height"] for w in ws)
        top_px = tops[len(tops) // 2]
        bottom_px = bottoms[len(bottoms) // 2]
        para = paragraphs.setdefault(key[:2], len(paragraphs))
        lines.append(Line(" ".join(w["text"] for w in ws), left * scale, height - bottom_px * scale,
                          right * scale, height - top_px * scale, para=para))
    confs = [w["conf"] for w in words if w["conf"] >= 0]
    n_chars = sum(len(w["text"]) for w in words)
    return Page(lines, width, height, n_chars, scanned=False), confs
