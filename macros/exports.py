"""Downloads: every record as JSON, flat CSV views, and the JSON Schemas. No MkDocs here.

Each CSV file is a list of `Column`s: the file's header, each row's values and the field
reference on the Downloads page all come from that one list, and a column that shows a
model field takes its meaning from the model. Text cells that a spreadsheet would run as a
formula are neutralised (OWASP's CSV injection advice): see `spreadsheet_safe`.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from pydantic import BaseModel

from . import figures, model
from .atlas import Atlas
from .schema import SCHEMA_FILES, schema_text

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"

# What each download holds, in the order the Downloads page lists them.
DOWNLOADS = {
    "atlas.json": "Every record of data/ with every field, as JSON: one object per folder, keyed by id. It reads back to exactly the records.",
    "places.csv": "One row per place.",
    "links.csv": "One row per relationship between two places.",
    "memberships.csv": "One row per membership of a network.",
    "events.csv": "One row per event.",
    "reported.csv": "One row per count a place publishes about itself.",
    "sources.csv": "One row per bibliography entry (sources written in place are in the other files).",
    "places.geojson": "Every place as a GeoJSON Point ([longitude, latitude]) with its names, kind, country and number of links.",
    "links.geojson": "Every link as a great-circle GeoJSON line (cut at ±180°) with its type, dates, status, sources and map colour.",
    **{f"schemas/{name}": "JSON Schema. " + record.__doc__.strip().splitlines()[0] for name, record in SCHEMA_FILES.items()},
}
SCHEMAS_DIR = "schemas"  # the JSON Schemas go in downloads/schemas/

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A text cell starting like a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _dump(record: BaseModel) -> dict:
    return record.model_dump(mode="json", by_alias=True, exclude_none=True, warnings=False)


def atlas_json(atlas: Atlas) -> str:
    data = {
        "vocabulary": _dump(atlas.vocabulary),
        "cities": {pid: _dump(p) for pid, p in sorted(atlas.places.items())},
        "networks": {nid: _dump(n) for nid, n in sorted(atlas.networks.items())},
        "programs": {gid: _dump(g) for gid, g in sorted(atlas.programs.items())},
        "sources": {sid: _dump(s) for sid, s in sorted(atlas.sources.items())},
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def place_json(atlas: Atlas, pid: str) -> str:
    """One place's record with every field, and the links its partners' files record with it."""
    data = {
        "id": pid,
        "record": _dump(atlas.places[pid]),
        "links_recorded_by_partners": [
            {"recorded_in": link.owner, **_dump(link.rel)} for link in atlas.links_of(pid) if link.owner != pid
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def place_download(pid: str, extension: str) -> str:
    """Where a place's own download sits, beside its page: cities/<id>/<id>.json."""
    return f"cities/{pid}/{pid}.{extension}"


# --- CSV ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    value: Callable[[Any], Any]


def field(record: type[BaseModel], name: str, value: Optional[Callable[[Any], Any]] = None, column: str = "") -> Column:
    """A column showing a model field, with the model's description as its meaning."""
    attribute, info = next((key, f) for key, f in record.model_fields.items() if (f.alias or key) == name)
    return Column(column or name, info.description or "", value or (lambda row: _cell(getattr(row, attribute))))


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    return value if isinstance(value, (int, float, str)) else str(value)


def _sources(sources: Iterable[Any]) -> str:
    return " | ".join(s.title if isinstance(s, model.SourceEntry) else s for s in sources)


def _alternatives(alternatives: list) -> str:
    return json.dumps([_dump(a) for a in alternatives], ensure_ascii=False) if alternatives else ""


SOURCES_MEANING = "Source ids (see sources.csv) or titles of sources written in place, separated by ' | '."
ALTERNATIVES_MEANING = "What disagreeing sources say, as a JSON list (the fields of an Alternative)."


P = model.Place

