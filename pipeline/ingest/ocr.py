"""OCR of scanned PDF pages and image files with Tesseract (``tdkt extract --ocr``).

A page is rendered with pypdfium2 at ``OCR_DPI`` (300) in grey, piped to

    tesseract - - -l vie --dpi 300 --psm 3 tsv

and read back from its TSV output: one :class:`~.pages.Line` per text line
(its box from the word boxes, in PDF points), with Tesseract's paragraph number,
so the PDF reader's running-head removal and paragraph assembly apply to OCR'd
pages as to text pages (a scanned image file's page, ``image_reader``, goes
through the same :func:`ocr_picture`).  The word confidences (0-100; -1 rows
are layout, not words) are returned for the document's mean ``ocr_confidence``.

What a reader of the scan sees, and Tesseract alone does not give:

* Seals are red: the page is rendered in colour and OCR'd on its red channel,
  where red ink is nearly white, so a seal over a heading or a signature no
  longer hides the text under it (black and blue ink stay dark).
* Two-column blocks (the header: agency | national motto, number | place and
  date; the signature block): Tesseract reads them as one line per row.  A run
  of 2+ consecutive lines that all have a wide gap (``COLUMN_GAP`` word heights)
  over a common gutter is split there and read as the text layer of a PDF
  has it: the left column, then the right column as a paragraph of its own.
* Stamp, signature and speck residue: a word Tesseract itself doubts
  (confidence < ``NOISE_CONF``) that is not a run of letters, or that it
  scores below a third of that, is dropped.
* ``iê`` / ``yê`` need the circumflex (``QUYÉT`` is no Vietnamese syllable):
  Tesseract often drops it from ``Ế`` in capitals; it is put back.
* Other dropped or confused tone marks (``Băng khen``, ``Luật Thì đua``) are
  repaired over all OCR'd pages of a document at once (:func:`repair_pages`,
  ``ocr_repair``: the document's own words are part of the evidence), after
  the letters and quotes Tesseract writes for others (``QÐ``, ``QĐÐ-UBND``,
  ``“Dân vận khéo“``: ``ocr_repair.fix_forms``).

Tesseract runs with ``OMP_THREAD_LIMIT=1`` (its OpenMP threads make one page
several times slower on a small machine and fight with the batch's worker
processes) and a time limit per page (``TDKT_OCR_TIMEOUT``, default 300 s).
"""
from __future__ import annotations

import functools
import itertools
import os
import re
import shutil
import subprocess
import unicodedata

from .pages import Line, Page

OCR_DPI = 300
LANG = "vie"
COLUMN_GAP = 1.2     # a gap this many word heights wide between two words: a column gutter
NOISE_CONF = 30      # words below this confidence that are not letters: stamp / signature residue
# a toned e without circumflex after i / y and before a final: always iê / yê in
# Vietnamese (an untoned "ie" may be a foreign word: Viettel, diesel)
_IE_WITHOUT_HAT = re.compile(r"(?<=[iyIY])([éèẻẽẹÉÈẺẼẸ])(?=[cmnptuCMNPTU])")
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
    rows: list[dict] = []
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
    page = pdf[index]
    try:
        width, height = page.get_size()
        bitmap = page.render(scale=OCR_DPI / 72)
        image = bitmap.to_pil().convert("RGB").split()[0]     # red channel: red seals fade out
    finally:
        page.close()
    return ocr_picture(image, width, height)


def ocr_picture(image, width: float, height: float):
    """OCR one page already in pixels at ``OCR_DPI`` (a grey PIL image: a
    rendered PDF page's red channel, a scanned image file's page) of ``width`` x
    ``height`` points.  Returns (Page, word confidences) or (None, error message)."""
    words, problem = ocr_image(image)
    if words is None:
        return None, problem
    confs = [w["conf"] for w in words if w["conf"] >= 0]
    n_chars = sum(len(w["text"]) for w in words)
    kept = [dict(w, text=restore_circumflex(w["text"])) for w in words if not _noise(w)]
    return Page(page_lines(kept, height), width, height, n_chars, scanned=False), confs


def repair_pages(pages: list) -> int:
    """Tone-mark repair (``ocr_repair``) of the OCR'd pages' lines, in place;
    returns the number of words changed.  The lines are read as one text so
    that a word broken over two lines, and the words of the other pages, count.
    Letter forms and quotes are put right first (``ocr_repair.fix_forms``)."""
    from .ocr_repair import fix_forms, repair
    lines = [line for page in pages for line in page.lines]
    if not lines:
        return 0
    fixed = fix_forms("\n".join(line.text for line in lines)).split("\n")
    for line, line_text in zip(lines, fixed):        # fix_forms keeps the line breaks
        line.text = line_text
    text, changed = repair("\n".join(line.text for line in lines))
    if changed:
        pos = 0
        for line in lines:                  # the repair keeps every length
            line.text, pos = text[pos:pos + len(line.text)], pos + len(line.text) + 1
    return changed


