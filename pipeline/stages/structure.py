"""Structure: header fields, body sections with roles, recipients, signature and references."""

from __future__ import annotations

from pipeline.model import Document, ErrorItem, Status
from pipeline.runner import RunContext
from pipeline.structure.document import structure_document

OWN_CORRECTION_KINDS = frozenset({"header_field", "reference"})


class StructureStage:
    name = "structure"

    def __call__(self, doc: Document, ctx: RunContext) -> Document:
        # Review items of an earlier run of this stage are replaced, not repeated.
        doc.corrections = [c for c in doc.corrections if c.kind not in OWN_CORRECTION_KINDS]
        try:
            review_items = structure_document(doc)
        except Exception as exc:  # a parser bug must not lose the text already read
            doc.errors.append(ErrorItem(code="structure_failed", message=f"{type(exc).__name__}: {exc}",
                                        stage=self.name))
            if doc.status == Status.ok:
                doc.status = Status.partial
            return doc
        doc.corrections.extend(review_items)
        return doc
