"""The data of each map: a GeoJSON FeatureCollection of places and links.

Every map loads its data from a ``map.geojson`` file beside its page (``mapsite.DATA_FILE``) (the same file is a
download): the places as Point features, the links as great-circle arcs. Pure Python and
numpy: no Folium, no MkDocs.

Features (RFC 7946: lines that cross the antimeridian are cut there, as MultiLineStrings)::

    {"type": "Feature", "id": "taipei", "geometry": {"type": "Point", "coordinates": [121.5264, 25.0531]},
     "properties": {"name": "Taipei", "country": "Taiwan", "url": "../taipei/", "focus": true}}
    {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[lon, lat], ...]},
     "properties": {"from": "taipei", "to": "houston", "type": "sister", "type_label": "Sister city",
                    "label": "Taipei – Houston: Sister city (1961-06-15)", "signed": "1961-06-15",
                    "year": 1961, "status": "active", "stroke": "#c62828"}}

``focus`` marks the place whose page it is (place pages only); ``url`` is relative to the
page (and so to the file), and only URLs that ``render.safe_url`` accepts are written. A page in
another language (``lang``) has its own file, in its words: names as the language writes them
where the record has them, country and type names, dates ("1961年6月15日").
Names and labels are plain text: the maps show them as text. ``stroke`` is the simplestyle
key, so GitHub and geojson.io draw links in the atlas's colours.

Each feature is serialised once per build and kept as text (converting numbers dominates).
"""

from __future__ import annotations

import json
from typing import Iterable, Optional

import numpy as np

from . import i18n
from .atlas import Atlas, Link
from .countries import countries
from .render import relative, safe_url

#: Segments of a link's arc: smooth on place and group maps, coarse on the world map,
#: where an arc has about one segment per COARSE_DEGREES of its length (fewer points to draw).
FINE, COARSE = 32, 8
COARSE_DEGREES = 12


def arcs(ends: np.ndarray, segments: int) -> np.ndarray:
    """Great-circle arcs between rows of ``ends`` (lat1, lon1, lat2, lon2 in degrees).

    Returns (N, segments + 1, 2) points as (lon, lat), the shorter way round, with
    longitudes unwrapped from lon1 (never a step of more than 180°), rounded to 2 decimals.
    """
    lat1, lon1, lat2, lon2 = np.radians(ends).T[:, :, None]
    a = np.stack([np.cos(lat1) * np.cos(lon1), np.cos(lat1) * np.sin(lon1), np.sin(lat1)])
    b = np.stack([np.cos(lat2) * np.cos(lon2), np.cos(lat2) * np.sin(lon2), np.sin(lat2)])
    angle = np.arccos(np.clip((a * b).sum(axis=0), -1, 1))
    t = np.linspace(0, 1, segments + 1)[None, :]
    sin = np.sin(angle)
    safe = sin > 1e-9  # (nearly) the same or opposite points: interpolate linearly
    wa = np.where(safe, np.sin((1 - t) * angle) / np.where(safe, sin, 1), 1 - t)
    wb = np.where(safe, np.sin(t * angle) / np.where(safe, sin, 1), t)
    x, y, z = wa * a + wb * b
    lat = np.degrees(np.arctan2(z, np.hypot(x, y)))
    lon = np.degrees(np.arctan2(y, x))
    lon = np.degrees(np.unwrap(np.radians(lon), axis=1))
    lon += np.degrees(lon1)[:, :1] - lon[:, :1]  # start at lon1 exactly, not lon1 ± 360
    return np.round(np.stack([lon, lat], axis=-1), 2)


def _cut(line: list[list[float]]) -> list[list[list[float]]]:
    """A line with unwrapped longitudes, as parts within [-180, 180] (cut at the antimeridian)."""
    parts: list[list[list[float]]] = [[]]
    shift = 360 * round(line[0][0] / 360)
    for i, (x, y) in enumerate(line):
        if i and abs(x - shift) > 180:
            edge = 180.0 if x - shift > 180 else -180.0
            px, py = line[i - 1]
            crossing = round(py + (y - py) * (shift + edge - px) / (x - px), 2) if x != px else y
            parts[-1].append([edge, crossing])
            shift += 2 * edge
            parts.append([[-edge, crossing]])
        parts[-1].append([round(x - shift, 2), y])
    return parts


def line_geometry(line: list[list[float]]) -> dict:
    """The GeoJSON geometry of an arc: a LineString, or a MultiLineString cut at the antimeridian."""
    parts = _cut(line)
    if len(parts) == 1:
        return {"type": "LineString", "coordinates": parts[0]}
    return {"type": "MultiLineString", "coordinates": parts}


def _coarse(points: np.ndarray) -> np.ndarray:
    """Some of an arc's points, evenly spread: about one segment per COARSE_DEGREES of its length."""
    (lon1, lat1), (lon2, lat2) = np.radians(points[0]), np.radians(points[-1])
    cos = np.sin(lat1) * np.sin(lat2) + np.cos(lat1) * np.cos(lat2) * np.cos(lon2 - lon1)
    wanted = int(np.ceil(np.degrees(np.arccos(np.clip(cos, -1, 1))) / COARSE_DEGREES))
    segments = len(points) - 1
    return points[np.unique(np.round(np.linspace(0, segments, min(segments, max(1, wanted)) + 1)).astype(int))]


