"""Fill a document's structured fields from its lines and text.

Zones in reading order: header (up to the subject and 'Kính gửi'), body, then
the recipients/signature zone. Tables (blocks of kind ``table``) stay out of
the body tree; page numbers and running headers are not read at all.
"""

from __future__ import annotations

import re

from pipeline.model import Document, LegalBasis, Section
from pipeline.structure.body import build_tree, lines_section, paragraphs, to_section
from pipeline.structure.closing import locate_closing, parse_closing
from pipeline.structure.header import parse_header
from pipeline.structure.lines import TextLine, document_lines
from pipeline.structure.references import extract_references, numbers_in
from pipeline.structure.roles import assign_roles, basis_kind, responsible_units
from pipeline.structure.text import squash


def _preamble_sections(lines: list[TextLine], has_numbering: bool, text: str
                       ) -> tuple[list[Section], list[LegalBasis]]:
    """Sections of the text before the first numbered heading, and the legal bases.

    'Căn cứ' and 'Xét' paragraphs are legal bases, and so is a 'Thực hiện' paragraph next to them (a
    lone 'Thực hiện ... như sau:' opens the preamble); 'Theo đề nghị' paragraphs after them stay in the
    legal-basis section without being a basis. Without any numbering the rest is one section."""
    chunks = _merge_basis_continuations(paragraphs(lines))
    kinds = [basis_kind(chunk[0].text) for chunk in chunks]
    in_basis = [kind == "basis" for kind in kinds]
    for index, kind in enumerate(kinds):
        neighbours = in_basis[index - 1:index] + in_basis[index + 1:index + 2]
        if kind == "carrying_out" and any(neighbours):
            in_basis[index] = True
    sections: list[Section] = []
    bases: list[LegalBasis] = []
    run: list[TextLine] = []
    run_role: str | None = None
    for index, chunk in enumerate(chunks):
        role = "legal_basis" if in_basis[index] or (kinds[index] == "proposal" and run_role == "legal_basis") \
            else ("preamble" if has_numbering else "other")
        if in_basis[index]:
            joined = squash(" ".join(line.text for line in chunk))
            bases.append(LegalBasis(text=joined, references=numbers_in(joined)))
        if run and role != run_role:
            sections.append(lines_section(run, run_role, text))
            run = []
        run.extend(chunk)
        run_role = role
    if run:
        sections.append(lines_section(run, run_role, text))
    return sections, bases


def _merge_basis_continuations(chunks: list[list[TextLine]]) -> list[list[TextLine]]:
    """'Căn cứ Luật A ...;' followed by 'Luật B ...;' on its own line is one basis citing two laws."""
    merged: list[list[TextLine]] = []
    for index, chunk in enumerate(chunks):
        following = basis_kind(chunks[index + 1][0].text) if index + 1 < len(chunks) else None
        if (merged and basis_kind(chunk[0].text) is None and basis_kind(merged[-1][0].text) == "basis"
                and merged[-1][-1].text.rstrip().endswith(";")
                and (chunk[-1].text.rstrip().endswith(";") or following in ("basis", "carrying_out"))):
            merged[-1] = merged[-1] + chunk
        else:
            merged.append(chunk)
    return merged


def numbers_as_normalised(text: str, reference_reviews: list) -> str:
    """Cited numbers in ``text`` written as the references normalised them: '09/CT UBND' → '09/CT-UBND'
    (a truncated mention completed), '407/QD-TTg' → '407/QĐ-TTg'."""
    for review in reference_reviews:
        original, corrected = review.original, review.corrected
        remainder = corrected[len(original) + 1:] if corrected.startswith(original + "-") else ""
        tail = rf"(?:\s+{re.escape(remainder)})?" if remainder else ""
        text = re.sub(rf"(?<![\w/]){re.escape(original)}{tail}(?![\w/-])", corrected, text)
    return text


def structure_document(doc: Document) -> list:
    """Set header, legal_bases, sections, responsible_units, recipients, signature and references.

    Returns the review items (header fields read with low confidence, suspicious references).
    """
    all_lines = document_lines(doc)
    lines = [line for line in all_lines if line.kind != "table"]
    for index, line in enumerate(lines):
        line.index = index
    doubtful = frozenset(w for c in doc.corrections if c.kind == "word" and c.flagged for w in c.word_ids)
    header_result = parse_header(lines, doubtful)
    start = header_result.end
    closing_start = start + locate_closing(lines[start:])
    body = lines[start:closing_start]
    roots, preamble, closing = build_tree(body)
    sections, bases = _preamble_sections(preamble, bool(roots), doc.text)
    sections.extend(to_section(node, doc.text) for node in roots)
    if closing:
        sections.append(lines_section(closing, "closing", doc.text))
    assign_roles(sections)
    closing_result = parse_closing(lines[closing_start:])
    exclude = {header_result.header.number} if header_result.header.number else set()
    references, reference_corrections = extract_references(doc, exclude)

    if header_result.header.subject:  # the subject cites what the body cites: same number, same spelling
        header_result.header.subject = numbers_as_normalised(header_result.header.subject, reference_corrections)
    doc.header = header_result.header
    doc.legal_bases = bases
    doc.sections = sections
    doc.responsible_units = responsible_units(sections)
    doc.recipients = closing_result.recipients
    doc.signature = closing_result.signature
    doc.references = references
    return [*header_result.corrections, *closing_result.corrections, *reference_corrections]
