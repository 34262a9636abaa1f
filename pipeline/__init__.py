"""tdkt: tables from Vietnamese reports on thi đua, khen thưởng."""
__all__ = ["extract_file", "extract_source", "extract_text"]
__version__ = "0.1.0"


def __getattr__(name):
    # the extraction API is imported on first use, not with the package: the batch
    # parent and the file-writing helpers never extract and need not load the
    # NLP stack (underthesea, its models) that the API imports
    if name in __all__:
        from . import api
        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
