"""Scoring sohoa outputs against gold data: ``metrics`` (pure functions) and ``report``
(pairing files, totals, the ``sohoa eval`` table and JSON)."""
