"""The auditor's toolkit: checks on the extracted claims (``checks``) and units'
claims side by side (``compare``). Both read the output folder's store
(``registry.sqlite``) that ``tdkt extract`` filled and write their results back
into the same folder, in every export format."""
