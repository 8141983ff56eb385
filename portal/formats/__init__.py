"""The project's date and number formats per language (``FORMAT_MODULE_PATH``).

Django reads a setting here first and falls back to its own locale module for the rest
(input formats, first day of the week). The choice and its reasons are in
docs/decisions.md, "Dates and numbers"; ``portal.formatting`` is the one way to use them.
"""
