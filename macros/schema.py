"""JSON Schema files for editors, generated from the model (never edited by hand).

A field that takes its values from the data (a vocabulary term, a country code) is marked in
the model (``model.terms_of``); its schema gets an ``enum`` of the values data/vocabulary.yaml
and the country list hold, so an editor rejects `type: sistr` or `country: usa` as
`atlas check` does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import countries
from .model import ENUM_FROM, FOLDERS, Record, Vocabulary
from .yamlload import parse, read

# Schema file name for each kind of file in data/.
SCHEMA_FILES: dict[str, type[Record]] = {
    "place.schema.json": FOLDERS["cities"],
    "network.schema.json": FOLDERS["networks"],
    "program.schema.json": FOLDERS["programs"],
    "source.schema.json": FOLDERS["sources"],
    "vocabulary.schema.json": Vocabulary,
}


def read_vocabulary(data_dir: Path) -> Vocabulary:
    """data/vocabulary.yaml as the model reads it (a ValidationError or YamlError when it is wrong)."""
    return Vocabulary.model_validate(parse(read(data_dir / "vocabulary.yaml")).data)


def enums(vocabulary: Vocabulary) -> dict[str, list[str]]:
    """The values of each kind of field marked with ENUM_FROM."""
    found = {section: [term.id for term in getattr(vocabulary, section)] for section in type(vocabulary).model_fields}
    return {**found, "countries": sorted(countries.countries())}


def _with_enums(node: Any, values: dict[str, list[str]]) -> Any:
    if isinstance(node, list):
        return [_with_enums(item, values) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _with_enums(item, values) for key, item in node.items()}
    if ENUM_FROM in node:
        node["enum"] = values[node.pop(ENUM_FROM)]
        node.pop("pattern", None)  # the enum says more
    return node


def schema_text(model: type[Record], vocabulary: Vocabulary) -> str:
    schema = _with_enums(model.model_json_schema(by_alias=True), enums(vocabulary))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_schemas(out_dir: Path, data_dir: Path) -> list[Path]:
    vocabulary = read_vocabulary(data_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in SCHEMA_FILES.items():
        path = out_dir / name
        path.write_text(schema_text(model, vocabulary), encoding="utf-8")
        written.append(path)
    return written
