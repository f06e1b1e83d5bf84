"""Tests of the map layer: macros/maps.py, and atlas-map.js in headless Chromium."""

from __future__ import annotations

import copy
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from macros.maps import (
    HEAD_CSS,
    HEAD_JS,
    basemap_geojson,
    install_assets,
    map_block,
    spec_json,
    validate_spec,
)

from .browser import Visit, chromium, needs_chromium, serve
from .conftest import ROOT

EVIL = "<img src=x onerror=window.__xss=1>"
EVIL_TYPE = "Co-op <b>bold</b> & <img src=x onerror=window.__xss=2>"


def place_spec() -> dict:
    return {
        "points": [
            {"id": "taipei", "name": "Taipei", "lat": 25.05, "lon": 121.53, "url": "taipei.html",
             "role": "focus", "country": "Taiwan"},
            {"id": "houston", "name": "Houston", "lat": 29.76, "lon": -95.36, "url": "houston.html",
             "role": "partner", "country": "United States"},
            {"id": "tokyo", "name": "Tokyo", "lat": 35.68, "lon": 139.69, "url": "tokyo.html",
             "role": "partner", "country": "Japan"},
            {"id": "evil", "name": EVIL, "lat": 48.86, "lon": 2.35, "url": "paris.html",
             "role": "partner", "country": "</script><script>window.__xss=4</script>"},
            {"id": "seoul", "name": "Seoul", "lat": 37.57, "lon": 126.98, "url": "seoul.html",
             "role": "partner", "country": "South Korea"},
        ],
        "links": [
            {"from": 0, "to": 1, "type": "sister", "label": "Taipei – Houston", "signed": "1961-06-15",
             "year": 1961, "status": "active", "url": "houston-link.html"},
            {"from": 0, "to": 2, "type": "friendship", "label": "Taipei – Tokyo", "signed": "1990",
             "year": 1990, "status": "suspended"},
            {"from": 3, "to": 0, "type": "cooperation", "label": EVIL, "signed": None, "year": None,
             "status": "ended"},
            {"from": 0, "to": 4, "type": "sister", "label": "Taipei – Seoul", "signed": "2005-03",
             "year": 2005, "status": "active"},
        ],
        "types": [
            {"id": "sister", "label": "Sister city", "color": "#c62828"},
            {"id": "friendship", "label": "Friendship city", "color": "#ef6c00"},
            {"id": "cooperation", "label": EVIL_TYPE, "color": "#1565c0"},
            {"id": "unused", "label": "Unused type", "color": "#000000"},
        ],
        "options": {"cluster": False, "search": True, "fullscreen": True, "timeline": True, "layers": True},
    }


