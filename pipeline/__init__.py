"""tdkt: tables from Vietnamese reports on thi đua, khen thưởng."""
from .api import extract_file, extract_source, extract_text

__all__ = ["extract_file", "extract_source", "extract_text"]
__version__ = "0.1.0"
