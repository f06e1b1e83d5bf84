"""The maps of the atlas, built with Folium: one map per kind, once per build.

Pure Python: Folium, never MkDocs. A *kind* of map (``place``, ``group``, ``world``) is
one Folium map, rendered once per build into a script, ``assets/atlas/maps/<kind>.js``,
that defines ``atlasMapKinds[kind] = function (element) {...}``: Folium's script, in a
function so that it can run once per map element, for each map of a page (in the global
scope Folium's ``let`` declarations clash). A page
carries only ``mapsite.map_block``: an element naming its kind and its data, a
``map.geojson`` file beside the page (``macros.mapdata``). Our adapter, ``overrides/assets/atlas/
atlas-maps.js``, runs the kind function for each element; the ``AtlasData`` element of
the map fetches the data and adds it to Folium's layers.

To change what a map shows, change ``place_map``, ``group_map`` or ``world_map`` below
with Folium's API. Every script and style comes from the site (``install_assets``).

No text from the data ever reaches Folium: branca compiles each element's rendered output
again as a Jinja template, so a name handed to an element would run as template code at
build time. The maps get only the link types' ids and colours, both checked here against
the id rule and ``#rrggbb`` (``map_types``); names and labels come with the page's GeoJSON
at run time and are shown as text (layer names and the legend by ``atlas-maps.js``).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from contextlib import contextmanager
from itertools import count
from pathlib import Path
from typing import Iterator

import folium
import numpy as np
from branca.element import Element, MacroElement
from folium import plugins
from folium.template import Template
from folium.utilities import JsCode

from .model import is_id
from .mapsite import BASEMAP, CLUSTER, FULLSCREEN, KINDS, LEAFLET, SPIDERFIER, TILES, kind_script

__all__ = ["kind_scripts", "install_assets", "AssetsMissingError", "place_map", "group_map", "world_map"]


def _served(element: folium.elements.JSCSSMixin, assets: dict) -> folium.elements.JSCSSMixin:
    """The element, loading its scripts and styles from the site (this instance only)."""
    element.default_js, element.default_css = list(assets["js"]), list(assets["css"])
    return element


@contextmanager
def _numbered_ids() -> Iterator[None]:
    """Elements made inside get ids 0, 1, 2...: the same script on every build."""
    numbers = count()
    original = Element.__dict__["_generate_id"]
    Element._generate_id = classmethod(lambda cls: str(next(numbers)))
    try:
        yield
    finally:
        Element._generate_id = original


# ---------------------------------------------------------------------------
# Folium elements of our own


class AtlasMap(folium.Map):
    """A ``folium.Map`` drawn into the ``element`` its kind function receives, without Folium's page header.

    It starts without a view: Leaflet adds its layers, and asks for tiles, once ``atlasMap.load`` has
    fitted the view to the data. (With Folium's centre and zoom, a phone fetched a first set of tiles
    for a view it then left: six tiles, about 70 KB, before the ones it shows.)"""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.map(element, {
                crs: L.CRS.{{ this.crs }},
                ...{{ this.options|tojavascript }}
            });
        {% endmacro %}
        """
    )

    def __init__(self, **kwargs):
        # One canvas for places and links (fast with thousands), hit within 4 px of a thin line.
        renderer = JsCode("L.canvas({tolerance: 4})")
        # The page scrolls past a map: the wheel zooms it, and one finger drags it on a phone, only
        # once the map has the focus (a click or tap); two fingers always zoom (atlas-maps.js).
        super().__init__(tiles=None, zoom_snap=0.25, renderer=renderer,
                         scroll_wheel_zoom=False, dragging=JsCode("!L.Browser.mobile"), **kwargs)
        del self.options["zoom"]  # no view until the data's (above)
        _served(self, LEAFLET)
        tiles = TILES
        # The outlines' credit too: given to the outlines' layer, each of its hundreds of shapes would repeat it.
        folium.TileLayer(tiles, attr=f"{tiles.html_attribution} | {OUTLINES_CREDIT}", control=False).add_to(self)


