def fill(doc, parsed):
    return None