class _Attrs(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: dict[str, dict] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.elements[attrs["id"]] = {"tag": tag, **attrs}


def parse_block(block: str) -> dict[str, dict]:
    """Each element with an id, its attributes as an HTML parser reads them."""
    parser = _Attrs()
    parser.feed(block)
    parser.close()
    return parser.elements


def inline_spec(block: str, map_id: str) -> dict:
    return json.loads(parse_block(block)[map_id]["data-spec-json"])


# ---------------------------------------------------------------------------
# map_block


def test_map_block_structure():
    block = map_block("place-map", place_spec(), "Links of Taipei")
    assert block.startswith('<figure class="atlas-map-figure" id="place-map-figure" data-search-exclude>')
    assert block.endswith("</figure>")
    assert "\n\n" not in block  # one Markdown HTML block
    assert '<a class="atlas-map-skip" href="#place-map-end">Skip map</a>' in block
    assert (
        '<div class="atlas-map" id="place-map" role="region" aria-label="Links of Taipei" tabindex="0" '
        "data-spec-json='{"
    ) in block
    assert block.index('id="place-map-end"') > block.index('id="place-map"')
    elements = parse_block(block)
    assert elements["place-map"]["tag"] == "div" and elements["place-map-end"]["tag"] == "span"
    assert inline_spec(block, "place-map") == place_spec()
    # No <script>: Material's instant navigation would strip its type and run the JSON.
    assert "<script" not in block


def test_map_block_escapes_names_and_script_end():
    spec = place_spec()
    spec["points"][2]["name"] = "O'Tokyo' </script><script>window.__xss=5</script> {{ x }} {% y %} {# z #}"
    block = map_block("m1", spec, 'Label "quoted" <b>&')
    # Only our own tags: no <img, no <script, no quote ending the attribute early.
    assert "<img" not in block and "<script" not in block and "</script" not in block
    assert "\\u003cimg src=x onerror=window.__xss=1\\u003e" in block
    assert "O\\u0027Tokyo\\u0027" in block
    assert 'aria-label="Label &quot;quoted&quot; &lt;b&gt;&amp;"' in block
    elements = parse_block(block)
    assert elements["m1"]["aria-label"] == 'Label "quoted" <b>&'
    assert set(elements) == {"m1-figure", "m1", "m1-end"}
    # Nothing for Jinja (mkdocs-macros) to read as a tag.
    assert "{{" not in block and "{%" not in block and "{#" not in block
    # ... and the JSON reads back as the same data.
    assert inline_spec(block, "m1") == spec
    # spec_json is safe inside a <script> too.
    text = spec_json(spec)
    assert "</" not in text and "<" not in text and "'" not in text and "&" not in text
    assert json.loads(text) == spec


def test_map_block_goes_into_autoescaped_templates_as_html():
    from jinja2 import Environment

    block = map_block("m", place_spec(), "x")
    assert isinstance(block, str)
    rendered = Environment(autoescape=True).from_string("<main>{{ block }}</main>").render(block=block)
    assert rendered == f"<main>{block}</main>"


def test_map_block_is_deterministic():
    spec = place_spec()
    shuffled = copy.deepcopy(spec)
    shuffled["points"] = [dict(reversed(list(p.items()))) for p in shuffled["points"]]
    shuffled = dict(reversed(list(shuffled.items())))
    first = map_block("m", spec, "x")
    assert first == map_block("m", copy.deepcopy(spec), "x")
    assert first == map_block("m", shuffled, "x")
    assert spec_json(spec) == spec_json(shuffled)
    # compact separators
    assert ", " not in spec_json({"a": [1, 2], "b": {"c": 1}}) and ": " not in spec_json({"a": 1})
    assert spec_json({"b": 1, "a": 2}) == '{"a":2,"b":1}'


def test_map_block_with_data_url():
    block = map_block("world-map", place_spec(), "All links", data_url='data/world.json?a=1&b="2"')
    assert "<script" not in block
    assert 'data-src="data/world.json?a=1&amp;b=&quot;2&quot;"' in block
    assert "data-spec" not in block
    assert parse_block(block)["world-map"]["data-src"] == 'data/world.json?a=1&b="2"'
    # The spec may be left out when it lives in the file.
    assert 'data-src="w.json"' in map_block("w", {}, "All links", data_url="w.json")


def test_map_block_basemap_url():
    block = map_block("m", place_spec(), "x", basemap_url="../assets/b.geojson")
    assert 'data-basemap="../assets/b.geojson"' in block


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda s: s["links"][0].update({"to": 9}), "links[0].to"),
        (lambda s: s["links"][0].update({"type": "nope"}), "links[0].type"),
        (lambda s: s["links"][0].update({"status": "gone"}), "links[0].status"),
        (lambda s: s["links"][0].update({"signed": "15/06/1961"}), "links[0].signed"),
        (lambda s: s["links"][0].update({"url": "javascript:alert(1)"}), "links[0].url"),
        (lambda s: s["points"][1].update({"role": "friend"}), "points[1].role"),
        (lambda s: s["points"][1].update({"lat": 91}), "points[1].lat"),
        (lambda s: s["points"][1].update({"id": "taipei"}), "duplicate point id"),
        (lambda s: s["options"].update({"zoom": True}), "unknown option"),
    ],
)
def test_validate_spec_rejects(change, message):
    spec = place_spec()
    validate_spec(spec)
    change(spec)
    with pytest.raises(ValueError, match=re.escape(message)):
        map_block("m", spec, "x")