TABLES: dict[str, tuple[list[Column], Callable[[Atlas], list]]] = {
    "places.csv": ([
        Column("id", "The place's id (its file name, and its page at cities/<id>/).", lambda r: r[0]),
        *[field(P, n, lambda r, n=n: _cell(getattr(r[1], n))) for n in ("name", "names", "kind", "country")],
        Column("latitude", "Latitude, WGS 84 decimal degrees.", lambda r: r[1].coordinates[0]),
        Column("longitude", "Longitude, WGS 84 decimal degrees.", lambda r: r[1].coordinates[1]),
        *[field(P, n, lambda r, n=n: _cell(getattr(r[1], n))) for n in
          ("coordinates_note", "population", "population_year", "geonames", "wikidata", "summary")],
        Column("links", "Links recorded for the place, in its own file or its partners' (computed).", lambda r: r[2]),
    ], lambda atlas: [(pid, p, len(atlas.links_of(pid))) for pid, p in atlas.iter_places()]),
    "links.csv": ([
        Column("recorded_in", "The place whose file records the link.", lambda l: l.owner),
        Column("partner", "The other place.", lambda l: l.partner),
        *[field(model.Relationship, n, lambda l, n=n: _cell(getattr(l.rel, n))) for n in
          ("type", "wording", "body", "partner_body", "signed", "ended")],
        Column("status", "active, ended, suspended or disputed (ended when an end date is given).", lambda l: l.status),
        *[field(model.Relationship, n, lambda l, n=n: _cell(getattr(l.rel, n))) for n in ("topics", "note")],
        Column("sources", SOURCES_MEANING, lambda l: _sources(l.rel.sources)),
        Column("alternatives", ALTERNATIVES_MEANING, lambda l: _alternatives(l.rel.alternatives)),
    ], lambda atlas: atlas.links),
    "memberships.csv": ([
        Column("place", "The member place.", lambda r: r[0]),
        *[field(model.Membership, n, lambda r, n=n: _cell(getattr(r[1], n))) for n in ("network", "role", "since", "until", "note")],
        Column("sources", SOURCES_MEANING, lambda r: _sources(r[1].sources)),
        Column("alternatives", ALTERNATIVES_MEANING, lambda r: _alternatives(r[1].alternatives)),
    ], lambda atlas: [(pid, m) for pid, p in atlas.iter_places() for m in p.memberships]),
    "events.csv": ([
        Column("place", "The place whose file records the event.", lambda r: r[0]),
        *[field(model.Event, n, lambda r, n=n: _cell(getattr(r[1], n))) for n in ("date", "title", "kind")],
        field(model.Event, "with", lambda r: _cell(r[1].with_)),
        *[field(model.Event, n, lambda r, n=n: _cell(getattr(r[1], n))) for n in ("network", "program", "note")],
        Column("sources", SOURCES_MEANING, lambda r: _sources(r[1].sources)),
    ], lambda atlas: [(pid, e) for pid, p in atlas.iter_places() for e in p.events]),
    "reported.csv": ([
        Column("place", "The place that publishes the count.", lambda r: r[0]),
        *[field(model.Reported, n, lambda r, n=n: _cell(getattr(r[1], n))) for n in ("of", "label", "count", "as_of", "note")],
        Column("recorded", "How many links of those types the atlas records for the place (computed).", lambda r: r[2]),
        Column("sources", SOURCES_MEANING, lambda r: _sources(r[1].sources)),
    ], lambda atlas: [(pid, r, figures.recorded_count(atlas, pid, r.of))
                      for pid, p in atlas.iter_places() for r in p.reported]),
    "sources.csv": ([
        Column("id", "The source's id, as records cite it.", lambda r: r[0]),
        *[field(model.SourceEntry, n, lambda r, n=n: _cell(getattr(r[1], n))) for n in
          ("title", "author", "publisher", "date", "url", "accessed", "language", "note")],
    ], lambda atlas: sorted(atlas.sources.items())),
}


def csv_text(columns: list[Column], rows: Iterable[Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in columns])
    for row in rows:
        writer.writerow([spreadsheet_safe(c.value(row)) for c in columns])
    return out.getvalue()


def contents(atlas: Atlas) -> dict[str, str]:
    """Every download by its path under downloads/."""
    files = {"atlas.json": atlas_json(atlas)}
    for name, (columns, rows) in TABLES.items():
        files[name] = csv_text(columns, rows(atlas))
    for name, record in SCHEMA_FILES.items():
        files[f"{SCHEMAS_DIR}/{name}"] = schema_text(record, atlas.vocabulary)
    return files


def write_all(atlas: Atlas, site_dir: Path) -> list[Path]:
    """The downloads under site_dir/downloads/, and each place's JSON beside its page."""
    files = {f"downloads/{name}": text for name, text in contents(atlas).items()}
    files.update({place_download(pid, "json"): place_json(atlas, pid) for pid in sorted(atlas.places)})
    written = []
    for name, text in files.items():
        path = site_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
