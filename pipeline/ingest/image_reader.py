"""Scanned images: .jpg/.jpeg, .png, .tif/.tiff (a multi-page TIFF: one page a frame).

An image has no text layer: without ``ocr`` it is ``needs_ocr`` (its pages
counted, nothing decoded); with ``ocr`` every page goes through Tesseract as a
scanned PDF page does (``ocr.ocr_picture``): the red channel (red seals fade
out), the two-column split, noise words dropped, the circumflex of ``iê``
restored, then the tone-mark repair over all pages at once (``ocr_repaired``),
running heads and page numbers removed and paragraphs assembled by the PDF
reader's rules; ``page_starts`` gives each page, ``ocr_confidence`` the mean
word confidence.

A photo's EXIF orientation is applied (a page photographed sideways is read
upright).  Resolution: Tesseract is told 300 dpi (``ocr.OCR_DPI``).  A page whose file
says it was scanned at 100-199 dpi is enlarged to 300 dpi, one scanned above
400 dpi reduced to 300 (no resolution, or a screen's 72/96 dpi, is left as it is).

Memory: an image of more than Pillow's ``Image.MAX_IMAGE_PIXELS`` pixels (a page
or a frame; a decompression bomb: a few KB of PNG can decode to gigabytes) is
refused before it is decoded, and at most ``MAX_PAGES`` frames are read; one
page is in memory at a time.
"""
from __future__ import annotations

import io
import re
import warnings

from ..models import SourceText
from .common import failed, one_line, sniff_kind

OCR_MESSAGE = "scanned image (no text layer); run with --ocr"
MAX_PAGES = 2000             # frames of one TIFF
DEFAULT_MAX_PIXELS = 89_478_485   # Pillow's default, when MAX_IMAGE_PIXELS was set to None


def read_image(data: bytes, ocr: bool = False) -> SourceText:
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - dependency missing
        return failed("Pillow is not installed (pip install Pillow)")
    limit = Image.MAX_IMAGE_PIXELS or DEFAULT_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)   # checked below
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        return failed(_too_large(_pixels_in(str(exc)), limit))
    except Exception as exc:          # UnidentifiedImageError, a damaged header...
        return failed(_not_an_image(exc, data))
    with image:
        try:
            if not ocr:
                n_pages = _count_pages(image, limit)
                return SourceText(doc_id="", source_path="", format="", page_starts=[0] * n_pages,
                                  status="needs_ocr", error=OCR_MESSAGE)
            return _ocr(image, limit)
        except _Refused as exc:
            return failed(str(exc))
        except (OSError, SyntaxError, ValueError, EOFError) as exc:   # truncated / corrupt image data
            return failed(one_line(f"image data is damaged or truncated ({type(exc).__name__}: {exc})"))


class _Refused(Exception):
    pass


def _frames(image, limit: int):
    """Seek to each frame in turn (checking its size before it is decoded)."""
    index = 0
    while True:
        try:
            image.seek(index)
        except EOFError:
            return
        if index >= MAX_PAGES:
            raise _Refused(f"refused: the image has more than {MAX_PAGES} pages")
        width, height = image.size
        if width * height > limit:
            raise _Refused(_too_large(width * height, limit, (width, height),
                                      index + 1 if index or _is_multi(image) else None))
        yield index
        index += 1


def _is_multi(image) -> bool:
    return bool(getattr(image, "is_animated", False))


def _count_pages(image, limit: int) -> int:
    return sum(1 for _ in _frames(image, limit))


