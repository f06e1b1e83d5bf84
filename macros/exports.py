"""Downloads: every record as JSON, flat CSV views, and the JSON Schemas. No MkDocs here.

Each CSV file is a list of `Column`s: the file's header, each row's values and the field
reference on the Downloads page all come from that one list, and a column that shows a
model field takes its meaning from the model. Text cells that a spreadsheet would run as a
formula are neutralised (OWASP's CSV injection advice): see `spreadsheet_safe`.
"""

from __future__ import annotations

import csv
import datetime
import importlib.metadata
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Callable, Iterable, Iterator, Optional, Union, get_args, get_origin

from pydantic import BaseModel

from . import figures, model
from .atlas import Atlas
from .schema import SCHEMA_FILES, schema_text
from .validate import dotted

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
PACKAGE = "datapackage.json"

# What each download holds, in the order the Downloads page lists them.
DOWNLOADS: dict[str, str] = {
    "atlas.json": "Every record of data/ with every field, as JSON: one object per folder, keyed by id. It reads back to exactly the records.",
    "places.csv": "One row per place.",
    "links.csv": "One row per relationship between two places.",
    "memberships.csv": "One row per membership of a network.",
    "events.csv": "One row per event.",
    "reported.csv": "One row per count a place publishes about itself.",
    "networks.csv": "One row per network or international body.",
    "sources.csv": "One row per bibliography entry (sources written in place are in the other files).",
    "citations.csv": "One row per source cited by a record: the bibliography entry's id, or the title and address of a source written in place.",
    "places.geojson": "Every place as a GeoJSON Point ([longitude, latitude]) with its names, kind, country and number of links.",
    "links.geojson": "Every link as a great-circle GeoJSON line (cut at ±180°) with its type, dates, status, sources and map colour.",
    PACKAGE: "The Frictionless Data Package that describes these files: each CSV column's type and meaning, the keys between the files, the licence and the sources.",
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
    """One column of a CSV file: its header, its meaning, each row's value, its Table Schema type
    (None: text) and the table whose key it holds (a foreign key), if any."""

    name: str
    meaning: str
    value: Callable[[Any], Any]
    type: Optional[dict] = None
    refers: str = ""


def field(record: type[BaseModel], name: str, value: Optional[Callable[[Any], Any]] = None, column: str = "",
          refers: str = "") -> Column:
    """A column showing a model field, with the model's description as its meaning and its type."""
    attribute, info = next((key, f) for key, f in record.model_fields.items() if (f.alias or key) == name)
    return Column(column or name, info.description or "", value or (lambda row: _cell(getattr(row, attribute))),
                  table_type(info.annotation), refers)


def _bare(annotation: Any) -> Any:
    """The type inside Optional[...] and Annotated[...]."""
    while get_origin(annotation) in (Annotated, Union):
        annotation = next(a for a in get_args(annotation) if a is not type(None))
    return annotation


LIST_DELIMITER = ";"  # between the items of a list in a cell (_cell)
PARTIAL_DATE = {"type": "string", "constraints": {"pattern": model.DATE_PATTERN.strip("^$")},
                "description": "A date as precise as the source gives it: YYYY, YYYY-MM or YYYY-MM-DD (text, so a year stays a year)."}


def table_type(annotation: Any) -> Optional[dict]:
    """The Table Schema type of a model field's cells (None: plain text)."""
    bare = _bare(annotation)
    items = get_args(bare)
    if bare is model.PartialDate:
        return PARTIAL_DATE
    if get_origin(bare) is list and not (isinstance(_bare(items[0]), type) and issubclass(_bare(items[0]), BaseModel)):
        return {"type": "list", "delimiter": LIST_DELIMITER, "itemType": "string"}
    return {int: {"type": "integer"}, float: {"type": "number"}, list: {"type": "array"}, dict: {"type": "object"}}.get(
        get_origin(bare) or bare)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_DELIMITER.join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    return value if isinstance(value, (int, float, str)) else str(value)


def _sources(sources: Iterable[Any]) -> str:
    return " | ".join(s.title if isinstance(s, model.SourceEntry) else s for s in sources)


def _alternatives(alternatives: list) -> str:
    return json.dumps([_dump(a) for a in alternatives], ensure_ascii=False) if alternatives else ""


def _degrees(name: str, index: int, bounds: tuple[int, int]) -> Column:
    return Column(name, f"{name.capitalize()}, WGS 84 decimal degrees.", lambda r: r[1].coordinates[index],
                  {"type": "number", "constraints": {"minimum": bounds[0], "maximum": bounds[1]}})


def citations(atlas: Atlas) -> Iterator[tuple[str, str, Any]]:
    """(record, where in it, source) of every source cited, a source id or a source written in place."""
    for folder, table in (("cities", atlas.places), ("networks", atlas.networks), ("programs", atlas.programs)):
        for rid, record in sorted(table.items()):
            for path, value in model.values_in(record):
                if path[-1] == "sources":
                    yield from ((f"{folder}/{rid}", dotted(path[:-1]), source) for source in value)


def _cited(source: Any, attribute: str) -> str:
    return "" if isinstance(source, str) else getattr(source, attribute) or ""


SOURCES_MEANING = "Source ids (see sources.csv) or titles of sources written in place, separated by ' | ' (citations.csv has one row each)."
ALTERNATIVES_MEANING = "What disagreeing sources say, as a JSON list (the fields of an Alternative)."
INTEGER = {"type": "integer"}


@dataclass(frozen=True)
class Table:
    columns: list[Column]
    rows: Callable[[Atlas], Iterable[Any]]
    key: tuple[str, ...] = ()  # the columns that tell rows apart (the primary key)


P = model.Place

TABLES: dict[str, Table] = {
    "places.csv": Table([
        Column("id", "The place's id (its file name, and its page at cities/<id>/).", lambda r: r[0]),
        *[field(P, n, lambda r, n=n: _cell(getattr(r[1], n))) for n in ("name", "names")],
        field(P, "names_sources", lambda r: _cell({lang: _sources([s]) for lang, s in r[1].names_sources.items()})),
        *[field(P, n, lambda r, n=n: _cell(getattr(r[1], n))) for n in ("kind", "country")],
        _degrees("latitude", 0, model.LATITUDE),
        _degrees("longitude", 1, model.LONGITUDE),
        *[field(P, n, lambda r, n=n: _cell(getattr(r[1], n))) for n in
          ("coordinates_note", "population", "population_year", "population_kind")],
        field(P, "population_source", lambda r: _sources([r[1].population_source] if r[1].population_source else [])),
        *[field(P, n, lambda r, n=n: _cell(getattr(r[1], n))) for n in ("population_note", "geonames", "wikidata", "summary")],
        Column("links", "Links recorded for the place, in its own file or its partners' (computed).", lambda r: r[2], INTEGER),
    ], lambda atlas: [(pid, p, len(atlas.links_of(pid))) for pid, p in atlas.iter_places()], ("id",)),
    "links.csv": Table([
        Column("recorded_in", "The place whose file records the link.", lambda l: l.owner, refers="places.csv"),
        Column("partner", "The other place.", lambda l: l.partner, refers="places.csv"),
        *[field(model.Relationship, n, lambda l, n=n: _cell(getattr(l.rel, n))) for n in
          ("type", "wording", "body", "partner_body", "signed", "ended")],
        Column("status", "active, ended, suspended or disputed (ended when an end date is given).", lambda l: l.status,
               {"type": "string", "constraints": {"enum": list(get_args(model.Status))}}),
        *[field(model.Relationship, n, lambda l, n=n: _cell(getattr(l.rel, n))) for n in ("topics", "note")],
        Column("sources", SOURCES_MEANING, lambda l: _sources(l.rel.sources)),
        Column("alternatives", ALTERNATIVES_MEANING, lambda l: _alternatives(l.rel.alternatives), {"type": "array"}),
    ], lambda atlas: atlas.links),
    "memberships.csv": Table([
        Column("place", "The member place.", lambda r: r[0], refers="places.csv"),
        field(model.Membership, "network", lambda r: r[1].network, refers="networks.csv"),
        *[field(model.Membership, n, lambda r, n=n: _cell(getattr(r[1], n))) for n in ("role", "since", "until", "note")],
        Column("sources", SOURCES_MEANING, lambda r: _sources(r[1].sources)),
        Column("alternatives", ALTERNATIVES_MEANING, lambda r: _alternatives(r[1].alternatives), {"type": "array"}),
    ], lambda atlas: [(pid, m) for pid, p in atlas.iter_places() for m in p.memberships]),
    "events.csv": Table([
        Column("place", "The place whose file records the event.", lambda r: r[0], refers="places.csv"),
        *[field(model.Event, n, lambda r, n=n: _cell(getattr(r[1], n))) for n in ("date", "title", "kind")],
        field(model.Event, "with", lambda r: _cell(r[1].with_)),
        field(model.Event, "network", lambda r: _cell(r[1].network), refers="networks.csv"),
        *[field(model.Event, n, lambda r, n=n: _cell(getattr(r[1], n))) for n in ("program", "note")],
        Column("sources", SOURCES_MEANING, lambda r: _sources(r[1].sources)),
    ], lambda atlas: [(pid, e) for pid, p in atlas.iter_places() for e in p.events]),
    "reported.csv": Table([
        Column("place", "The place that publishes the count.", lambda r: r[0], refers="places.csv"),
        *[field(model.Reported, n, lambda r, n=n: _cell(getattr(r[1], n))) for n in ("of", "label", "count", "as_of", "note")],
        Column("recorded", "How many links of those types the atlas records for the place (computed).", lambda r: r[2], INTEGER),
        Column("sources", SOURCES_MEANING, lambda r: _sources(r[1].sources)),
    ], lambda atlas: [(pid, r, figures.recorded_count(atlas, pid, r.of))
                      for pid, p in atlas.iter_places() for r in p.reported]),
    "networks.csv": Table([
        Column("id", "The network's id (its file name, and its page at networks/<id>/).", lambda r: r[0]),
        *[field(model.Network, n, lambda r, n=n: _cell(getattr(r[1], n))) for n in
          ("name", "short_name", "names", "kind", "founded", "url", "summary")],
        Column("sources", SOURCES_MEANING, lambda r: _sources(r[1].sources)),
    ], lambda atlas: sorted(atlas.networks.items()), ("id",)),
    "sources.csv": Table([
        Column("id", "The source's id, as records cite it.", lambda r: r[0]),
        *[field(model.SourceEntry, n, lambda r, n=n: _cell(getattr(r[1], n))) for n in
          ("title", "author", "publisher", "date", "url", "accessed", "language", "note")],
    ], lambda atlas: sorted(atlas.sources.items()), ("id",)),
    "citations.csv": Table([
        Column("record", "The record that cites: its folder and id (cities/taipei, networks/c40, programs/y-port).", lambda r: r[0]),
        Column("at", "Where in the record, as atlas check names it (relationships[3]; empty for the record itself).", lambda r: r[1]),
        Column("source", "The id of the source cited (see sources.csv); empty for a source written in place.",
               lambda r: r[2] if isinstance(r[2], str) else "", refers="sources.csv"),
        Column("title", "The title of a source written in place.", lambda r: _cited(r[2], "title")),
        Column("url", "The address of a source written in place.", lambda r: _cited(r[2], "url")),
    ], citations),
}


def table(atlas: Atlas, name: str) -> tuple[list[Column], list[list[Any]]]:
    """A CSV file's columns and cells; a column empty in every row is left out (of the file and its description)."""
    columns = TABLES[name].columns
    cells = [[spreadsheet_safe(c.value(row)) for c in columns] for row in TABLES[name].rows(atlas)]
    kept = [i for i in range(len(columns)) if not cells or any(row[i] != "" for row in cells)]
    return [columns[i] for i in kept], [[row[i] for i in kept] for row in cells]


BOM = "\ufeff"  # so that a spreadsheet reads the files as UTF-8 (CJK names intact)


def csv_text(columns: list[Column], cells: Iterable[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in columns])
    writer.writerows(cells)
    return BOM + out.getvalue()


# --- The Data Package (datapackage.json): what each download holds, for tools -------------------

NAME = "city-diplomacy-atlas"
TITLE = "City Diplomacy Atlas"
DESCRIPTION = ("Sister-city and friendship agreements, partner-city memoranda, memberships of city networks and "
               "city programmes, each with its type, its date as precise as the sources give it, and its sources.")
LICENCES = [{"name": "CC-BY-4.0", "path": LICENCE_URL, "title": "Creative Commons Attribution 4.0 International"}]
SOURCES = [
    {"title": "The works each record cites (sources.csv, citations.csv)", "path": "sources.csv"},
    {"title": "GeoNames: coordinates and populations (CC BY 4.0)", "path": "https://www.geonames.org/"},
]
MEDIA_TYPES = {"csv": "text/csv", "json": "application/json", "geojson": "application/geo+json"}


def media_type(path: str) -> str:
    return "application/schema+json" if path.startswith(SCHEMAS_DIR + "/") else MEDIA_TYPES[path.rsplit(".", 1)[1]]


def version() -> str:
    return importlib.metadata.version(NAME)


def dates(atlas: Atlas) -> list[model.PartialDate]:
    """Every date the records give, in order."""
    records = [*atlas.places.values(), *atlas.networks.values(), *atlas.programs.values(), *atlas.sources.values()]
    return sorted(value for record in records for _, value in model.values_in(record) if isinstance(value, model.PartialDate))


def build_date(atlas: Atlas) -> datetime.datetime:
    """SOURCE_DATE_EPOCH when the build gives one, else the data's latest date: never the clock."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH") or 0)
    if epoch > 0:
        return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    latest = max(dates(atlas), default=model.PartialDate(model.FIRST_YEAR))
    return datetime.datetime(latest.year, latest.month or 1, latest.day or 1, tzinfo=datetime.timezone.utc)


def _resource_name(path: str) -> str:
    stem, extension = path.rsplit(".", 1)
    return stem if extension == "csv" else f"{stem}-{extension}"


def _table_schema(columns: list[Column], key: tuple[str, ...]) -> dict:
    fields = [{"name": c.name, "description": c.meaning, **(c.type or {"type": "string"})} for c in columns]
    foreign = [{"fields": c.name, "reference": {"resource": _resource_name(c.refers), "fields": TABLES[c.refers].key[0]}}
               for c in columns if c.refers]
    return {"fields": fields, "missingValues": [""], **({"primaryKey": list(key)} if key else {}),
            **({"foreignKeys": foreign} if foreign else {})}


def _resource(path: str, **described: Any) -> dict:
    extension = path.rsplit(".", 1)[1]
    return {"name": _resource_name(path), "path": path, "description": DOWNLOADS[path], "format": extension,
            "mediatype": media_type(path), "encoding": "utf-8", **described}


def datapackage(atlas: Atlas, site_url: str = "") -> str:
    """The Frictionless Data Package (v2) that describes the downloads beside it."""
    tables = [_resource(name, type="table", encoding="utf-8-sig", schema=_table_schema(table(atlas, name)[0], TABLES[name].key))
              for name in TABLES]
    others = [_resource(name) for name in DOWNLOADS if name.endswith((".json", ".geojson")) and "/" not in name and name != PACKAGE]
    package = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": NAME, "title": TITLE, "description": DESCRIPTION, "version": version(),
        "created": build_date(atlas).strftime("%Y-%m-%dT%H:%M:%SZ"), "licenses": LICENCES, "sources": SOURCES,
        "contributors": [{"title": f"{TITLE} contributors", "roles": ["creator"]}],
        **({"homepage": site_url} if site_url else {}),
        "resources": tables + others,
    }
    return json.dumps(package, ensure_ascii=False, indent=1) + "\n"


def contents(atlas: Atlas, site_url: str = "") -> dict[str, str]:
    """Every download by its path under downloads/."""
    files = {"atlas.json": atlas_json(atlas), PACKAGE: datapackage(atlas, site_url)}
    for name in TABLES:
        files[name] = csv_text(*table(atlas, name))
    for name, record in SCHEMA_FILES.items():
        files[f"{SCHEMAS_DIR}/{name}"] = schema_text(record, atlas.vocabulary)
    return files


def write_all(atlas: Atlas, site_dir: Path, site_url: str = "") -> list[Path]:
    """The downloads under site_dir/downloads/, and each place's JSON beside its page."""
    files = {f"downloads/{name}": text for name, text in contents(atlas, site_url).items()}
    files.update({place_download(pid, "json"): place_json(atlas, pid) for pid in sorted(atlas.places)})
    written = []
    for name, text in files.items():
        path = site_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
