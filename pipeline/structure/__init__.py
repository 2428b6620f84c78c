"""Structured fields of a letter read from its lines in reading order.

``document.structure_document(doc)`` fills header, legal_bases, sections,
responsible_units, recipients, signature and references; the parsers live in
``header``, ``body``, ``roles``, ``closing`` and ``references``. Conventions
(shared with samples/gold): section ``number`` without punctuation ("I", "1",
"a", "Điều 1", "-"); section ``text`` is the slice of Document.text its span
covers, heading included; recipients keep their own punctuation, only the
leading dash goes; ``date_text`` holds place and date as printed; secrecy and
urgency in normal case ("Khẩn", "Hỏa tốc"); nested signing authorities are
joined with " / " ("TL. CHỦ TỊCH / KT. CHÁNH VĂN PHÒNG"); a number whose digits
were left blank for an e-signing system keeps its symbol ("/TB-UBND").
"""
