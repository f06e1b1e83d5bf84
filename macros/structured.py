"""Structured data for search engines: schema.org JSON-LD for the dataset and for each place.

A page carries it in a <script type="application/ld+json"> element (overrides/main.html prints
page.meta.jsonld). The data is untrusted, so `script_text` writes `<`, `>` and `&` as JSON
escapes: no text from a record can close the element or start markup. No MkDocs here.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from . import exports
from .atlas import Atlas

if TYPE_CHECKING:
    from .pages import SiteConfig

CONTEXT = "https://schema.org"
_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


def script_text(data: dict) -> str:
    """JSON that can stand inside a <script> element whatever its strings hold."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for char, escape in _ESCAPES.items():
        text = text.replace(char, escape)  # outside strings JSON has no such characters
    return text


def dataset(atlas: Atlas, site: "SiteConfig") -> dict:
    """The whole atlas as a schema.org Dataset, with each download as a distribution."""
    dates = exports.dates(atlas)
    points = [place.coordinates for place in atlas.places.values()]
    south, north = min(p[0] for p in points), max(p[0] for p in points)
    west, east = min(p[1] for p in points), max(p[1] for p in points)
    return {
        "@context": CONTEXT, "@type": "Dataset",
        "name": exports.TITLE, "description": exports.DESCRIPTION, "url": site.absolute("downloads/"),
        "license": exports.LICENCE_URL, "isAccessibleForFree": True, "version": exports.version(),
        "creator": {"@type": "Organization", "name": f"{exports.TITLE} contributors", "url": site.absolute("")},
        "dateModified": exports.build_date(atlas).date().isoformat(),
        "keywords": ["city diplomacy", "sister cities", *[t.label for t in atlas.vocabulary.relationship_types]],
        **({"temporalCoverage": f"{dates[0]}/{dates[-1]}"} if dates else {}),
        "spatialCoverage": {"@type": "Place", "geo": {"@type": "GeoShape", "box": f"{south} {west} {north} {east}"}},
        "distribution": [
            {"@type": "DataDownload", "name": name, "description": text,
             "contentUrl": site.absolute("downloads/" + name), "encodingFormat": exports.media_type(name)}
            for name, text in exports.DOWNLOADS.items()
        ],
    }


def place(atlas: Atlas, pid: str, url: str, description: str) -> dict:
    """A place as a schema.org City (or Place, for a prefecture, a state, a district…)."""
    record = atlas.places[pid]
    same_as = ([f"https://www.geonames.org/{record.geonames}/"] if record.geonames else []) + (
        [f"https://www.wikidata.org/wiki/{record.wikidata}"] if record.wikidata else [])
    found: dict[str, Any] = {
        "@context": CONTEXT, "@type": "City" if record.kind == "city" else "Place",
        "name": record.name, "url": url, "description": description,
        "geo": {"@type": "GeoCoordinates", "latitude": record.coordinates[0], "longitude": record.coordinates[1]},
        "address": {"@type": "PostalAddress", "addressCountry": record.country},
    }
    if record.names:
        found["alternateName"] = [record.names[tag] for tag in sorted(record.names)]
    if same_as:
        found["sameAs"] = same_as
    return found
