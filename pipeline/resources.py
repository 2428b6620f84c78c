"""Where the packaged models and the editable dictionaries live.

Models ship inside the package (``pipeline/models``). Dictionaries are kept at the
repository top level for editing and are copied into the wheel as
``pipeline/dictionaries``; an editable install finds them beside the package.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def models_dir() -> Path:
    return PACKAGE_DIR / "models"


def dictionaries_dir() -> Path:
    bundled = PACKAGE_DIR / "dictionaries"
    if bundled.is_dir():
        return bundled
    return PACKAGE_DIR.parent / "dictionaries"


def underthesea_file(*parts: str) -> Path | None:
    """A data file shipped inside the underthesea package, found without importing it (the import
    costs a second and 60 MB), or None where the package or the file is missing."""
    spec = find_spec("underthesea")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)
    return path if path.is_file() else None


# the fields of each row of that gazetteer's "ward_mapping" that name a unit ("Huyện Ba Tơ")
ADDRESS_MAPPING_FIELDS = ("old_province", "new_province", "old_district", "old_ward", "new_ward")


def address_mapping_path() -> Path | None:
    """underthesea's gazetteer of Vietnam's administrative units (old and new provinces, districts,
    wards: ``address/data/mapping.json``), or None where that package or file is missing."""
    return underthesea_file("address", "data", "mapping.json")