def test_map_id_must_be_simple():
    for bad in ("", "1map", 'm" onload="x', "m map"):
        with pytest.raises(ValueError):
            map_block(bad, {}, "x")


# ---------------------------------------------------------------------------
# basemap_geojson


def tiny_topology() -> dict:
    # scale (0.5, 0.25), translate (-10, 40): quantized (x, y) -> (x/2 - 10, y/4 + 40)
    return {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.25], "translate": [-10, 40]},
        "arcs": [
            [[0, 0], [4, 0], [0, 4]],  # (0,0) (4,0) (4,4)
            [[4, 4], [-4, 0], [0, -4]],  # (4,4) (0,4) (0,0)
            [[4, 4], [-2, 4], [-2, -8]],  # (4,4) (2,8) (0,0)
            [[1, 1], [1, 0], [0, 1], [-1, -1]],  # (1,1) (2,1) (2,2) (1,1)
        ],
        "objects": {
            "land": {"type": "GeometryCollection", "geometries": []},
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1], [3]], "id": "001",
                     "properties": {"name": "Square", "iso": "SQ"}},
                    {"type": "Polygon", "arcs": [[-2, 2]], "properties": {"name": "Reversed"}},
                    {"type": "MultiPolygon", "arcs": [[[0, 1]], [[~3]]], "properties": {"name": "Multi"}},
                    {"type": "Point", "coordinates": [1, 1], "properties": {"name": "Skipped"}},
                    {"type": None},
                ],
            },
        },
    }


def test_basemap_geojson_decodes_delta_arcs_exactly():
    square = [[-10.0, 40.0], [-8.0, 40.0], [-8.0, 41.0], [-10.0, 41.0], [-10.0, 40.0]]
    small = [[-9.5, 40.25], [-9.0, 40.25], [-9.0, 40.5], [-9.5, 40.25]]
    assert basemap_geojson(tiny_topology()) == {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": "Square"},
             "geometry": {"type": "Polygon", "coordinates": [square, small]}},
            {"type": "Feature", "properties": {"name": "Reversed"},
             "geometry": {"type": "Polygon", "coordinates": [
                 [[-10.0, 40.0], [-10.0, 41.0], [-8.0, 41.0], [-9.0, 42.0], [-10.0, 40.0]]]}},
            {"type": "Feature", "properties": {"name": "Multi"},
             "geometry": {"type": "MultiPolygon", "coordinates": [
                 [square], [[[-9.5, 40.25], [-9.0, 40.5], [-9.0, 40.25], [-9.5, 40.25]]]]}},
        ],
    }


def test_basemap_geojson_rounds_and_keeps_rings_continuous():
    topology = {
        "type": "Topology",  # no transform: absolute coordinates
        "arcs": [
            [[178.123, -16.004], [-179.554, -16.5], [-179.001, -17.2]],
            [[-179.001, -17.2], [179.4449, -17.0051], [178.123, -16.004]],
            [[5.001, 5.002], [5.003, 5.004], [5.002, 5.001], [5.001, 5.002]],  # collapses at 0.01
        ],
        "objects": {"islands": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1]], "properties": {"name": "Across 180"}},
            {"type": "Polygon", "arcs": [[2]], "properties": {"name": "Tiny"}},
        ]}},
    }
    assert basemap_geojson(topology) == {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": "Across 180"}, "geometry": {"type": "Polygon", "coordinates": [
                [[178.12, -16.0], [180.45, -16.5], [181.0, -17.2], [179.44, -17.01], [178.12, -16.0]]]}},
        ],
    }