def restore_circumflex(word: str) -> str:
    """``QUYÉT`` -> ``QUYẾT``, ``tiép`` -> ``tiếp`` (``iê`` / ``yê`` before a final)."""
    def hat(m):
        return unicodedata.normalize("NFC", unicodedata.normalize("NFD", m.group(1))[0] + "\u0302"
                                     + unicodedata.normalize("NFD", m.group(1))[1:])
    return _IE_WITHOUT_HAT.sub(hat, word)


def _noise(word: dict) -> bool:
    if word["conf"] < 0 or word["conf"] >= NOISE_CONF:
        return False
    if word["conf"] < NOISE_CONF / 3:          # Tesseract all but says it is no word
        return True
    core = word["text"].strip(".,;:!?()\"'“”-–")
    return not (len(core) >= 2 and core.isalpha())


def page_lines(words: list[dict], page_height: float) -> list:
    """Tesseract's words (pixels at OCR_DPI) -> Lines (points), in
    reading order, two-column runs split (see the module docstring)."""
    grouped: dict[tuple, list[dict]] = {}
    for w in words:
        grouped.setdefault((w["block"], w["par"], w["line"]), []).append(w)
    rows = []                                  # (paragraph key, words) in Tesseract's order
    for key, ws in grouped.items():
        ws.sort(key=lambda w: w["left"])
        rows.append((key[:2], ws))

    scale = 72 / OCR_DPI
    paragraphs: dict = {}

    def line(ws: list[dict], para_key) -> Line:
        left = min(w["left"] for w in ws)
        right = max(w["left"] + w["width"] for w in ws)
        # the median word box height keeps accents and descenders from making
        # every line a different height
        tops = sorted(w["top"] for w in ws)
        bottoms = sorted(w["top"] + w["height"] for w in ws)
        return Line(" ".join(w["text"] for w in ws), left * scale,
                    page_height - bottoms[len(bottoms) // 2] * scale, right * scale,
                    page_height - tops[len(tops) // 2] * scale,
                    para=paragraphs.setdefault(para_key, len(paragraphs)))

    out = []
    i = 0
    while i < len(rows):
        run = _column_run(rows, i)
        if len(run) >= 2:
            lo, hi = run[0][1], run[0][2]
            for _, g_lo, g_hi in run:
                lo, hi = max(lo, g_lo), min(hi, g_hi)
            split = (lo + hi) / 2
            lefts = [[w for w in rows[k][1] if w["left"] + w["width"] / 2 < split] for k, _, _ in run]
            rights = [[w for w in rows[k][1] if w["left"] + w["width"] / 2 >= split] for k, _, _ in run]
            out += [line(ws, ("left", i)) for ws in lefts if ws]
            out += [line(ws, ("right", i)) for ws in rights if ws]
            i += len(run)
        else:
            out.append(line(rows[i][1], rows[i][0]))
            i += 1
    return out


def _gaps(ws: list[dict]) -> list[tuple[int, int]]:
    """The wide gaps of one line: (x where it starts, x where it ends)."""
    heights = sorted(w["height"] for w in ws)
    h = heights[len(heights) // 2]
    out = []
    for a, b in itertools.pairwise(ws):
        start, end = a["left"] + a["width"], b["left"]
        if end - start > COLUMN_GAP * h:
            out.append((start, end))
    return out


def _column_run(rows: list, start: int) -> list[tuple[int, int, int]]:
    """Consecutive lines from ``start`` that share a wide gap over one gutter:
    [(row index, gutter from, gutter to)]."""
    run: list[tuple[int, int, int]] = []
    lo, hi = None, None
    for k in range(start, len(rows)):
        fits = None
        for g_lo, g_hi in _gaps(rows[k][1]):
            n_lo, n_hi = (g_lo, g_hi) if lo is None or hi is None else (max(lo, g_lo), min(hi, g_hi))
            if n_hi > n_lo:
                fits = (n_lo, n_hi, g_lo, g_hi)
                break
        if fits is None:
            break
        lo, hi = fits[0], fits[1]
        run.append((k, fits[2], fits[3]))
    return run