def _ocr(image, limit: int) -> SourceText:
    from . import ocr as ocr_engine
    from .pdf_reader import assemble, remove_running_lines
    problem = ocr_engine.check()
    if problem:
        return failed(problem)
    pages, confidences = [], []
    for _ in _frames(image, limit):
        grey, width_pt, height_pt = _page_for_ocr(image, limit)
        page, confs = ocr_engine.ocr_picture(grey, width_pt, height_pt)
        del grey
        if page is None:
            return failed(confs)
        pages.append(page)
        confidences.extend(confs)
    if not pages:
        return failed("the image has no pages")
    repaired = ocr_engine.repair_pages(pages)
    remove_running_lines(pages)
    text, page_starts = assemble(pages)
    confidence = round(sum(confidences) / len(confidences), 1) if confidences else 0.0
    if not text.strip():
        return SourceText(doc_id="", source_path="", format="", text=text, page_starts=page_starts,
                          status="needs_ocr", error="scanned image, and OCR found no text",
                          ocr_confidence=confidence, ocr_repaired=repaired)
    return SourceText(doc_id="", source_path="", format="", text=text, page_starts=page_starts,
                      ocr_confidence=confidence, ocr_repaired=repaired)


def _page_for_ocr(image, limit: int):
    """The current frame as a grey image at about ``OCR_DPI``, and its size in
    points (what ``ocr.page_lines`` expects: pixels at OCR_DPI)."""
    from PIL import Image

    from .ocr import OCR_DPI
    grey = _grey(_upright(image))
    dpi = _dpi(image)
    scale = 1.0
    if dpi and (100 <= dpi < 200 or dpi > 400):
        scale = OCR_DPI / dpi
        # never past the pixel limit
        scale = min(scale, (limit / max(1, grey.width * grey.height)) ** 0.5)
    if abs(scale - 1.0) > 0.05:
        grey = grey.resize((max(1, round(grey.width * scale)), max(1, round(grey.height * scale))),
                           Image.Resampling.LANCZOS)
    return grey, grey.width * 72 / OCR_DPI, grey.height * 72 / OCR_DPI


def _upright(image):
    """The frame turned as its EXIF orientation says (a phone photo of a page)."""
    try:
        turned = image.getexif().get(0x0112, 1) in (2, 3, 4, 5, 6, 7, 8)
    except Exception:                  # a damaged EXIF block: read the pixels as they are
        return image
    if not turned:
        return image
    from PIL import ImageOps
    return ImageOps.exif_transpose(image)


def _grey(image):
    """The frame in grey; a colour scan's red channel (red seals fade out, black
    and blue ink stay dark); transparency on white paper."""
    from PIL import Image
    mode = image.mode
    if mode in ("1", "L"):
        return image.convert("L")
    if mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        import numpy as np
        a = np.asarray(image, dtype=np.float64)
        lo, hi = float(a.min()), float(a.max())
        a = (a - lo) * (255.0 / (hi - lo)) if hi > lo else np.full(a.shape, 255.0)
        return Image.fromarray(a.astype(np.uint8), "L")
    if mode in ("LA", "RGBA", "PA", "La", "RGBa") or (mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        paper.alpha_composite(rgba)
        return paper.convert("RGB").split()[0]
    return image.convert("RGB").split()[0]


def _dpi(image) -> float | None:
    dpi = image.info.get("dpi")
    try:
        value = float(dpi[0]) if isinstance(dpi, (tuple, list)) else float(dpi)
    except (TypeError, ValueError, IndexError):
        return None
    return value if value > 0 else None


def _pixels_in(message: str) -> int | None:
    m = re.search(r"\((\d+) pixels\)", message)
    return int(m.group(1)) if m else None


def _too_large(pixels: int | None, limit: int, size: tuple | None = None, page: int | None = None) -> str:
    if size:
        what = f"{size[0]} x {size[1]} pixels ({size[0] * size[1] / 1e6:.0f} megapixels)"
    else:
        what = f"{pixels / 1e6:.0f} megapixels" if pixels else "too many pixels"
    where = f" (page {page})" if page else ""
    return (f"refused: image{where} of {what}, more than the limit of {limit / 1e6:.0f} megapixels "
            f"(decompression bomb?)")


def _not_an_image(exc: Exception, data: bytes) -> str:
    kind = sniff_kind(data)
    if kind and "image" not in kind:
        return f"not a valid image (the file is {kind})"
    name = type(exc).__name__
    if name == "UnidentifiedImageError":
        return "not a valid image (unrecognised or corrupt image data)"
    return one_line(f"not a valid image ({name}: {exc})")