def test_basemap_geojson_world_atlas():
    path = ROOT / "node_modules/world-atlas/countries-110m.json"
    if not path.is_file():
        pytest.fail("node_modules/world-atlas is missing: run `npm ci`")
    world = basemap_geojson(json.loads(path.read_text()))
    names = [f["properties"]["name"] for f in world["features"]]
    assert len(names) == 177 and "Taiwan" in names and "Fiji" in names
    for feature in world["features"]:
        assert set(feature["properties"]) == {"name"}
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        for polygon in polygons:
            for ring in polygon:
                assert ring[0] == ring[-1] and len(ring) >= 4
                steps = [abs(b[0] - a[0]) for a, b in zip(ring, ring[1:])]
                # only Antarctica's ring closes along the map's edge
                assert max(steps) <= 180 or feature["properties"]["name"] == "Antarctica"


# ---------------------------------------------------------------------------
# install_assets


def test_install_assets(tmp_path):
    written = install_assets(tmp_path / "assets", ROOT)
    for needed in [p.removeprefix("assets/") for p in HEAD_CSS + HEAD_JS if "/vendor/" in p]:
        assert needed in written
    assert "vendor/leaflet/images/layers.png" in written
    assert "vendor/basemap/countries.geojson" in written
    assert written == sorted(written)
    before = {p: (tmp_path / "assets" / p).read_bytes() for p in written}
    assert install_assets(tmp_path / "assets", ROOT) == written
    assert {p: (tmp_path / "assets" / p).read_bytes() for p in written} == before


def test_install_assets_names_missing_world_atlas(tmp_path):
    with pytest.raises(RuntimeError, match=r"world-atlas.*npm ci"):
        install_assets(tmp_path / "assets", tmp_path)


# ---------------------------------------------------------------------------
# In the browser

def browser_test(function):
    """A test that drives Chromium: marked `browser`, skipped only when Chromium is missing."""
    return pytest.mark.browser(needs_chromium(function))


def world_spec(n_points: int = 60, n_links: int = 120) -> dict:
    import random

    rng = random.Random(7)
    points = [
        {"id": f"p{i}", "name": f"Place {i}", "lat": round(rng.uniform(-55, 70), 3),
         "lon": round(rng.uniform(-180, 180), 3), "url": f"p{i}.html", "role": "member", "country": "X"}
        for i in range(n_points)
    ]
    points.append({"id": "taipei", "name": "Taipei", "lat": 25.05, "lon": 121.53, "url": "taipei.html",
                   "role": "member", "country": "Taiwan"})
    points.append({"id": "houston", "name": "Houston", "lat": 29.76, "lon": -95.36, "url": "houston.html",
                   "role": "member", "country": "United States"})
    links = [{"from": len(points) - 2, "to": len(points) - 1, "type": "sister", "label": "Taipei – Houston",
              "signed": "1961", "year": 1961, "status": "active"}]
    for _ in range(n_links - 1):
        a, b = rng.sample(range(len(points)), 2)
        year = rng.choice([None, rng.randint(1950, 2024)])
        links.append({"from": a, "to": b, "type": rng.choice(["sister", "friendship"]), "label": f"{a} – {b}",
                      "signed": str(year) if year else None, "year": year,
                      "status": rng.choice(["active", "active", "ended"])})
    return {
        "points": points,
        "links": links,
        "types": [{"id": "sister", "label": "Sister city", "color": "#c62828"},
                  {"id": "friendship", "label": "Friendship city", "color": "#ef6c00"}],
        "options": {"cluster": True, "search": True, "fullscreen": True, "timeline": True, "layers": True},
    }


def page_html(body: str) -> str:
    head = "".join(f'<link rel="stylesheet" href="{p}">' for p in HEAD_CSS)
    head += "".join(f'<script src="{p}"></script>' for p in HEAD_JS)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Atlas map test</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">{head}'
        '<style>body{margin:0;padding:16px;font-family:sans-serif}</style></head>'
        f"<body><h1>Map test</h1>{body}<p id='after'>After the map.</p></body></html>"
    )


