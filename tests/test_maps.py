"""Tests of the maps: the Folium kinds (macros/maps.py), their data (macros/mapdata.py), and both
drawn by the adapter (overrides/assets/atlas/atlas-maps.js) in headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from macros import mapdata
from macros.mapdata import MapData, arcs
from macros.maps import install_assets, kind_scripts, rendered
from macros.mapsite import ADAPTER_JS, BASEMAP, KIND_JS, KINDS, MAP_CSS, MAP_JS, loader_tag, map_block
from macros.validate import load

from .browser import Visit, needs_chromium, serve
from .conftest import DATA, ROOT

EVIL = "<img src=x onerror=window.__xss=1>"
EVIL_TYPE = "Co-op <b>bold</b> & <img src=x onerror=window.__xss=2> ${window.__xss=5}"
TYPES = [
    {"id": "sister", "label": "Sister city", "color": "#c62828"},
    {"id": "friendship", "label": "Friendship city", "color": "#ef6c00"},
    {"id": "cooperation", "label": EVIL_TYPE, "color": "#1565c0"},
    {"id": "unused", "label": "Unused type", "color": "#000000"},
]


def point(pid: str, name: str, lat: float, lon: float, country: str = "X", focus: bool = False, url: str = "") -> dict:
    properties = {"name": name, "country": country, "url": url or f"{pid}.html"}
    if focus:
        properties["focus"] = True
    return {"type": "Feature", "id": pid, "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": properties}


def line(a: dict, b: dict, type_id: str, label: str, signed=None, status="active") -> dict:
    (lon1, lat1), (lon2, lat2) = a["geometry"]["coordinates"], b["geometry"]["coordinates"]
    arc = arcs(np.array([[lat1, lon1, lat2, lon2]]), mapdata.FINE)[0].tolist()
    color = next(t["color"] for t in TYPES if t["id"] == type_id)
    label_of = next(t["label"] for t in TYPES if t["id"] == type_id)
    properties = {"from": a["id"], "to": b["id"], "type": type_id, "type_label": label_of, "label": label,
                  "signed": signed, "year": int(signed[:4]) if signed else None, "status": status, "stroke": color}
    return {"type": "Feature", "geometry": mapdata.line_geometry(arc), "properties": properties}


def place_data(undated: bool = False) -> dict:
    taipei = point("taipei", "Taipei", 25.05, 121.53, "Taiwan", focus=True, url="./")
    houston = point("houston", "Houston", 29.76, -95.36, "United States")
    tokyo = point("tokyo", "Tokyo", 35.68, 139.69, "Japan")
    evil = point("evil", EVIL, 48.86, 2.35, "</script><script>window.__xss=4</script>")
    seoul = point("seoul", "Seoul", 37.57, 126.98, "South Korea")
    links = [
        line(taipei, houston, "sister", "Taipei – Houston", "1961-06-15"),
        line(taipei, tokyo, "friendship", "Taipei – Tokyo", "1990", "suspended"),
        line(evil, taipei, "cooperation", EVIL, None, "ended"),
        line(taipei, seoul, "sister", "Taipei – Seoul", "2005-03"),
    ]
    if undated:
        for link in links:
            link["properties"].update(signed=None, year=None)
    return {"type": "FeatureCollection", "features": [taipei, houston, tokyo, evil, seoul] + links}


# ---------------------------------------------------------------------------
# map_block


class _Attrs(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: dict[str, dict] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.elements[attrs["id"]] = {"tag": tag, **attrs}


def parse_block(block: str) -> dict[str, dict]:
    parser = _Attrs()
    parser.feed(block)
    parser.close()
    return parser.elements


def test_map_block_structure():
    block = map_block("place-map", "place", "Links of Taipei", "map.geojson", "../../")
    assert block.startswith('<figure class="atlas-map-figure atlas-map-figure--place" id="place-map-figure" data-search-exclude>')
    assert block.endswith("</figure>") and "\n\n" not in block  # one Markdown HTML block
    assert '<a class="atlas-map-skip" href="#place-map-end">Skip map</a>' in block
    elements = parse_block(block)
    assert elements["place-map"] == {
        "tag": "div", "class": "atlas-map", "id": "place-map", "role": "region", "aria-label": "Links of Taipei",
        "tabindex": "0", "data-kind": "place", "data-src": "map.geojson", "data-basemap": "../../" + BASEMAP,
    }
    # Nothing preloaded: the page's text and styles come first (the adapter loads the rest); only
    # the connection to the tile host opens early, inside the figure (a <p> around it would be invalid).
    assert re.findall(r"<link[^>]*>", block) == ['<link rel="preconnect" href="https://tile.openstreetmap.org">']
    assert block.index("<link") > block.index("<figure")
    assert block.index('id="place-map-end"') > block.index('id="place-map"')
    # No <script>: a page swap (Material's instant navigation) would strip its type and run the JSON.
    assert "<script" not in block


def test_map_block_escapes_and_goes_into_templates_as_html():
    from jinja2 import Environment

    block = map_block("m1", "group", 'Label "quoted" <b>& {{ x }}', 'a.geojson?a=1&b="2"', "")
    assert parse_block(block)["m1"]["aria-label"] == 'Label "quoted" <b>& {{ x }}'
    assert parse_block(block)["m1"]["data-src"] == 'a.geojson?a=1&b="2"'
    assert "<b>" not in block
    rendered = Environment(autoescape=True).from_string("<main>{{ block }}</main>").render(block=block)
    assert rendered == f"<main>{block}</main>"


@pytest.mark.parametrize("map_id, kind", [("", "place"), ("1map", "place"), ('m" onload="x', "place"), ("m", "globe")])
def test_map_block_rejects_bad_ids_and_kinds(map_id, kind):
    with pytest.raises(ValueError):
        map_block(map_id, kind, "x", "map.geojson", "")


# ---------------------------------------------------------------------------
# The Folium kinds


@pytest.fixture(scope="module")
def scripts():
    return kind_scripts(TYPES)


def test_kinds_are_folium_scripts_in_a_function(scripts):
    assert set(scripts) == {f"assets/atlas/maps/{k}.js" for k in ("place", "group", "world")}
    for path, script in scripts.items():
        kind = path.rsplit("/", 1)[1][:-3]
        assert script.startswith(f'window.atlasMapKinds = window.atlasMapKinds || {{}};\nwindow.atlasMapKinds["{kind}"] = function (element) {{')
        name = re.search(r"var (map_\d+) = L.map\(element,", script).group(1)
        assert script.rstrip().endswith(f"return {name};\n}};")
        assert "L.control.layers(" not in script and "L.control.fullscreen(" in script  # the legend switches types
        assert f"atlasMap.load(element, {name}" in script and f'atlasMap.control({name}, "bottomleft", "atlas-legend"' in script
    world = scripts["assets/atlas/maps/world.js"]
    assert "L.markerClusterGroup(" in world and '"atlas-years"' in world and '"atlas-search"' in world


def test_kinds_keep_folium_page_parts_out(scripts):
    for script in scripts.values():
        for unwanted in ("<script", "<style", "html, body", "user-scalable", "Trust", "$(document)", "jQuery", "<meta"):
            assert unwanted not in script


def test_kinds_are_the_same_on_every_build(scripts):
    assert kind_scripts(TYPES) == scripts
    assert not re.search(r"_[0-9a-f]{32}\b", "".join(scripts.values()))  # no random ids


def test_no_label_from_the_data_reaches_folium(scripts):
    # branca renders each element's output again as a template: labels must never get there.
    for script in scripts.values():
        assert "Co-op" not in script and "Sister city" not in script and "${" not in script
        assert "<img" not in script and "</" not in script
    assert '"sister"' in scripts["assets/atlas/maps/place.js"]  # ids and colours only


@pytest.mark.parametrize("bad", [{"id": "sister {{ 7*7 }}", "color": "#c62828"}, {"id": "sister", "color": "{{ 7*7 }}"},
                                 {"id": "sister\n", "color": "#c62828"}])
def test_a_type_that_is_not_an_id_and_a_colour_never_reaches_folium(bad):
    with pytest.raises(ValueError, match="an id and a #rrggbb colour only"):
        kind_scripts([bad])


def test_every_asset_is_served_by_the_site():
    # The <head> of every page loads what Folium's elements ask for, from the site.
    from branca.element import CssLink, JavascriptLink

    for kind in KINDS:
        links = rendered(kind, TYPES).get_root().header._children.values()
        assert {link.url for link in links if isinstance(link, JavascriptLink)} <= set(MAP_JS)
        assert {link.url for link in links if isinstance(link, CssLink)} <= set(MAP_CSS)
    for url in MAP_CSS + MAP_JS + KIND_JS + [ADAPTER_JS]:
        assert url.startswith("assets/"), url
    assert MAP_JS[0] == "assets/vendor/leaflet/leaflet.js"
    assert not any(re.search(r"jquery|bootstrap|awesome|glyphicons", u, re.I) for u in MAP_CSS + MAP_JS)
    # Folium's class-level lists are untouched: other maps in the process keep theirs.
    import folium

    assert folium.Map.default_js[0][1].startswith("https://")


# ---------------------------------------------------------------------------
# The data


def test_arcs_take_the_short_way_round_and_are_cut_at_the_antimeridian():
    taipei_houston = arcs(np.array([[25.0531, 121.5264, 29.7633, -95.3633]]), 32)[0]
    assert taipei_houston.shape == (33, 2)
    lons = taipei_houston[:, 0]
    assert lons[0] == pytest.approx(121.53) and lons[-1] == pytest.approx(264.64)
    assert np.all(np.abs(np.diff(lons)) < 180) and taipei_houston[:, 1].max() > 45  # over the North Pacific
    geometry = mapdata.line_geometry(taipei_houston.tolist())
    assert geometry["type"] == "MultiLineString"
    (west, east) = geometry["coordinates"]
    assert west[0] == [121.53, 25.05] and west[-1][0] == 180.0
    assert east[0][0] == -180.0 and east[0][1] == west[-1][1] and east[-1] == [-95.36, 29.76]
    assert all(-180 <= x <= 180 for part in geometry["coordinates"] for x, _ in part)
    paris_berlin = mapdata.line_geometry(arcs(np.array([[48.86, 2.35, 52.52, 13.4]]), 32)[0].tolist())
    assert paris_berlin["type"] == "LineString"


@pytest.fixture(scope="module")
def atlas():
    loaded, _ = load(DATA)
    assert loaded is not None
    return loaded


def test_place_data(atlas):
    data = json.loads(MapData(atlas).place("taipei", "cities/taipei/"))
    points = [f for f in data["features"] if f["geometry"]["type"] == "Point"]
    lines = [f for f in data["features"] if f["geometry"]["type"] != "Point"]
    links = atlas.links_of("taipei")
    assert len(lines) == len(links) and len(points) == 1 + len({link.other("taipei") for link in links})
    assert points[0]["id"] == "taipei" and points[0]["properties"] == {
        "name": "Taipei", "country": "Taiwan", "also": ["台北市", "臺北市"], "url": "./", "focus": True}
    houston = next(p for p in points if p["id"] == "houston")
    assert houston["properties"]["url"] == "../houston/" and "focus" not in houston["properties"]
    first = next(f for f in lines if f["properties"]["to"] == "houston")
    assert first["properties"] == {
        "from": "taipei", "to": "houston", "type": "sister", "type_label": "Sister city",
        "label": "Taipei – Houston: Sister city (1961-06-15)", "signed": "1961-06-15", "year": 1961,
        "status": "active", "stroke": "#b0201f"}  # the vocabulary's sister colour
    assert first["geometry"]["type"] == "MultiLineString"


def test_every_type_has_a_real_colour(data):
    vocabulary = data.root / "vocabulary.yaml"
    vocabulary.write_text(re.sub(r"(id: sister\n(?:    .*\n)*?)    color: .*\n", r"\1", vocabulary.read_text(), count=1))
    data.write("cities/houston.yaml", "name: Houston\ncountry: US\ncoordinates: [29.7633, -95.3633]\n")
    loaded, _ = load(data.root)
    assert loaded.term("relationship_types", "sister").color is None
    world = MapData(loaded).world("map/")
    assert '"stroke":null' not in world and '"stroke":"#777777"' in world


def test_world_and_group_data(atlas):
    data = MapData(atlas)
    world = json.loads(data.world("map/"))
    assert sum(f["geometry"]["type"] == "Point" for f in world["features"]) == len(atlas.places)
    assert next(f for f in world["features"] if f["id"] == "houston")["properties"]["url"] == "../cities/houston/"
    assert all("focus" not in f["properties"] for f in world["features"])
    group = json.loads(data.group("networks/citynet/", ["taipei", "yokohama"], focus="taipei"))
    assert [f["properties"]["url"] for f in group["features"]] == ["../../cities/taipei/", "../../cities/yokohama/"]
    assert data.world("map/") == data.world("map/")  # the same text, feature by feature


def test_world_arcs_have_points_by_their_length(atlas):
    """The world map draws thousands of arcs: about one segment per 12 degrees, the ends exact."""
    lines = {(f["properties"]["from"], f["properties"]["to"], f["properties"]["type"]): f["geometry"]
             for f in json.loads(MapData(atlas).world("map/"))["features"] if f["geometry"]["type"] != "Point"}
    points = lambda g: sum(map(len, g["coordinates"])) if g["type"] == "MultiLineString" else len(g["coordinates"])
    assert points(lines["taipei", "shanghai", "cooperation"]) == 2  # about 6 degrees: a straight line
    assert points(lines["yokohama", "shanghai", "friendship"]) == 3  # about 16 degrees
    houston = lines["taipei", "houston", "sister"]  # about 113 degrees: every point of the coarse arc
    assert houston["type"] == "MultiLineString" and points(houston) == mapdata.COARSE + 1 + 2  # and the crossing of 180°, on both sides
    assert houston["coordinates"][0][0] == [121.53, 25.05]


# ---------------------------------------------------------------------------
# install_assets


def test_install_assets(tmp_path):
    written = install_assets(tmp_path / "assets", ROOT)
    for needed in [u.removeprefix("assets/") for u in MAP_JS + MAP_CSS if "/vendor/" in u]:
        assert needed in written
    assert "vendor/leaflet/images/layers.png" in written and "vendor/leaflet.fullscreen/icon-fullscreen.svg" in written
    assert BASEMAP.removeprefix("assets/") in written and written == sorted(written)
    before = {p: (tmp_path / "assets" / p).read_bytes() for p in written}
    assert install_assets(tmp_path / "assets", ROOT) == written
    assert {p: (tmp_path / "assets" / p).read_bytes() for p in written} == before


def test_basemap_comes_from_topojson_client(tmp_path):
    install_assets(tmp_path, ROOT)
    world = json.loads((tmp_path / BASEMAP.removeprefix("assets/")).read_text())
    names = [f["properties"]["name"] for f in world["features"]]
    assert len(names) == 177 and "Taiwan" in names and "Fiji" in names
    ring = world["features"][names.index("Taiwan")]["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] and all(round(x, 2) == x for x, _ in ring)


def test_install_assets_names_missing_npm_packages(tmp_path):
    with pytest.raises(RuntimeError, match=r"leaflet.fullscreen.*npm ci"):
        install_assets(tmp_path / "assets", tmp_path)


# ---------------------------------------------------------------------------
# In the browser


def browser_test(function):
    """A test that drives Chromium: marked `browser`, skipped only when Chromium is missing."""
    return pytest.mark.browser(needs_chromium(function))


def world_data(n_points: int = 60, n_links: int = 120) -> dict:
    import random

    rng = random.Random(7)
    points = [point(f"p{i}", f"Place {i}", round(rng.uniform(-55, 70), 3), round(rng.uniform(-180, 180), 3))
              for i in range(n_points)]
    points += [point("taipei", "Taipei", 25.05, 121.53, "Taiwan"), point("houston", "Houston", 29.76, -95.36, "United States")]
    links = [line(points[-2], points[-1], "sister", "Taipei – Houston", "1961")]
    for _ in range(n_links - 1):
        a, b = rng.sample(points, 2)
        year = rng.choice([None, rng.randint(1950, 2024)])
        links.append(line(a, b, rng.choice(["sister", "friendship"]), f"{a['id']} – {b['id']}",
                          str(year) if year else None, rng.choice(["active", "active", "ended"])))
    return {"type": "FeatureCollection", "features": points + links}


def page_html(body: str) -> str:
    head = '<link rel="stylesheet" href="assets/atlas/atlas-map.css">' + str(loader_tag("."))  # as every page of the site has them
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Atlas map test</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">{head}'
        '<style>body{margin:0;padding:16px;font-family:sans-serif}</style></head>'
        f"<body><h1>Map test</h1>{body}<p id='after'>After the map.</p></body></html>"
    )


def block(map_id: str, kind: str, data: str) -> str:
    return map_block(map_id, kind, f"Map {map_id}", data, "")


def make_site(folder: Path) -> Path:
    install_assets(folder / "assets", ROOT)
    shutil.copytree(ROOT / "overrides/assets/atlas", folder / "assets/atlas")
    for path, script in kind_scripts(TYPES).items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(script)
    files = {"place.geojson": place_data(), "undated.geojson": place_data(undated=True), "world.geojson": world_data(),
             "empty.geojson": {"type": "FeatureCollection", "features": []},
             "lone.geojson": {"type": "FeatureCollection", "features": [place_data()["features"][0]]}}
    for name, data in files.items():
        (folder / name).write_text(json.dumps(data))
    (folder / "place.html").write_text(page_html(block("place-map", "place", "place.geojson")))
    (folder / "world.html").write_text(page_html(block("world-map", "world", "world.geojson")))
    (folder / "edge.html").write_text(page_html(
        block("empty-map", "group", "empty.geojson") + block("lone-map", "place", "lone.geojson")
        + block("undated-map", "world", "undated.geojson")))
    return folder


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serve(make_site(tmp_path_factory.mktemp("site"))) as base:
        yield base


@pytest.fixture
def visit(browser, server):
    v = Visit(browser, server, viewport=(1000, 800))
    yield v
    v.close()


@browser_test
def test_place_map_draws_places_arcs_and_basemap(visit):
    visit.open("place.html", "place-map")
    page = visit.page
    assert visit.map("place-map", "[m.points.getLayers().length, m.arcs.length, m.visibleArcs()]") == [5, 4, 4]
    assert visit.map("place-map", "m.types") == ["sister", "friendship", "cooperation"]
    assert visit.map("place-map", "m.basemap") == 177
    # Taipei -> Houston crosses the Pacific: drawn on Taipei's side, continuous past 180.
    lons = visit.map("place-map", "m.arcs[0].latLngs().map(p => p.lng)")
    assert lons[0] == pytest.approx(121.53) and lons[-1] == pytest.approx(264.64)
    assert all(120 <= lon <= 265 for lon in lons) and all(abs(b - a) < 10 for a, b in zip(lons, lons[1:]))
    # Houston itself is drawn on that side too, where its arc ends.
    assert visit.map("place-map", "m.points.getLayers()[1].getLatLng().lng") == pytest.approx(264.64)
    # Legend: the types used, as text, with their counts (the unused one is left out); each status its own line.
    assert page.locator(".atlas-legend-item").all_text_contents() == [
        "Sister city (2)", "Friendship city (1)", f"{EVIL_TYPE} (1)", "Active (2)", "Ended (1)", "Suspended (1)"]
    dashes = page.locator(".atlas-legend-item line").evaluate_all("ls => ls.map(l => l.getAttribute('stroke-dasharray'))")
    assert dashes[:3] == [None] * 3 and len(set(dashes[3:])) == 3
    assert page.locator(".atlas-legend img, .atlas-legend b").count() == 0
    assert page.get_attribute("#place-map", "data-atlas-state") == "ready"
    assert len(visit.tiles) > 0  # tiles were asked for (and aborted)
    visit.check_clean()


@browser_test
def test_popup_has_link_details_and_page_link(visit):
    visit.open("place.html", "place-map")
    page = visit.page
    visit.click_place("place-map", "houston")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "Houston" in text and "United States" in text
    assert "Sister city" in text and "Signed 1961-06-15" in text and "Status: Active" in text
    assert popup.locator("a", has_text="Open page").get_attribute("href") == "houston.html"
    visit.check_clean()


@browser_test
def test_untrusted_names_stay_text(visit):
    visit.open("place.html", "place-map")
    page = visit.page
    visit.hover_place("place-map", "evil")
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for()
    assert tooltip.text_content() == EVIL
    visit.click_place("place-map", "evil")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.locator(".atlas-popup-title").text_content() == EVIL
    assert "</script><script>window.__xss=4</script>" in popup.text_content()
    # Type labels in the legend come out as text.
    names = page.locator(".atlas-legend-item").all_text_contents()
    assert names[:3] == ["Sister city (2)", "Friendship city (1)", f"{EVIL_TYPE} (1)"]
    assert page.locator(".leaflet-container img[src='x'], .leaflet-container b").count() == 0
    page.wait_for_timeout(200)
    visit.check_clean()


@browser_test
def test_legend_switches_types_and_statuses(visit):
    visit.open("place.html", "place-map")
    page = visit.page
    box = page.locator(".atlas-legend-item", has_text="Sister city").locator("input")
    box.uncheck()
    page.wait_for_function("window.atlasMaps['place-map'].visibleArcs() === 2")
    box.check()
    page.wait_for_function("window.atlasMaps['place-map'].visibleArcs() === 4")
    # Only the ended link: every other status off.
    for status in ("Active", "Suspended"):
        page.locator(".atlas-legend-item", has_text=status).locator("input").uncheck()
    page.wait_for_function("window.atlasMaps['place-map'].visibleArcs() === 1")
    assert visit.map("place-map", "m.arcs.filter(a => a.on).map(a => a.feature.properties.status)") == ["ended"]
    for status in ("Active", "Suspended"):
        page.locator(".atlas-legend-item", has_text=status).locator("input").check()
    page.wait_for_function("window.atlasMaps['place-map'].visibleArcs() === 4")
    # Places stay clickable on top of the arcs that came back.
    visit.click_place("place-map", "houston")
    page.locator(".leaflet-popup-content", has_text="Houston").wait_for()
    visit.check_clean()


@browser_test
def test_arc_tooltip_and_popup(visit):
    visit.open("place.html", "place-map")
    page = visit.page
    position = visit.arc_point("place-map", visit.map("place-map", "m.arcs.findIndex(a => a.feature.properties.to === 'houston')"), at=0.3)
    visit.hover(position)
    page.locator(".leaflet-tooltip", has_text="Taipei – Houston").wait_for()
    page.mouse.click(position["x"], position["y"])
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Taipei – Houston" in popup.inner_text() and "Sister city" in popup.inner_text()
    assert popup.locator("a").all_text_contents() == ["Open Houston"]  # the partner's page, not Taipei's own
    assert popup.locator("a").get_attribute("href") == "houston.html"
    # Links of one type and status are drawn as one line: the one under the pointer is the one named.
    seoul = visit.map("place-map", "m.arcs.findIndex(a => a.feature.properties.to === 'seoul')")
    page.locator(".leaflet-popup-close-button").click()
    visit.hover(visit.arc_point("place-map", seoul, at=0.7))
    page.locator(".leaflet-tooltip", has_text="Taipei – Seoul").wait_for()
    # The arc labelled with markup shows it as text (a fresh page: the popup may still pan).
    visit.open("place.html", "place-map")
    page.mouse.move(10, 10)
    evil = visit.map("place-map", "m.arcs.findIndex(a => a.feature.properties.label.includes('onerror'))")
    visit.hover(visit.arc_point("place-map", evil, at=0.3))
    tooltip = page.locator(".leaflet-tooltip", has_text="onerror")
    tooltip.wait_for()
    assert tooltip.text_content() == EVIL
    visit.check_clean()


@browser_test
def test_world_map_clusters_find_year_control_and_fullscreen(visit):
    visit.open("world.html", "world-map")
    page = visit.page
    data = world_data()
    assert visit.map("world-map", "[m.points.getLayers().length, m.arcs.length]") == [62, 120]
    assert page.locator(".marker-cluster").count() > 0
    # Year control: links signed up to a year; undated links start off, and are counted.
    years = [f["properties"]["year"] for f in data["features"] if f["geometry"]["type"] != "Point"]
    dated, undated = sum(1 for y in years if y), sum(1 for y in years if not y)
    assert page.locator(".atlas-years-count").text_content() == f"{dated} dated links + {undated} undated"
    page.wait_for_function(f"window.atlasMaps['world-map'].visibleArcs() === {dated}")
    slider = page.locator("#world-map-year")
    assert slider.get_attribute("max") == str(max(y for y in years if y)) == slider.input_value()
    slider.fill("1970")
    expected = sum(1 for y in years if y is not None and y <= 1970)
    page.wait_for_function(f"window.atlasMaps['world-map'].visibleArcs() === {expected}")
    assert page.locator(".atlas-years-year").text_content() == "1970"
    page.locator(".atlas-years-undated input").check()
    expected = sum(1 for y in years if y is None or y <= 1970)
    page.wait_for_function(f"window.atlasMaps['world-map'].visibleArcs() === {expected}")
    # Find a place: by the start of a name, any case; suggestions as one types; a word for a miss.
    page.fill("#world-map-search", "hous")
    assert page.locator("#world-map-places button").all_text_contents() == ["Houston (United States)"]
    page.fill("#world-map-search", "nowhere at all")
    assert page.locator("#world-map .atlas-search-status").text_content() == "No place found"
    page.fill("#world-map-search", "HOUSTON")
    page.press("#world-map-search", "Enter")
    page.locator(".leaflet-popup-content", has_text="Houston").wait_for()
    assert "Sister city 1961: Taipei" in page.locator(".leaflet-popup-content").inner_text()  # its links, with partners
    page.locator(".leaflet-control-zoom-fullscreen").click()
    page.wait_for_function("document.fullscreenElement !== null")
    page.locator(".leaflet-control-zoom-fullscreen").click()
    page.wait_for_function("document.fullscreenElement === null")
    visit.check_clean()


@browser_test
def test_skip_link_jumps_past_the_map(visit):
    visit.open("place.html", "place-map")
    page = visit.page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "atlas-map-skip"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#place-map-end"
    assert page.evaluate("document.activeElement.id") == "place-map-end"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")  # back: the map itself takes the focus (keyboard panning)
    assert page.evaluate("document.activeElement.closest('#place-map') !== null")
    visit.check_clean()


@browser_test
def test_a_page_with_several_maps_draws_each_once_and_fetches_the_outlines_once(visit):
    visit.open("edge.html", "undated-map")
    page = visit.page
    page.wait_for_function("['empty-map', 'lone-map'].every(id => window.atlasMaps[id])")
    page.wait_for_function("Promise.all(['empty-map', 'lone-map', 'undated-map'].map(id => window.atlasMaps[id].basemap)).then(() => true)")
    assert sorted(page.evaluate("Object.keys(window.atlasMaps)")) == ["empty-map", "lone-map", "undated-map"]
    assert page.locator(".atlas-map.leaflet-container").count() == 3
    assert visit.map("lone-map", "m.basemap") == 177
    assert sum(u.endswith("/countries.geojson") for u in visit.requests) == 1  # fetched once
    visit.check_clean()


@browser_test
def test_edge_cases_draw_without_errors(visit):
    visit.open("edge.html", "undated-map")
    page = visit.page
    page.wait_for_function("['empty-map', 'lone-map'].every(id => window.atlasMaps[id])")
    assert visit.map("empty-map", "[m.points.getLayers().length, m.arcs.length, m.map.getZoom()]") == [0, 0, 1]
    assert visit.map("lone-map", "[m.points.getLayers().length, m.arcs.length, m.map.getZoom()]") == [1, 0, 5]
    assert page.locator("#lone-map .atlas-legend, #lone-map .leaflet-control-layers").count() == 0
    # No dated link: no year control, every arc shown.
    assert page.locator("#undated-map .atlas-years").count() == 0
    assert visit.map("undated-map", "m.visibleArcs()") == 4
    visit.check_clean()
