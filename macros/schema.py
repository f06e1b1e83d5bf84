"""JSON Schema files for editors, generated from the model (never edited by hand)."""

from __future__ import annotations

import json
from pathlib import Path

from .model import FOLDERS, Record, Vocabulary

# Schema file name for each kind of file in data/.
SCHEMA_FILES: dict[str, type[Record]] = {
    "place.schema.json": FOLDERS["cities"],
    "network.schema.json": FOLDERS["networks"],
    "program.schema.json": FOLDERS["programs"],
    "source.schema.json": FOLDERS["sources"],
    "vocabulary.schema.json": Vocabulary,
}



def schema_text(model: type[Record]) -> str:
    schema = model.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_schemas(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in SCHEMA_FILES.items():
        path = out_dir / name
        path.write_text(schema_text(model), encoding="utf-8")
        written.append(path)
    return written
