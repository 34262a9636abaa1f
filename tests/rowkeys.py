"""The keys by which two extractions of one report are compared (a rendering or
another form against the clean .txt): the scorer's keys, one list per table."""


def row_keys(result, with_year: bool = True) -> dict:
    norm = lambda s: " ".join((s or "").split()).casefold()
    award = (lambda a: (a.award, a.recipient_type, a.count or 0, a.year or 0)) if with_year else \
        (lambda a: (a.award, a.recipient_type, a.count or 0))
    return {
        "citations": sorted((c.doc_type, c.serial, (c.code or "").upper()) for c in result.citations),
        "movements": sorted(norm(m.name) for m in result.movements),
        "money": sorted((m.amount_vnd, m.qualifier) for m in result.money),
        "awards": sorted(award(a) for a in result.awards),
    }
