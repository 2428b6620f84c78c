"""Text is derived from words: one function builds it and every word's span.

Words are joined by one space, lines by a newline, blocks by a blank line and
pages by a form feed on its own line. Page numbers and running headers stay on
the page as blocks but are left out of the text.
"""

from __future__ import annotations

from pipeline.model import Document, Page

PAGE_SEPARATOR = "\n\f\n"
BLOCK_SEPARATOR = "\n\n"
LINE_SEPARATOR = "\n"
EXCLUDED_BLOCK_KINDS = frozenset({"page_number", "running_header", "stamp"})


def _page_text(page: Page, offset: int) -> str:
    parts: list[str] = []
    position = offset
    for block in page.blocks:
        if block.kind in EXCLUDED_BLOCK_KINDS:
            for line in block.lines:
                for word in line.words:
                    word.span = None
            continue
        line_texts = [line for line in block.lines if line.words]
        if not line_texts:
            continue
        if parts:
            parts.append(BLOCK_SEPARATOR)
            position += len(BLOCK_SEPARATOR)
        for index, line in enumerate(line_texts):
            if index:
                parts.append(LINE_SEPARATOR)
                position += len(LINE_SEPARATOR)
            for word_index, word in enumerate(line.words):
                if word_index:
                    parts.append(" ")
                    position += 1
                word.span = (position, position + len(word.text))
                parts.append(word.text)
                position += len(word.text)
    return "".join(parts)


def rebuild_text(doc: Document) -> None:
    """Set Page.text, Document.text and every Word.span from the words."""
    texts: list[str] = []
    offset = 0
    for page in doc.pages:
        if texts:
            offset += len(PAGE_SEPARATOR)
        page.text = _page_text(page, offset)
        texts.append(page.text)
        offset += len(page.text)
    doc.text = PAGE_SEPARATOR.join(texts)