def _text(feature: dict) -> str:
    return json.dumps(feature, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


class MapData:
    """The features of one atlas, each serialised once: ``place``, ``group`` and ``world`` give files."""

    def __init__(self, atlas: Atlas):
        self.atlas = atlas
        self.links = [link for link in atlas.links if link.owner in atlas.places and link.partner in atlas.places]
        self._position = {(link.owner, link.index): i for i, link in enumerate(self.links)}
        self._arcs: dict[int, np.ndarray] = {}
        self._points: dict[tuple[str, Optional[str], bool, str], str] = {}
        self._lines: dict[tuple[int, int, str], str] = {}

    def _arc(self, link: Link, segments: int) -> list[list[float]]:
        if segments not in self._arcs:  # every link at once: numpy does the sums
            places = self.atlas.places
            ends = [places[l.owner].coordinates + places[l.partner].coordinates for l in self.links]
            self._arcs[segments] = arcs(np.array(ends, dtype=float).reshape(-1, 4), segments)
        points = self._arcs[segments][self._position[(link.owner, link.index)]]
        return (_coarse(points) if segments == COARSE else points).tolist()

    def point(self, pid: str, here: str, focus: bool = False, lang: str = i18n.ENGLISH) -> str:
        url = safe_url(relative(here, i18n.LANGUAGES[lang].prefix + f"cities/{pid}/"))
        key = (pid, url, focus, lang)
        if key not in self._points:
            place = self.atlas.places[pid]
            lat, lon = place.coordinates
            name = place.name_in(lang)
            properties = {"name": name, "country": i18n.country_name(place.country, countries()[place.country].name, lang)}
            also = sorted((set(place.names.values()) | {place.name}) - {name})
            if also:  # the place's names in other languages and scripts, for "Find a place"
                properties["also"] = also
            if url is not None:
                properties["url"] = url
            if focus:
                properties["focus"] = True
            geometry = {"type": "Point", "coordinates": [round(lon, 4), round(lat, 4)]}
            self._points[key] = _text({"type": "Feature", "id": pid, "geometry": geometry, "properties": properties})
        return self._points[key]

    def line(self, link: Link, segments: int = FINE, lang: str = i18n.ENGLISH) -> str:
        key = (self._position[(link.owner, link.index)], segments, lang)
        if key not in self._lines:
            term = self.atlas.term("relationship_types", link.rel.type)
            places = self.atlas.places
            a, b, label = places[link.owner].name_in(lang), places[link.partner].name_in(lang), term.label_in(lang)
            signed = i18n.date_text(link.signed, lang) if link.signed else None
            properties = {
                "from": link.owner,
                "to": link.partner,
                "type": link.rel.type,
                "type_label": label,
                "label": f"{a} – {b}: {label}" + (f" ({signed})" if signed else ""),
                "signed": signed,
                "year": link.signed.year if link.signed else None,
                "status": link.status,
                "stroke": term.shown_color,
            }
            feature = {"type": "Feature", "geometry": line_geometry(self._arc(link, segments)), "properties": properties}
            self._lines[key] = _text(feature)
        return self._lines[key]

    def collection(self, here: str, pids: Iterable[str], links: Iterable[Link], focus: Optional[str] = None,
                   segments: int = FINE, lang: str = i18n.ENGLISH) -> str:
        """The FeatureCollection of a page at ``here``: its places, then its links."""
        features = [self.point(pid, here, pid == focus, lang) for pid in pids]
        features += [self.line(link, segments, lang) for link in links if (link.owner, link.index) in self._position]
        return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"

    def place(self, pid: str, here: str, lang: str = i18n.ENGLISH) -> str:
        links = self.atlas.links_of(pid)
        partners = sorted({link.other(pid) for link in links} - {pid})
        return self.collection(here, [pid] + partners, links, focus=pid, lang=lang)

    def group(self, here: str, pids: Iterable[str], links: Iterable[Link] = (), focus: Optional[str] = None,
              lang: str = i18n.ENGLISH) -> str:
        """Members of a network, places of a programme or a country (with their links, if given)."""
        links = list(links)
        members = sorted(set(pids))
        ends = sorted({end for link in links for end in (link.owner, link.partner)} - set(members))
        return self.collection(here, members + ends, links, focus, lang=lang)

    def world(self, here: str, lang: str = i18n.ENGLISH) -> str:
        return self.collection(here, sorted(self.atlas.places), self.links, segments=COARSE, lang=lang)

    def downloads(self) -> dict[str, str]:
        """downloads/places.geojson and links.geojson: every field a map reader needs, with sources."""
        places = []
        for pid, place in self.atlas.iter_places():
            lat, lon = place.coordinates
            properties = {"id": pid, "name": place.name, "names": place.names, "kind": place.kind,
                          "country": place.country, "population": place.population, "links": len(self.atlas.links_of(pid))}
            places.append({"type": "Feature", "id": pid, "geometry": {"type": "Point", "coordinates": [lon, lat]},
                           "properties": properties})
        links = []
        for link in self.links:
            rel, term = link.rel, self.atlas.term("relationship_types", link.rel.type)
            properties = {"recorded_in": link.owner, "partner": link.partner, "type": rel.type,
                          "type_label": term.label, "wording": rel.wording,
                          "signed": str(rel.signed) if rel.signed else None, "ended": str(rel.ended) if rel.ended else None,
                          "status": link.status, "stroke": term.shown_color,
                          "sources": [s if isinstance(s, str) else s.title for s in rel.sources]}
            links.append({"type": "Feature", "geometry": line_geometry(self._arc(link, FINE)), "properties": properties})
        return {name: json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, sort_keys=True)
                for name, features in (("places.geojson", places), ("links.geojson", links))}
