"""Write the JSON Schema of the document model to schema/document.schema.json."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.model import json_schema

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schema" / "document.schema.json"


def render() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    SCHEMA_PATH.write_text(render(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")
