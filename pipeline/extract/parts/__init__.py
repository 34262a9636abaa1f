"""The units every extractor reads alike: Vietnamese text (:mod:`.text`),
dates (:mod:`.dates`), numbers and their multipliers (:mod:`.numbers`),
issuing bodies (:mod:`.issuers`), table cells (:mod:`.cells`) and where a
line sits in a document's outline (:mod:`.structure`), each read one way,
from rules data.

The parts import only :mod:`pipeline.rules`, the typed records
(:mod:`pipeline.models`), the standard library and ``regex`` (and each
other), never an extractor: every extractor, the auditor and the resolver
may import them.
"""
