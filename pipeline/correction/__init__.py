"""Vietnamese OCR correction and diacritic restoration (see docs/MODELS.md).

Public API: ``Corrector.load(...).correct(text, mode=..., token_confidences=...)`` returns a
``CorrectionResult`` with the corrected text and one ``Change`` per applied or flagged edit.
"""

from __future__ import annotations

from .corrector import MODES, Change, CorrectionResult, Corrector

__all__ = ["MODES", "Change", "CorrectionResult", "Corrector"]