def make_site(folder: Path) -> Path:
    install_assets(folder / "assets", ROOT)
    shutil.copytree(ROOT / "overrides/assets/atlas", folder / "assets/atlas")
    # A page link the script must refuse: map_block would reject it, so swap it in after.
    evil = place_spec()
    evil["points"][3]["url"] = "javascript:window.__xss=3"
    block = str(map_block("place-map", place_spec(), "Links of Taipei")).replace(
        spec_json(place_spec()), spec_json(evil)
    )
    assert "javascript:" in block
    (folder / "place.html").write_text(page_html(block), encoding="utf-8")
    # A page that swaps its content the way Material's instant navigation does.
    stub = (
        "<script>window.__emits = [];"
        "window.document$ = {subscribe: function (f) { window.__emits.push(f); f(); }};</script>"
    )
    swap = map_block("next-map", place_spec(), "Next page map")
    (folder / "nav.html").write_text(
        page_html(f'<div id="content">{map_block("first-map", place_spec(), "First")}</div>'
                  f"<template id='next'>{swap}</template>").replace("<head>", "<head>" + stub, 1),
        encoding="utf-8",
    )
    lone = {"points": [place_spec()["points"][0]], "options": {"timeline": True, "layers": True}}
    undated = place_spec()
    for link in undated["links"]:
        link.update(signed=None, year=None)
    (folder / "edge.html").write_text(
        page_html(map_block("empty-map", {}, "Empty") + map_block("lone-map", lone, "One place")
                  + map_block("undated-map", undated, "Undated links")),
        encoding="utf-8",
    )
    world = world_spec()
    (folder / "world.json").write_text(spec_json(world), encoding="utf-8")
    (folder / "world.html").write_text(
        page_html(map_block("world-map", {}, "All links", data_url="world.json")), encoding="utf-8"
    )
    return folder


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serve(make_site(tmp_path_factory.mktemp("site"))) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def visit(browser, server):
    v = Visit(browser, server, viewport=(1000, 800))
    yield v
    v.close()


def js(page, expression: str, map_id: str = "place-map"):
    return page.evaluate(f"(() => {{ const m = window.atlasMaps[{json.dumps(map_id)}]; return {expression}; }})()")


@browser_test
def test_place_map_draws_points_arcs_and_basemap(visit):
    visit.open("place.html", "place-map")
    page = visit.page
    assert js(page, "m.markers") == 5
    assert js(page, "m.arcs") == 4
    assert js(page, "m.visibleArcs()") == 4
    assert js(page, "m.types") == ["sister", "friendship", "cooperation"]
    assert page.evaluate("window.atlasMaps['place-map'].basemap") == 177
    # Taipei -> Houston crosses the Pacific: longitudes run on past 180.
    arc = js(page, "m.arcLatLngs(0)")
    lons = [lon for _, lon in arc]
    assert 32 <= len(arc) <= 65
    assert all(120 <= lon <= 265 for lon in lons), lons
    assert lons[0] == pytest.approx(121.53) and lons[-1] == pytest.approx(264.64)
    assert all(abs(b - a) < 180 for a, b in zip(lons, lons[1:]))
    assert max(lat for lat, _ in arc) > 45  # a great circle bends north
    # Legend: the types used, as text; the unused one is left out.
    legend = page.locator(".atlas-legend li")
    assert legend.all_text_contents() == [
        "Sister city", "Friendship city", EVIL_TYPE, "Dashed: ended, suspended or disputed"
    ]
    assert page.locator(".atlas-legend img, .atlas-legend b").count() == 0
    assert page.get_attribute("#place-map", "data-atlas-state") == "ready"
    assert len(visit.tiles) > 0  # tiles were asked for (and aborted)
    visit.check_clean()


@browser_test
def test_popup_has_link_details_and_page_link(visit):
    visit.open("place.html", "place-map")
    page = visit.page
    position = js(page, "m.pointPosition(1)")
    page.mouse.click(position["x"], position["y"])
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "Houston" in text and "United States" in text
    assert "Sister city" in text and "Signed 1961-06-15" in text and "Status: Active" in text
    assert popup.locator("a", has_text="About this link").get_attribute("href") == "houston-link.html"
    assert popup.locator("a", has_text="Open page").get_attribute("href") == "houston.html"
    visit.check_clean()


