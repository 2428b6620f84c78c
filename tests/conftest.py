from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SCHEMA_PATH = REPO / "schema" / "document.schema.json"


@pytest.fixture(scope="session")
def repo_dir() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "DOMAIN.md").is_file():
        pytest.skip("../shared is not present beside the clone")
    return SHARED


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return REPO / "samples"


@pytest.fixture(scope="session")
def document_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def validate_document(document_schema):
    """Validate a JSON document (dict or text) against the committed schema."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(document_schema)

    def validate(data) -> None:
        if isinstance(data, (str, bytes)):
            data = json.loads(data)
        validator.validate(data)

    return validate


def tesseract_available() -> bool:
    try:
        from pipeline._exec import tesseract

        tesseract.check_installed("vie")
        return True
    except Exception:
        return False


def pytest_collection_modifyitems(config, items):
    if tesseract_available():
        return
    skip = pytest.mark.skip(reason="tesseract with vie data is not installed")
    for item in items:
        if "tesseract" in item.keywords:
            item.add_marker(skip)
