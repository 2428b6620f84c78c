"""Page image clean-up before OCR: pure functions on numpy images (BGR or gray uint8).

* ``ink``: seals, stamps and e-signature notes found and their coloured ink lifted.
* ``geometry``: dark borders, skew, orientation (Tesseract OSD only when in doubt), dpi.
* ``enhance``: paper flattening, speck removal, binarisation, blur measure.
* ``cleanup``: the measured recipe, ``clean_page(image, dpi=...) -> CleanupResult``.
* ``synthetic``: small deterministic test pages (text, seals, damage).
"""

from pipeline.imaging.cleanup import CleanupOptions, CleanupResult, clean_page

__all__ = ["CleanupOptions", "CleanupResult", "clean_page"]