@browser_test
def test_untrusted_names_stay_text(visit):
    visit.open("place.html", "place-map")
    page = visit.page
    position = js(page, "m.pointPosition(3)")
    page.mouse.move(position["x"], position["y"])
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for()
    assert tooltip.text_content() == EVIL
    page.mouse.click(position["x"], position["y"])
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.locator(".atlas-popup-title").text_content() == EVIL
    assert "</script><script>window.__xss=4</script>" in popup.text_content()
    assert popup.locator("a", has_text="Open page").count() == 0  # javascript: URL dropped
    # Layer control names are HTML to Leaflet: they must come out as text.
    names = page.locator(".leaflet-control-layers-overlays label").all_text_contents()
    assert [n.strip() for n in names] == ["Sister city", "Friendship city", EVIL_TYPE]
    assert page.locator(".leaflet-container img[src='x'], .leaflet-container b").count() == 0
    page.wait_for_timeout(200)
    assert page.evaluate("window.__xss") is None
    visit.check_clean()


@browser_test
def test_layer_control_hides_a_type(visit):
    visit.open("place.html", "place-map")
    page = visit.page
    page.hover(".leaflet-control-layers")
    box = page.locator(".leaflet-control-layers-overlays label", has_text="Sister city").locator("input")
    box.uncheck()
    assert js(page, "m.visibleArcs()") == 2
    box.check()
    assert js(page, "m.visibleArcs()") == 4
    # Points stay clickable on top of the arcs that came back.
    position = js(page, "m.pointPosition(1)")
    page.mouse.click(position["x"], position["y"])
    page.locator(".leaflet-popup-content", has_text="Houston").wait_for()
    visit.check_clean()


@browser_test
def test_timeline_filters_arcs(visit):
    visit.open("place.html", "place-map")
    page = visit.page
    slider = page.locator("#place-map-year")
    assert slider.get_attribute("min") == "1961" and slider.get_attribute("max") == "2005"
    assert page.locator(".atlas-timeline-label").text_content() == "Links signed up to: 2005"
    slider.fill("1970")
    page.wait_for_function("window.atlasMaps['place-map'].visibleArcs() === 2")  # 1961 + undated
    assert page.locator(".atlas-timeline-year").text_content() == "1970"
    page.locator(".atlas-timeline-undated input").uncheck()
    page.wait_for_function("window.atlasMaps['place-map'].visibleArcs() === 1")
    slider.fill("1990")
    page.wait_for_function("window.atlasMaps['place-map'].visibleArcs() === 2")
    page.locator(".atlas-timeline-undated input").check()
    slider.fill("2005")
    page.wait_for_function("window.atlasMaps['place-map'].visibleArcs() === 4")
    visit.check_clean()


@browser_test
def test_search_and_fullscreen_and_skip_link(visit):
    visit.open("place.html", "place-map")
    page = visit.page
    # The first Tab reaches the skip link; following it jumps past the map.
    assert page.get_attribute(".atlas-map-skip", "href") == "#place-map-end"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "atlas-map-skip"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#place-map-end"
    assert page.evaluate("document.activeElement.id") == "place-map-end"
    assert page.locator("#place-map-places option").count() == 5
    page.fill("#place-map-search", "Tokyo")
    page.press("#place-map-search", "Enter")
    page.locator(".leaflet-popup-content", has_text="Tokyo").wait_for()
    button = page.locator(".atlas-fullscreen-button")
    button.click()
    page.wait_for_function("document.querySelector('.atlas-fullscreen-button').getAttribute('aria-pressed') === 'true'")
    button.click()
    page.wait_for_function("document.querySelector('.atlas-fullscreen-button').getAttribute('aria-pressed') === 'false'")
    visit.check_clean()


@browser_test
def test_world_map_from_data_src_with_clusters(visit):
    handle = visit.open("world.html", "world-map")
    page = visit.page
    spec = world_spec()
    assert js(page, "m.markers", "world-map") == len(spec["points"])
    assert js(page, "m.arcs", "world-map") == len(spec["links"])
    assert js(page, "m.clustered", "world-map") is True
    assert page.locator(".marker-cluster").count() > 0
    lons = [lon for _, lon in js(page, "m.arcLatLngs(0)", "world-map")]
    assert all(120 <= lon <= 265 for lon in lons)
    page.fill("#world-map-search", "Houston")
    page.press("#world-map-search", "Enter")
    page.locator(".leaflet-popup-content", has_text="Houston").wait_for()
    handle.dispose()
    visit.check_clean()


