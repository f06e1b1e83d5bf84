"""Maps for the atlas: the HTML block a page carries, and the browser assets it needs.

Pure Python: no MkDocs import. The map itself is drawn in the browser by our own
``overrides/assets/atlas/atlas-map.js`` on top of Leaflet, from a JSON *spec* that
Python writes into the page (or, for the large global map, into a separate file).

Spec format
===========

::

    {
      "points": [
        {"id": "taipei", "name": "Taipei", "lat": 25.05, "lon": 121.53,
         "url": "../taipei/", "role": "focus", "country": "Taiwan"},
        ...
      ],
      "links": [
        {"from": 0, "to": 1, "type": "sister", "label": "Taipei – Houston",
         "signed": "1961-06-15", "year": 1961, "status": "active",
         "url": "../taipei/#houston"},
        ...
      ],
      "types": [{"id": "sister", "label": "Sister city", "color": "#c62828"}, ...],
      "options": {"cluster": false, "search": false, "fullscreen": true,
                  "timeline": false, "layers": true}
    }

``points``
    ``id`` (str, unique in the spec), ``name`` (plain text), ``lat``/``lon``
    (degrees, WGS84), ``url`` (page of the place; relative, or http/https; optional or
    null), ``role``: ``"focus"`` (the place whose page this is: drawn bigger, and the
    other points are shown on its side of the antimeridian), ``"partner"`` (a place
    linked to the focus) or ``"member"`` (a place on a network or global map),
    ``country`` (plain text; optional or null).
``links``
    ``from``/``to``: indexes into ``points``; ``type``: an id from ``types``;
    ``label``: plain text naming the link (tooltip of the arc); ``signed``: the date
    it was signed as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, or null; ``year``: the
    year it was signed (int) or null (used by the timeline); ``status``: ``"active"``,
    ``"ended"``, ``"suspended"`` or ``"disputed"`` (all but active are dashed);
    ``url``: a page about the link (optional).
``types``
    The link types, in legend order: ``id``, ``label`` (plain text), ``color`` (CSS
    colour). Only the types that some link uses appear in the legend.
``options``
    ``cluster``: cluster the points (Leaflet.markercluster); ``search``: a "Find a
    place" box; ``fullscreen``: a full-screen button; ``timeline``: a "Links signed up
    to" slider; ``layers``: a layer control with one overlay per link type. Missing
    options are false.

Every name and label is plain text: the script only ever puts them in the page as
text, never as HTML. The order of ``points``, ``links`` and ``types`` is kept (link
indexes and the legend depend on it); the keys of every object are written sorted.

Page set-up
===========

The page ``<head>`` (a theme override: Leaflet must be there on every page, see
``shared/notes/mkdocs-folium-pitfalls.md``) loads, relative to the site root::

    assets/vendor/leaflet/leaflet.css
    assets/vendor/leaflet.markercluster/MarkerCluster.css
    assets/vendor/leaflet.markercluster/MarkerCluster.Default.css
    assets/atlas/atlas-map.css
    assets/vendor/leaflet/leaflet.js
    assets/vendor/leaflet.markercluster/leaflet.markercluster.js
    assets/atlas/atlas-map.js

``install_assets(site_dir / "assets", project_root)`` writes the ``vendor`` part at
build time; ``assets/atlas/`` comes from the theme override folder. The script finds
the basemap at ``../vendor/basemap/countries.geojson`` relative to its own URL
(or ``data-basemap`` on the map element, or ``window.atlasBasemapUrl``).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Iterable, Optional

from markupsafe import Markup

__all__ = [
    "map_block",
    "spec_json",
    "validate_spec",
    "basemap_geojson",
    "install_assets",
    "AssetsMissingError",
    "ROLES",
    "STATUSES",
    "OPTION_NAMES",
    "HEAD_CSS",
    "HEAD_JS",
]

ROLES = ("focus", "partner", "member")
STATUSES = ("active", "ended", "suspended", "disputed")
OPTION_NAMES = ("cluster", "search", "fullscreen", "timeline", "layers")

#: Stylesheets and scripts the page ``<head>`` needs, relative to the site root, in order.
HEAD_CSS = (
    "assets/vendor/leaflet/leaflet.css",
    "assets/vendor/leaflet.markercluster/MarkerCluster.css",
    "assets/vendor/leaflet.markercluster/MarkerCluster.Default.css",
    "assets/atlas/atlas-map.css",
)
HEAD_JS = (
    "assets/vendor/leaflet/leaflet.js",
    "assets/vendor/leaflet.markercluster/leaflet.markercluster.js",
    "assets/atlas/atlas-map.js",
)

_MAP_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")

# ---------------------------------------------------------------------------
# The HTML block


def spec_json(spec: dict) -> str:
    """The spec as compact, deterministic JSON that is safe anywhere in HTML.

    ``<``, ``>``, ``&`` and ``'`` (so no ``</script>``, ``<!--``, entity or end of a
    single-quoted attribute), U+2028/U+2029, and a ``{`` that would open a Jinja tag
    (``{{``, ``{%``, ``{#``: mkdocs-macros) are written as ``\\uXXXX`` escapes, which
    every JSON parser reads back as the same text. The result can go verbatim into a
    single-quoted attribute or a ``<script>``. Use this text too for the ``.json``
    file behind ``map_block(..., data_url=...)``.
    """
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    text = (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("'", "\\u0027")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
    # A structural "{" is always followed by '"' or "}", so these "{" are inside strings.
    return re.sub(r"\{(?=[{%#])", r"\\u007b", text)


def _is_safe_url(url: str) -> bool:
    match = _SCHEME_RE.match(url.strip())
    return match is None or match.group(1).lower() in ("http", "https")


def validate_spec(spec: dict) -> None:
    """Raise ``ValueError`` naming the first problem in a spec (see the module docstring)."""
    if not isinstance(spec, dict):
        raise ValueError("map spec: expected a dict")
    unknown = set(spec) - {"points", "links", "types", "options"}
    if unknown:
        raise ValueError(f"map spec: unknown keys {sorted(unknown)}")
    points = spec.get("points", [])
    links = spec.get("links", [])
    types = spec.get("types", [])
    options = spec.get("options", {})
    type_ids = set()
    for i, t in enumerate(types):
        for key in ("id", "label", "color"):
            if not isinstance(t.get(key), str) or not t.get(key):
                raise ValueError(f"map spec: types[{i}].{key} must be a non-empty string")
        if t["id"] in type_ids:
            raise ValueError(f"map spec: types[{i}]: duplicate type id {t['id']!r}")
        type_ids.add(t["id"])
    ids = set()
    for i, p in enumerate(points):
        where = f"map spec: points[{i}]"
        if not isinstance(p.get("id"), str) or not p["id"]:
            raise ValueError(f"{where}.id must be a non-empty string")
        if p["id"] in ids:
            raise ValueError(f"{where}: duplicate point id {p['id']!r}")
        ids.add(p["id"])
        if not isinstance(p.get("name"), str):
            raise ValueError(f"{where}.name must be a string")
        for key, limit in (("lat", 90), ("lon", 180)):
            value = p.get(key)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not -limit <= value <= limit:
                raise ValueError(f"{where}.{key} must be a number in [-{limit}, {limit}], got {value!r}")
        if p.get("role") not in ROLES:
            raise ValueError(f"{where}.role must be one of {ROLES}, got {p.get('role')!r}")
        if p.get("url") is not None and (not isinstance(p["url"], str) or not _is_safe_url(p["url"])):
            raise ValueError(f"{where}.url must be a relative or http(s) URL, got {p['url']!r}")
        if p.get("country") is not None and not isinstance(p["country"], str):
            raise ValueError(f"{where}.country must be a string or null")
    for i, link in enumerate(links):
        where = f"map spec: links[{i}]"
        for key in ("from", "to"):
            value = link.get(key)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < len(points):
                raise ValueError(f"{where}.{key} must be a point index, got {value!r}")
        if link.get("type") not in type_ids:
            raise ValueError(f"{where}.type {link.get('type')!r} is not in types")
        if not isinstance(link.get("label"), str):
            raise ValueError(f"{where}.label must be a string")
        signed = link.get("signed")
        if signed is not None and (not isinstance(signed, str) or not _DATE_RE.match(signed)):
            raise ValueError(f"{where}.signed must be YYYY, YYYY-MM or YYYY-MM-DD or null, got {signed!r}")
        year = link.get("year")
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
            raise ValueError(f"{where}.year must be an int or null, got {year!r}")
        if link.get("status") not in STATUSES:
            raise ValueError(f"{where}.status must be one of {STATUSES}, got {link.get('status')!r}")
        if link.get("url") is not None and (not isinstance(link["url"], str) or not _is_safe_url(link["url"])):
            raise ValueError(f"{where}.url must be a relative or http(s) URL, got {link['url']!r}")
    if not isinstance(options, dict):
        raise ValueError("map spec: options must be a dict")
    for key, value in options.items():
        if key not in OPTION_NAMES:
            raise ValueError(f"map spec: unknown option {key!r} (known: {OPTION_NAMES})")
        if not isinstance(value, bool):
            raise ValueError(f"map spec: option {key!r} must be true or false")


def map_block(
    map_id: str,
    spec: dict,
    label: str,
    data_url: Optional[str] = None,
    *,
    basemap_url: Optional[str] = None,
) -> Markup:
    """The HTML of one map, to put in a page (one block: no blank line inside).

    Returned as ``markupsafe.Markup`` (a ``str``), so an autoescaping Jinja template
    puts it in as HTML with a plain ``{{ map_html }}``; ``str(...)`` gives the text.

    ``map_id`` is the element id (letters, digits, ``-`` and ``_``; unique in the
    page). ``label`` names the map for screen readers. The spec goes inline, as
    ``spec_json(spec)`` in the single-quoted ``data-spec-json`` attribute of the map
    element; with ``data_url`` (the global map) it is not inlined: the script
    fetches ``data_url`` (a file the caller writes with ``spec_json(spec)``; a
    relative URL resolves against the page) and ``spec`` may be ``{}``.
    ``basemap_url`` overrides where the country outlines are fetched from.

    Why an attribute and not ``<script type="application/json">``: Material's
    instant navigation re-creates every ``<script>`` of the new page's content from
    its text alone, dropping ``type`` and ``id``, so the JSON would run as
    JavaScript (a SyntaxError) and the map would lose its data. Attributes survive,
    and no search index reads them.
    """
    if not _MAP_ID_RE.match(map_id or ""):
        raise ValueError(f"map id {map_id!r}: use a letter then letters, digits, '-' or '_'")
    if data_url is None or spec:
        validate_spec(spec)
    esc = lambda value: html.escape(str(value), quote=True)  # noqa: E731
    attrs = [
        ("class", "atlas-map"),
        ("id", map_id),
        ("role", "region"),
        ("aria-label", label),
        ("tabindex", "0"),
    ]
    if data_url is not None:
        attrs.append(("data-src", data_url))
    if basemap_url is not None:
        attrs.append(("data-basemap", basemap_url))
    div = "<div " + " ".join(f'{name}="{esc(value)}"' for name, value in attrs)
    if data_url is None:
        # spec_json leaves no ', &, < or > in its text: safe in single quotes as is.
        div += f" data-spec-json='{spec_json(spec)}'"
    div += "></div>"
    parts = [
        # data-search-exclude: Material's search leaves out "Skip map".
        f'<figure class="atlas-map-figure" id="{esc(map_id)}-figure" data-search-exclude>',
        f'<a class="atlas-map-skip" href="#{esc(map_id)}-end">Skip map</a>',
        div,
    ]
    parts.append(f'<span class="atlas-map-end" id="{esc(map_id)}-end" tabindex="-1"></span>')
    parts.append("</figure>")
    return Markup("\n".join(parts))


# ---------------------------------------------------------------------------
# The basemap


def _round2(value: float) -> float:
    value = round(value, 2)
    return 0.0 if value == 0 else value  # no "-0.0"


def _decode_arcs(topojson: dict) -> list[list[tuple[float, float]]]:
    transform = topojson.get("transform")
    arcs = []
    for arc in topojson.get("arcs", []):
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for position in arc:
                x += position[0]
                y += position[1]
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(float(p[0]), float(p[1])) for p in arc]
        arcs.append(points)
    return arcs


def _ring(arc_indexes: Iterable[int], arcs: list) -> Optional[list[list[float]]]:
    points: list[tuple[float, float]] = []
    for index in arc_indexes:
        arc = arcs[~index] if index < 0 else arcs[index]
        if index < 0:
            arc = arc[::-1]
        if points:
            points.pop()  # the first point of an arc repeats the last of the one before
        points.extend(arc)
    ring: list[list[float]] = []
    shift = 0.0
    for x, y in points:
        # Keep the ring continuous across the antimeridian: a step of more than 180°
        # in longitude is a crossing, so the ring goes on past ±180 instead.
        if ring and abs(x + shift - ring[-1][0]) > 180:
            shift -= 360 * round((x + shift - ring[-1][0]) / 360)
        position = [_round2(x + shift), _round2(y)]
        if not ring or ring[-1] != position:
            ring.append(position)
    if ring and ring[0] != ring[-1]:
        ring.append(list(ring[0]))
    return ring if len(ring) >= 4 else None  # collapsed at 0.01°: invisible


def _polygon(rings: list, arcs: list) -> Optional[list]:
    decoded = [_ring(r, arcs) for r in rings]
    if not decoded or decoded[0] is None:
        return None
    return [r for r in decoded if r is not None]


def _geometries(geometry: dict) -> Iterable[dict]:
    if geometry.get("type") == "GeometryCollection":
        for child in geometry.get("geometries", []):
            yield from _geometries(child)
    else:
        yield geometry


def basemap_geojson(topojson: dict, object_name: Optional[str] = None) -> dict:
    """Decode a TopoJSON topology's polygons into a GeoJSON FeatureCollection.

    Reads ``objects[object_name]`` (default: ``countries``, else the first object).
    Handles quantized, delta-encoded arcs (``transform``) and plain ones, Polygon
    and MultiPolygon, and negative arc indexes (arc ``~i`` reversed). Coordinates
    are rounded to 2 decimals, consecutive repeats dropped, rings that collapse
    dropped. A ring that crosses the antimeridian is kept continuous, its longitudes
    going on past ±180 (Fiji, Chukotka), as a flat map draws it; a ring around a pole
    (Antarctica) closes along its edge as before. Each feature keeps only ``properties.name``. Features are kept in the
    topology's order; other geometry types are skipped.
    """
    objects = topojson.get("objects") or {}
    if object_name is None:
        object_name = "countries" if "countries" in objects else next(iter(objects), None)
    if object_name not in objects:
        raise ValueError(f"TopoJSON has no object {object_name!r} (has {sorted(objects)})")
    arcs = _decode_arcs(topojson)
    features = []
    for geometry in _geometries(objects[object_name]):
        kind = geometry.get("type")
        if kind == "Polygon":
            polygons = [_polygon(geometry.get("arcs", []), arcs)]
        elif kind == "MultiPolygon":
            polygons = [_polygon(p, arcs) for p in geometry.get("arcs", [])]
        else:
            continue
        polygons = [p for p in polygons if p]
        if not polygons:
            continue
        name = (geometry.get("properties") or {}).get("name")
        if len(polygons) == 1:
            shape = {"type": "Polygon", "coordinates": polygons[0]}
        else:
            shape = {"type": "MultiPolygon", "coordinates": polygons}
        features.append({"type": "Feature", "properties": {"name": name}, "geometry": shape})
    return {"type": "FeatureCollection", "features": features}


# ---------------------------------------------------------------------------
# Assets


class AssetsMissingError(RuntimeError):
    """A third-party source of the map assets is not installed."""


def _xstatic_dir(module: str, pip_name: str) -> Path:
    try:
        package = __import__(f"xstatic.pkg.{module}", fromlist=["BASE_DIR"])
    except ImportError as error:
        raise AssetsMissingError(
            f"the Python package {pip_name} is not installed ({error}); "
            f"run `make setup` (or `pip install {pip_name}` in the project's venv)"
        ) from None
    return Path(package.BASE_DIR)


def _write(path: Path, data: bytes, written: list[Path]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_bytes() != data:  # unchanged files keep their mtime
        path.write_bytes(data)
    written.append(path)


def install_assets(dest: Path, project_root: Path) -> list[str]:
    """Copy the map's third-party assets into ``dest/vendor/`` and return what was written.

    Call it with the site's ``assets`` folder (``Path(config.site_dir) / "assets"``)
    after the build (MkDocs ``on_post_build``), so that ``assets/vendor/...`` sits
    beside ``assets/atlas/atlas-map.js``. Writes:

    - ``vendor/leaflet/{leaflet.js, leaflet.css, images/*.png}`` (XStatic-Leaflet),
    - ``vendor/leaflet.markercluster/{leaflet.markercluster.js, MarkerCluster.css,
      MarkerCluster.Default.css}`` (XStatic-Leaflet-MarkerCluster),
    - ``vendor/basemap/countries.geojson`` from
      ``project_root/node_modules/world-atlas/countries-110m.json`` (npm
      ``world-atlas``; Natural Earth, public domain) and its ``LICENSE``.

    Raises ``AssetsMissingError`` naming the missing package and the fix. Returns the
    written paths relative to ``dest``, sorted, with ``/``. The output is the same
    on every run; files whose content is unchanged are not rewritten.
    """
    dest = Path(dest)
    project_root = Path(project_root)
    leaflet = _xstatic_dir("leaflet", "XStatic-Leaflet")
    cluster = _xstatic_dir("leaflet_markercluster", "XStatic-Leaflet-MarkerCluster")
    atlas_dir = project_root / "node_modules" / "world-atlas"
    topo_path = atlas_dir / "countries-110m.json"

    copies: list[tuple[Path, str]] = [
        (leaflet / "leaflet.js", "vendor/leaflet/leaflet.js"),
        (leaflet / "leaflet.css", "vendor/leaflet/leaflet.css"),
        (cluster / "leaflet.markercluster.js", "vendor/leaflet.markercluster/leaflet.markercluster.js"),
        (cluster / "MarkerCluster.css", "vendor/leaflet.markercluster/MarkerCluster.css"),
        (cluster / "MarkerCluster.Default.css", "vendor/leaflet.markercluster/MarkerCluster.Default.css"),
    ]
    images = leaflet / "images"
    if images.is_dir():
        copies += [(p, f"vendor/leaflet/images/{p.name}") for p in sorted(images.glob("*.png"))]
    for source, _ in copies:
        if not source.is_file():
            raise AssetsMissingError(f"{source} is missing: reinstall the XStatic packages with `make setup`")
    if not topo_path.is_file():
        raise AssetsMissingError(
            f"{topo_path} is missing: the npm package world-atlas is not installed; "
            "run `npm ci` in the project root (or `make setup`)"
        )

    written: list[Path] = []
    for source, target in copies:
        _write(dest / target, source.read_bytes(), written)
    topology = json.loads(topo_path.read_text(encoding="utf-8"))
    geojson = basemap_geojson(topology, "countries")
    text = json.dumps(geojson, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    _write(dest / "vendor/basemap/countries.geojson", text.encode("utf-8"), written)
    license_path = atlas_dir / "LICENSE"
    if license_path.is_file():
        _write(dest / "vendor/basemap/LICENSE.world-atlas.txt", license_path.read_bytes(), written)
    return sorted(p.relative_to(dest).as_posix() for p in written)
