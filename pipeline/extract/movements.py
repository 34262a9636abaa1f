from . import ParsedDoc


def find(doc: ParsedDoc) -> list:
    return []
