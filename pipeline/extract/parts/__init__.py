"""The units every extractor reads alike: Vietnamese text (:mod:`.text`),
dates (:mod:`.dates`), numbers and their multipliers (:mod:`.numbers`) and
issuing bodies (:mod:`.issuers`), each read one way, from rules data.

The parts import only :mod:`pipeline.rules`, the standard library and
``regex`` (and each other), never an extractor: every extractor, the
auditor and the resolver may import them.
"""
