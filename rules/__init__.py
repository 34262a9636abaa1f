"""The rules, as YAML files a domain expert edits (this file only marks the
folder as the package ``tdkt_rules`` that ships them: see pipeline/rules.py)."""
