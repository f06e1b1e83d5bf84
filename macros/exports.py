"""Downloads: every record with every field as JSON, and the links and places as CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .atlas import Atlas
from .model import SourceEntry

DOWNLOADS = {
    "atlas.json": "Every record of data/ with every field, as JSON (one object per folder, keyed by id).",
    "links.csv": "One row per link: both places, type, wording, bodies, dates, status, topics and source ids or titles.",
    "places.csv": "One row per place: names, kind, country, coordinates, population and counts of links.",
}


def _dump(record) -> dict:
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


def _source_label(source) -> str:
    return source.title if isinstance(source, SourceEntry) else source


def _csv(header: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def links_csv(atlas: Atlas) -> str:
    header = ["recorded_in", "partner", "type", "wording", "body", "partner_body", "signed", "ended", "status", "topics", "note", "sources", "alternatives"]
    rows = []
    for link in atlas.links:
        rel = link.rel
        rows.append([
            link.owner, link.partner, rel.type, rel.wording or "", rel.body or "", rel.partner_body or "",
            str(rel.signed or ""), str(rel.ended or ""), link.status, ";".join(rel.topics), rel.note or "",
            " | ".join(_source_label(s) for s in rel.sources),
            json.dumps([_dump(a) for a in rel.alternatives], ensure_ascii=False) if rel.alternatives else "",
        ])
    return _csv(header, rows)


def places_csv(atlas: Atlas) -> str:
    header = ["id", "name", "names", "kind", "country", "latitude", "longitude", "population", "population_year", "geonames", "wikidata", "links"]
    rows = [
        [pid, p.name, json.dumps(p.names, ensure_ascii=False) if p.names else "", p.kind, p.country,
         p.coordinates[0], p.coordinates[1], p.population if p.population is not None else "",
         p.population_year or "", p.geonames or "", p.wikidata or "", len(atlas.links_of(pid))]
        for pid, p in atlas.iter_places()
    ]
    return _csv(header, rows)


def write_all(atlas: Atlas, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    contents = {"atlas.json": atlas_json(atlas), "links.csv": links_csv(atlas), "places.csv": places_csv(atlas)}
    written = []
    for name, text in contents.items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
