"""Small builders of hostile files, shared by the tests that need them."""
import zipfile
from pathlib import Path


def zip_bomb(path: Path, megabytes: int = 300) -> None:
    """A docx whose document.xml unpacks to ``megabytes`` MB (about 1/1000 of that on disk)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"/>')
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            block = b" " * (1 << 20)
            for _ in range(megabytes):
                f.write(block)