def arc_point(page, j: int, map_id: str = "place-map", at: float = 0.5) -> dict:
    return page.evaluate(
        """([id, j, at]) => {
            const m = window.atlasMaps[id];
            const arc = m.arcLatLngs(j);
            const [lat, lon] = arc[Math.floor((arc.length - 1) * at)];
            const p = m.map.latLngToContainerPoint([lat, lon]);
            const box = m.element.getBoundingClientRect();
            return {x: box.left + p.x, y: box.top + p.y};
        }""",
        [map_id, j, at],
    )


@browser_test
def test_arc_tooltip_and_popup(visit):
    visit.open("place.html", "place-map")
    page = visit.page
    position = arc_point(page, 0)
    page.mouse.move(position["x"], position["y"])
    page.locator(".leaflet-tooltip", has_text="Taipei – Houston").wait_for()
    page.mouse.click(position["x"], position["y"])
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Taipei – Houston" in popup.inner_text() and "Sister city" in popup.inner_text()
    assert popup.locator("a", has_text="Open page").get_attribute("href") == "houston-link.html"
    # The arc labelled with markup shows it as text. A fresh page: the popup above may
    # still be panning the map, which would move the arc under the pointer.
    visit.open("place.html", "place-map")
    page.mouse.move(10, 10)
    position = arc_point(page, 2, at=0.3)
    page.mouse.move(position["x"], position["y"])
    tooltip = page.locator(".leaflet-tooltip", has_text="onerror")
    tooltip.wait_for()
    assert tooltip.text_content() == EVIL
    assert page.evaluate("window.__xss") is None
    visit.check_clean()


@browser_test
def test_instant_navigation_draws_new_maps_once(visit):
    visit.open("nav.html", "first-map")
    page = visit.page
    page.evaluate("window.atlasMaps['first-map'].basemap")
    page.evaluate(
        """() => {
            const content = document.getElementById('content');
            content.innerHTML = document.getElementById('next').innerHTML;
            // As Material does: re-create each script of the new content from its text.
            for (const old of content.querySelectorAll('script')) {
                const fresh = document.createElement('script');
                fresh.textContent = old.textContent;
                old.replaceWith(fresh);
            }
            window.__emits.forEach(f => f());  // a page swap ...
            window.__emits.forEach(f => f());  // ... and a second emission: no double drawing
        }"""
    )
    page.wait_for_function("window.atlasMaps['next-map'] !== undefined")
    assert page.evaluate("Object.keys(window.atlasMaps)") == ["next-map"]
    assert page.get_attribute("#next-map", "data-atlas-state") == "ready"
    assert page.locator("#next-map.leaflet-container").count() == 1
    assert page.evaluate("window.atlasMaps['next-map'].basemap") == 177
    assert sum(u.endswith("/countries.geojson") for u in visit.requests) == 1  # fetched once
    assert page.evaluate("window.__emits.length") == 1
    visit.check_clean()


@browser_test
def test_edge_cases_draw_without_errors(visit):
    visit.open("edge.html", "undated-map")
    page = visit.page
    page.wait_for_function("['empty-map', 'lone-map'].every(id => window.atlasMaps[id])")
    assert js(page, "[m.markers, m.arcs, m.map.getZoom()]", "empty-map") == [0, 0, 1]
    assert js(page, "[m.markers, m.arcs, m.map.getZoom()]", "lone-map") == [1, 0, 5]
    assert page.locator("#lone-map .atlas-legend, #lone-map .leaflet-control-layers").count() == 0
    # No dated link: no timeline, every arc shown.
    assert page.locator("#undated-map .atlas-timeline").count() == 0
    assert js(page, "m.visibleArcs()", "undated-map") == 4
    visit.check_clean()