class _Control(MacroElement):
    """A Leaflet control built once the map has its data. ``script`` is the body of
    ``function (entry, box, options)``: ``entry`` is the drawn map (atlas-maps.js), ``box``
    the control's element to fill, ``options`` the keyword arguments (JSON); it returns
    ``false`` when the map needs no such control. Text goes in as text (``atlasMap.node``)."""

    css_class = ""
    script = ""
    _template = Template(
        """
        {% macro script(this, kwargs) %}
            atlasMap.control({{ this._parent.get_name() }}, {{ this.position|tojson }}, {{ this.css_class|tojson }},
                function (entry, box, options) { {{- this.script }} }, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, position: str, **options):
        super().__init__()
        self._name = type(self).__name__
        self.position, self.options = position, options


class SharedView(_Control):
    """The view in the address, so that a link reopens it: ``?view=ZOOM/LAT/LNG&hide=TYPE&hide-status=STATUS
    &year=YEAR&undated=1&place=ID`` (the page's first map). Read before the other controls are built,
    so they start as it says; written (history.replaceState) once the reader uses the map. No control."""

    script = """
        var map = entry.map, element = entry.element, touched = false, selected = null;
        if (document.querySelector(".atlas-map") !== element) return false;
        var KEYS = ["view", "hide", "hide-status", "year", "undated", "place"], q = new URLSearchParams(location.search);
        q.getAll("hide").forEach(function (t) { entry.off["type:" + t] = true; });
        q.getAll("hide-status").forEach(function (s) { entry.off["status:" + s] = true; });
        if (/^-?[0-9]{1,4}$/.test(q.get("year"))) entry.asked.year = Number(q.get("year"));
        entry.asked.undated = q.get("undated") === "1";
        var view = (q.get("view") || "").split("/").map(parseFloat), place = q.get("place");
        var viewed = view.length === 3 && view.every(isFinite) && Math.abs(view[1]) <= 85;
        function remember() {
            if (!touched) return;  // the address changes only once the reader has used the map
            var c = map.getCenter(), z = map.getZoom(), digits = z > 8 ? 4 : 2, state = new URLSearchParams();
            state.set("view", [z, c.lat.toFixed(digits), c.lng.toFixed(digits)].join("/"));
            Object.keys(entry.off).sort().forEach(function (key) {
                if (entry.off[key]) state.append(key.indexOf("type:") === 0 ? "hide" : "hide-status", key.replace(/^[a-z]+:/, ""));
            });
            if (entry.wanted.set) state.set("year", entry.wanted.year);
            if (entry.wanted.set && entry.wanted.undated) state.set("undated", "1");
            if (selected) state.set("place", selected);
            var rest = new URLSearchParams(location.search);  // what else the address holds stays (the embed page's map)
            KEYS.forEach(function (key) { rest.delete(key); });
            var slashed = function (text) { return String(text).replace(/%2F/g, "/"); };  // view=4/25.03/121.56 as it reads
            history.replaceState(history.state, "", location.pathname + "?" + slashed([rest, state].filter(String).join("&")) + location.hash);
            if (element.hasAttribute("data-embed"))
                document.querySelector(".atlas-embed-open").href = new URL("../" + element.getAttribute("data-embed") + "?" + slashed(state), location.href).href;
        }
        map.on("popupopen", function (e) { selected = e.popup.options.place || null; remember(); });
        map.on("popupclose", function (e) { if (e.popup.options.place === selected) selected = null; remember(); });
        if (viewed) map.setView([view[1], view[2]], view[0], {animate: false});
        if (place && Object.prototype.hasOwnProperty.call(entry.layers, place)) entry.open(entry.layers[place], viewed);
        entry.refresh();
        ["pointerdown", "keydown", "wheel"].forEach(function (type) {
            element.addEventListener(type, function () { touched = true; }, {capture: true, passive: true});
        });
        map.on("moveend atlas:shown", remember);
        return false;
    """

    def __init__(self):
        super().__init__("topleft")


class Legend(_Control):
    """The one control for what the map shows: each link type with its colour and count, and each
    status with its line, each switching its links on or off. Folds away (small maps start folded)."""

    css_class = "atlas-legend"
    script = """
        var types = options.types.filter(function (t) { return entry.types.indexOf(t.id) >= 0; });
        if (!types.length) return false;
        var toggle = atlasMap.node(box, "button", "atlas-legend-title", entry.t("Legend"));
        var panel = atlasMap.node(box, "div", "atlas-legend-panel");
        panel.id = entry.id + "-legend";
        toggle.setAttribute("aria-controls", panel.id);
        var counts = {};  // "type:sister", "status:ended": its links
        entry.arcs.forEach(function (a) {
            ["type", "status"].forEach(function (key) {
                var k = key + ":" + a.feature.properties[key];
                counts[k] = (counts[k] || 0) + 1;
            });
        });
        function group(title, key, items) {
            var set = atlasMap.node(panel, "fieldset", "atlas-legend-set");
            atlasMap.node(set, "legend", "atlas-visually-hidden", title);
            items.forEach(function (item) {
                var n = counts[key + ":" + item.id] || 0;
                var label = atlasMap.node(set, "label", "atlas-legend-item"), check = atlasMap.node(label, "input");
                check.type = "checkbox";
                check.checked = !entry.off[key + ":" + item.id];
                atlasMap.line(label, item.color, item.dash);
                label.appendChild(document.createTextNode(item.label + " (" + n + ")"));
                check.addEventListener("change", function () { entry.show(key, item.id, check.checked); });
            });
        }
        group(entry.t("Link types"), "type", types.map(function (t) { return {id: t.id, label: entry.labels[t.id], color: t.color}; }));
        var statuses = Object.keys(options.dashes).filter(function (s) { return entry.statuses.indexOf(s) >= 0; });
        if (statuses.length > 1 || statuses[0] !== "active")
            group(entry.t("Status"), "status", statuses.map(function (s) {
                return {id: s, label: entry.t(atlasMap.STATUS[s]), color: "#424242", dash: options.dashes[s]};
            }));
        function show(open) { panel.hidden = !open; toggle.setAttribute("aria-expanded", String(open)); }
        toggle.type = "button";
        toggle.addEventListener("click", function () { show(panel.hidden); });
        show(entry.element.clientWidth >= 600);  // small maps start folded
    """

    def __init__(self, types: list[dict]):
        super().__init__("bottomleft", types=types, dashes=DASHES)


class YearControl(_Control):
    """"Links signed up to YEAR", with undated links on or off."""

    css_class = "atlas-years"
    script = """
        var years = entry.arcs.map(function (arc) { return arc.year; }).filter(function (y) { return y !== null; });
        if (!years.length) return false;
        var label = atlasMap.node(box, "label", "atlas-years-label", entry.t("Links signed up to: "));
        var output = atlasMap.node(label, "output", "atlas-years-year", Math.max.apply(null, years));
        var range = atlasMap.node(box, "input", "atlas-years-range");
        var undatedLabel = atlasMap.node(box, "label", "atlas-years-undated");
        var undated = atlasMap.node(undatedLabel, "input");
        var dated = years.length, without = entry.arcs.length - dated;
        atlasMap.node(box, "div", "atlas-years-count", entry.t("{n} dated links", {n: dated}) + (without ? entry.t(" + {n} undated", {n: without}) : ""));
        undatedLabel.appendChild(document.createTextNode(entry.t(" include the {n} undated", {n: without})));
        if (!without) undatedLabel.hidden = true;
        range.type = "range";
        range.id = label.htmlFor = entry.id + "-year";
        range.min = Math.min.apply(null, years);
        range.max = output.textContent;
        var asked = entry.asked.year;  // the year the address asks for, if any (SharedView)
        range.value = asked === null ? range.max : Math.min(Math.max(asked, range.min), range.max);  // after max: a value beyond the old max would be cut down
        undated.type = "checkbox";
        undated.checked = entry.asked.undated;  // off unless asked: "up to 1990" means links known to be signed by then
        function update() {
            output.textContent = range.value;
            entry.filter(parseInt(range.value, 10), undated.checked);
        }
        update();
        range.addEventListener("input", update);
        undated.addEventListener("change", update);
    """

    def __init__(self):
        super().__init__("bottomleft")  # above the legend: the credits keep the right-hand corner


class FindPlace(_Control):
    """"Find a place" by any of its names (English, native script), by the start of a word, without
    regard to case or accents; suggestions as the reader types, and a word when nothing matches.
    Names go in as text (Folium's Search would put them in as HTML)."""

    css_class = "atlas-search"
    script = """
        function fold(text) { return String(text).normalize("NFKD").replace(/[\\u0300-\\u036f]/g, "").toLowerCase().trim(); }
        var places = entry.points.getLayers().map(function (layer) {
            var p = layer.feature.properties;
            return {layer: layer, label: p.name + " (" + p.country + ")", names: [p.name].concat(p.also || []).map(fold)};
        }).sort(function (a, b) { return a.label < b.label ? -1 : 1; });
        var label = atlasMap.node(box, "label", "atlas-visually-hidden", entry.t("Find a place"));
        var input = atlasMap.node(box, "input", "atlas-search-input");
        var list = atlasMap.node(box, "ul", "atlas-search-list");
        var said = atlasMap.node(box, "div", "atlas-search-status");
        input.type = "search";
        input.placeholder = entry.t("Find a place");
        input.autocomplete = "off";
        input.id = label.htmlFor = entry.id + "-search";
        list.id = entry.id + "-places";
        said.setAttribute("role", "status");
        function found(query) {  // whole names first, then names or words that start so
            var q = fold(query), whole = [], start = [];
            if (!q) return [];
            places.forEach(function (place) {
                if (place.names.indexOf(q) >= 0 || fold(place.label) === q) whole.push(place);
                else if (place.names.some(function (n) { return n.indexOf(q) === 0 || n.indexOf(" " + q) >= 0 || n.indexOf("-" + q) >= 0; })) start.push(place);
            });
            return whole.concat(start);
        }
        function open(place) { list.textContent = said.textContent = ""; input.value = place.label; entry.open(place.layer); }
        input.addEventListener("input", function () {
            var matches = found(input.value);
            list.textContent = "";
            matches.slice(0, 8).forEach(function (place) {
                var button = atlasMap.node(atlasMap.node(list, "li"), "button", "atlas-search-choice", place.label);
                button.type = "button";
                // Not on to the map: the list is emptied meanwhile, and Leaflet would take it for a click on the map.
                button.addEventListener("click", function (event) { event.stopPropagation(); open(place); });
            });
            said.textContent = input.value.trim() && !matches.length ? entry.t("No place found") : "";
        });
        input.addEventListener("keydown", function (event) {
            if (event.key !== "Enter") return;
            var matches = found(input.value);
            if (matches.length) open(matches[0]);
            else said.textContent = input.value.trim() ? entry.t("No place found") : "";
        });
    """

    def __init__(self):
        super().__init__("topright")


class Spiderfier(plugins.OverlappingMarkerSpiderfier):
    """Folium's spiderfier, named, so that the places added at run time join it (atlas-maps.js):
    a click on places that overlap spreads them out; a click on one of them opens its popup."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = new OverlappingMarkerSpiderfier({{ this._parent.get_name() }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self):
        # Feet about 45 px apart when two places overlap: each can be picked with a thumb.
        super().__init__(keep_spiderfied=True, nearby_distance=16, leg_weight=1.5, circle_foot_separation=36)
        _served(self, SPIDERFIER)


class AtlasData(MacroElement):
    """Fetches the page's ``map.geojson`` (and the basemap) once and adds them to Folium's layers.

    Points go to ``points`` (and into ``cluster``, if any), each link to the layer of its
    type in ``links``; types the data does not use leave the map. The legend switches them.
    The view then fits the data, without animation (set once, before anything is drawn).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            atlasMap.load(element, {{ this._parent.get_name() }}, {
                points: {{ this.points.get_name() }},
                cluster: {{ this.cluster.get_name() if this.cluster else "null" }},
                links: {
                {%- for type_id, layer in this.links.items() %}
                    {{ type_id|tojson }}: {{ layer.get_name() }},
                {%- endfor %}
                },
                basemap: {{ this.basemap.get_name() }},
                spiderfier: {{ this.spiderfier.get_name() }}
            });
        {% endmacro %}
        """
    )

    def __init__(self, points, links, basemap, spiderfier, cluster=None):
        super().__init__()
        self._name = "AtlasData"
        self.points, self.links, self.basemap, self.spiderfier = points, links, basemap, spiderfier
        self.cluster = cluster


# ---------------------------------------------------------------------------
# The kinds of map

EMPTY = {"type": "FeatureCollection", "features": []}
BASEMAP_STYLE = {"color": "#a8a8a0", "weight": 0.7, "fillColor": "#f2efe6", "fillOpacity": 1}
FOCUS_STYLE = {"radius": 9, "fill": True, "color": "#ffffff", "weight": 2, "fillColor": "#b71c1c", "fillOpacity": 0.95}
PLACE_STYLE = {"radius": 6, "fill": True, "color": "#ffffff", "weight": 1.5, "fillColor": "#1a237e", "fillOpacity": 0.95}
MEMBER_STYLE = {"radius": 4.5, "fill": True, "color": "#ffffff", "weight": 1, "fillColor": "#37474f", "fillOpacity": 0.95}
# Each status its own line: solid, dotted (and fainter, in the style), long dashes, dash-dot.
DASHES = {"active": None, "ended": "2 4", "suspended": "8 5", "disputed": "10 4 2 4"}
OUTLINES_CREDIT = 'Country outlines: <a href="https://www.naturalearthdata.com/">Natural Earth</a>'


def _basemap(m: folium.Map) -> folium.GeoJson:
    """Country outlines under the tiles, so the map reads where tiles do not load (offline)."""
    folium.map.CustomPane("basemap", z_index=150, pointer_events=False).add_to(m)
    style = JsCode(f"function () {{ return {json.dumps(BASEMAP_STYLE)}; }}")
    return folium.GeoJson(EMPTY, control=False, pane="basemap", interactive=False, style=style).add_to(m)


def _link_layers(m: folium.Map, types: list[dict], weight: float) -> dict[str, folium.GeoJson]:
    """One layer per link type, named by its id (atlas-maps.js names it by its label, from the data)."""
    style = JsCode(
        "function (f) { return {color: f.properties.stroke, "
        f"weight: {weight}, opacity: f.properties.status === 'ended' ? 0.55 : 0.85, "
        f"dashArray: {json.dumps(DASHES)}[f.properties.status] || null, lineCap: 'butt'}}; }}"
    )
    # smooth_factor 0: Leaflet does not simplify the lines again at each zoom. An arc has a point
    # every few degrees, tens of pixels apart, so nothing was left out; on the global map the
    # simplifying took about 50 of its 110 ms of drawing 137,000 points.
    return {t["id"]: folium.GeoJson(EMPTY, name=t["id"], style=style, smooth_factor=0).add_to(m) for t in types}


def _points(parent, place_style: dict) -> folium.GeoJson:
    style = JsCode(f"function (f) {{ return f.properties.focus ? {json.dumps(FOCUS_STYLE)} : {json.dumps(place_style)}; }}")
    # A click on a place stays with it (the spiderfier): the map's own click would fold the places again.
    marker = folium.CircleMarker(bubbling_mouse_events=False)
    return folium.GeoJson(EMPTY, control=False, marker=marker, style=style).add_to(parent)


def _cluster(m: folium.Map) -> plugins.MarkerCluster:
    # Circle markers cannot be spiderfied: from zoom 9 on, every place is shown on its own.
    # chunkedLoading: thousands of places are clustered in slices, between which the page answers.
    options = {"showCoverageOnHover": False, "maxClusterRadius": 40, "disableClusteringAtZoom": 9, "spiderfyOnMaxZoom": False,
               "chunkedLoading": True}
    return _served(plugins.MarkerCluster(control=False, options=options), CLUSTER).add_to(m)


def _atlas_map(types: list[dict], weight: float, clustered: bool, controls: tuple = ()) -> folium.Map:
    """Outlines, tiles, a layer per link type, the places (clustered or not) on top, and the controls."""
    m = AtlasMap()
    basemap = _basemap(m)
    links = _link_layers(m, types, weight)
    cluster = _cluster(m) if clustered else None
    points = _points(cluster or m, MEMBER_STYLE if clustered else PLACE_STYLE)
    SharedView().add_to(m)  # first: the controls after it start as the address says
    Legend(types).add_to(m)
    for element in controls:
        element.add_to(m)
    _served(plugins.Fullscreen(title="Full screen", title_cancel="Exit full screen"), FULLSCREEN).add_to(m)
    AtlasData(points, links, basemap, Spiderfier().add_to(m), cluster).add_to(m)
    return m


def place_map(types: list[dict]) -> folium.Map:
    """A place, its partners and the arcs between them."""
    return _atlas_map(types, weight=2.5, clustered=False)


def group_map(types: list[dict]) -> folium.Map:
    """The places of a network, programme or country (clustered), and their links."""
    return _atlas_map(types, weight=2, clustered=True)


def world_map(types: list[dict]) -> folium.Map:
    """Every place (clustered) and link, a layer per type, a place finder and a year control."""
    return _atlas_map(types, weight=1, clustered=True, controls=(FindPlace(), YearControl()))


BUILDERS = {"place": place_map, "group": group_map, "world": world_map}


# ---------------------------------------------------------------------------
# The kinds' scripts


def _kind_script(kind: str, m: folium.Map) -> str:
    """Folium's script of the map, in a function drawing it into the element it is given."""
    return (
        "window.atlasMapKinds = window.atlasMapKinds || {};\n"
        f"window.atlasMapKinds[{json.dumps(kind)}] = function (element) {{\n"
        f"{m.get_root().script.render().strip()}\n"
        f"  return {m.get_name()};\n}};\n"
    )


_COLOR_RE = re.compile(r"#[0-9a-fA-F]{6}")


def map_types(types: list[dict]) -> list[dict]:
    """What the maps may know of the link types: ``{"id", "color"}`` only, each checked.

    Labels stay out (they come with the data); an id or colour that is not of its form
    raises ``ValueError`` rather than reach branca's templates.
    """
    for t in types:
        if not (is_id(t["id"]) and _COLOR_RE.fullmatch(str(t["color"]))):
            raise ValueError(f"link type {t['id']!r} with colour {t['color']!r}: an id and a #rrggbb colour only")
    return [{"id": t["id"], "color": t["color"]} for t in types]


def rendered(kind: str, types: list[dict]) -> folium.Map:
    """The Folium map of a kind, rendered, with ``types`` (``{"id", "color", ...}``, legend order)."""
    with _numbered_ids():
        m = BUILDERS[kind](map_types(types))
    m.get_root().render()
    return m


def kind_scripts(types: list[dict]) -> dict[str, str]:
    """Each kind's script by its site path (``mapsite.kind_script``), rendered once per build."""
    return {kind_script(kind): _kind_script(kind, rendered(kind, types)) for kind in KINDS}


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


def _npm_file(project_root: Path, package: str, name: str) -> Path:
    path = project_root / "node_modules" / package / name
    if not path.is_file():
        raise AssetsMissingError(f"{path} is missing: the npm package {package} is not installed; run `npm ci` (or `make setup`)")
    return path


def _write(path: Path, data: bytes, written: list[Path]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_bytes() != data:  # unchanged files keep their mtime
        path.write_bytes(data)
    written.append(path)


def _ring(ring: list) -> list:
    """A ring rounded to 2 decimals (about 1 km) and kept continuous where it crosses the
    antimeridian (longitudes go on past ±180, as a flat map draws it); a ring around a pole
    (Antarctica) stays as it is."""
    lons = np.unwrap([x for x, _ in ring], period=360)
    if abs(lons[-1] - lons[0]) > 1:
        lons = [x for x, _ in ring]
    return [[round(float(x), 2), round(y, 2)] for x, (_, y) in zip(lons, ring)]


def _polygons(geometry: dict) -> dict:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    polygons = [[_ring(ring) for ring in polygon] for polygon in polygons]
    return {"type": geometry["type"], "coordinates": polygons[0] if geometry["type"] == "Polygon" else polygons}


def basemap_geojson(project_root: Path) -> dict:
    """Natural Earth's countries (npm world-atlas) as GeoJSON, by topojson-client's ``topo2geo``."""
    topology = _npm_file(project_root, "world-atlas", "countries-110m.json")
    topo2geo = _npm_file(project_root, "topojson-client", "bin/topo2geo")
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        raise AssetsMissingError("Node.js is not installed (it runs topojson-client's topo2geo): run `make setup`")
    result = subprocess.run([node, str(topo2geo), "-i", str(topology), "countries=-"], capture_output=True, check=True)
    geojson = json.loads(result.stdout)
    for feature in geojson["features"]:
        feature["geometry"] = _polygons(feature["geometry"])
    return geojson


def install_assets(dest: Path, project_root: Path) -> list[str]:
    """Copy the maps' third-party assets into ``dest/vendor/`` and return what was written.

    ``dest`` is the site's ``assets`` folder. Leaflet and Leaflet.markercluster come from
    the XStatic packages (PyPI), leaflet.fullscreen, the spiderfier and the basemap from npm. Raises
    ``AssetsMissingError`` naming what is missing and the fix. Returns the written paths
    relative to ``dest``, sorted; unchanged files are not rewritten.
    """
    dest, project_root = Path(dest), Path(project_root)
    leaflet = _xstatic_dir("leaflet", "XStatic-Leaflet")
    cluster = _xstatic_dir("leaflet_markercluster", "XStatic-Leaflet-MarkerCluster")
    copies = [(leaflet / name, f"vendor/leaflet/{name}") for name in ("leaflet.js", "leaflet.css")]
    copies += [(p, f"vendor/leaflet/images/{p.name}") for p in sorted((leaflet / "images").glob("*.png"))]
    copies += [(cluster / name, f"vendor/leaflet.markercluster/{name}")
               for name in ("leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css")]
    copies += [(_npm_file(project_root, "leaflet.fullscreen", name), f"vendor/leaflet.fullscreen/{name}")
               for name in ("Control.FullScreen.js", "Control.FullScreen.css", "icon-fullscreen.svg", "LICENSE")]
    copies += [(_npm_file(project_root, "overlapping-marker-spiderfier-leaflet", name), f"vendor/oms/{target}")
               for name, target in (("dist/oms.js", "oms.js"), ("README.md", "README.md"))]  # MIT, said in its README
    copies.append((_npm_file(project_root, "world-atlas", "LICENSE"), "vendor/basemap/LICENSE.world-atlas.txt"))
    written: list[Path] = []
    for source, target in copies:
        _write(dest / target, source.read_bytes(), written)
    text = json.dumps(basemap_geojson(project_root), ensure_ascii=False, separators=(",", ":"))
    _write(dest / BASEMAP.removeprefix("assets/"), text.encode("utf-8"), written)
    return sorted(p.relative_to(dest).as_posix() for p in written)
