"""The built site in a real browser: search, following links, the maps, no outside requests.

The site is built with site_url set to the local server, as it is served.
"""

from __future__ import annotations

import re
from typing import Iterator

import pytest


from .browser import Visit, free_port, needs_chromium, serve
from .build import mkdocs_build

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture
def visit(browser: object, base: str) -> Iterator[Visit]:
    v = Visit(browser, base)
    yield v
    v.check_clean()
    v.close()


@pytest.mark.parametrize("query, expected", [("横浜", "Yokohama"), ("高雄", "Kaohsiung"), ("臺北", "Taipei"), ("Houston", "Houston")])
def test_search_finds_places_by_english_or_native_name(visit: Visit, query: str, expected: str) -> None:
    visit.page.goto(visit.base)
    visit.page.keyboard.press("s")  # Material's shortcut to the search box
    visit.page.keyboard.type(query, delay=50)
    visit.page.keyboard.press("End")  # typed CJK text sends no key events; the search runs on keyup
    result = visit.page.locator(".md-search-result__item").first
    result.wait_for(timeout=10000)
    assert expected in result.inner_text()


def test_taipei_map_after_following_links_and_back(visit: Visit, atlas) -> None:
    page = visit.page
    page.goto(visit.base)
    page.locator(".md-tabs a", has_text="Places").first.click()
    page.wait_for_url(re.compile(r".*/cities/(#.*)?$"))
    page.locator("#places-table").get_by_role("link", name="Taipei", exact=True).click()
    page.wait_for_url(re.compile(r".*/cities/taipei/(#.*)?$"))
    visit.wait_map("map-taipei")
    links = atlas.links_of("taipei")
    partners = {link.other("taipei") for link in links}
    assert visit.map("map-taipei", "m.points.getLayers().length") == 1 + len(partners)
    assert visit.map("map-taipei", "m.arcs.length") == len(links)
    # Taipei - Houston crosses the Pacific, on Taipei's side of the antimeridian.
    houston = visit.map("map-taipei", "m.arcs.find(a => a.feature.properties.to === 'houston').latLngs().map(p => p.lng)")
    assert houston[0] == pytest.approx(121.53) and houston[-1] == pytest.approx(264.64)
    assert all(abs(b - a) < 10 for a, b in zip(houston, houston[1:]))
    page.go_back()
    page.wait_for_url(re.compile(r".*/cities/(#.*)?$"))
    page.go_forward()
    page.wait_for_url(re.compile(r".*/cities/taipei/(#.*)?$"))
    visit.wait_map("map-taipei")
    assert page.evaluate("document.querySelector('#map-taipei .leaflet-pane') !== null")


def test_pages_do_not_download_the_sitemap(visit: Visit) -> None:
    """sitemap.xml is for search engines: a reader's browser does not fetch and parse it (its
    size grows with every page in every language)."""
    for path in ("", "cities/taipei/", "map/"):
        visit.page.goto(visit.base + path)
        visit.page.wait_for_load_state("load")
    visit.page.locator(".md-tabs a", has_text="Places").first.click()
    visit.page.wait_for_url(re.compile(r".*/cities/(#.*)?$"))
    visit.page.wait_for_load_state("load")
    assert [u for u in visit.requests if u.endswith("sitemap.xml")] == []


def test_popup_link_leads_to_the_partner_page(visit: Visit) -> None:
    page = visit.page
    page.goto(visit.base + "cities/taipei/")
    visit.wait_map("map-taipei")
    page.locator("#map-taipei").scroll_into_view_if_needed()
    # Houston sits close to other US partners at the fitted zoom: zoom in on it, then click it.
    visit.map("map-taipei", """(() => {
        const houston = m.points.getLayers().find(l => l.feature.id === 'houston');
        m.map.setView(houston.getLatLng(), 8, {animate: false});
        return true; })()""")
    visit.click_place("map-taipei", "houston")
    link = page.locator("#map-taipei .leaflet-popup-content a").first
    link.wait_for()
    assert "Houston" in page.locator("#map-taipei .leaflet-popup-content").inner_text()
    link.click()
    page.wait_for_url(re.compile(r".*/cities/houston/(#.*)?$"))
    visit.wait_map("map-houston")


def test_global_map_layers_and_time_control(visit: Visit, atlas) -> None:
    page = visit.page
    page.goto(visit.base + "map/")
    visit.wait_map("map-global")
    assert visit.map("map-global", "m.points.getLayers().length") == len(atlas.places)
    total = len(atlas.links)
    # The whole width of the page, not the text column.
    width = visit.map("map-global", "m.element.getBoundingClientRect().width")
    assert width > 0.9 * page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    undated = sum(1 for l in atlas.links if not l.signed)
    page.wait_for_function(f"window.atlasMaps['map-global'].visibleArcs() === {total - undated}")  # undated start off
    page.locator("#map-global-year").fill("1990")
    before_1990 = sum(1 for l in atlas.links if l.signed and l.signed.year <= 1990)
    page.wait_for_function(f"window.atlasMaps['map-global'].visibleArcs() === {before_1990}")
    assert page.locator("#map-global .atlas-years-label").inner_text() == "Links signed up to: 1990"
    page.locator("#map-global .atlas-years-undated input").check()
    page.locator("#map-global-year").fill(page.locator("#map-global-year").get_attribute("max"))
    page.wait_for_function(f"window.atlasMaps['map-global'].visibleArcs() === {total}")
    sister = sum(1 for l in atlas.links if l.rel.type == "sister")
    legend = page.locator("#map-global .atlas-legend")
    if legend.locator(".atlas-legend-title").get_attribute("aria-expanded") == "false":
        legend.locator(".atlas-legend-title").click()
    legend.locator(".atlas-legend-item", has_text="Sister city").locator("input").uncheck()
    page.wait_for_function(f"window.atlasMaps['map-global'].visibleArcs() === {total - sister}")
    # The status filter leaves exactly the ended links.
    legend.locator(".atlas-legend-item", has_text="Sister city").locator("input").check()
    for item in legend.locator(".atlas-legend-set").nth(1).locator(".atlas-legend-item").all():
        if not item.inner_text().startswith("Ended"):
            item.locator("input").uncheck()
    ended = sum(1 for l in atlas.links if l.status == "ended")
    page.wait_for_function(f"window.atlasMaps['map-global'].visibleArcs() === {ended}")
    # The data is a file of its own (cached, and a download).
    assert any(u.endswith("/map/map.geojson") for u in visit.requests)


@pytest.mark.parametrize("path, map_id, pid, name", [
    ("map/", "map-global", "gdynia", "Gdynia"), ("map/", "map-global", "honolulu", "Honolulu"),
    ("networks/citynet/", "map-citynet", "yokohama", "Yokohama"), ("countries/us/", "map-us", "tacoma", "Tacoma"),
    ("types/sister/", "map-sister", "gdynia", "Gdynia")])
def test_every_marker_on_clustered_maps_answers(visit: Visit, path: str, map_id: str, pid: str, name: str) -> None:
    page = visit.page
    page.goto(visit.base + path)
    visit.wait_map(map_id)
    page.locator(f"#{map_id}").scroll_into_view_if_needed()
    # Close enough that the place is out of its cluster, as a reader zooming in would be.
    visit.map(map_id, f"""(() => {{
        const place = m.points.getLayers().find(l => l.feature.id === {pid!r});
        m.map.setView(place.getLatLng(), 9, {{animate: false}});
        return true; }})()""")
    visit.hover_place(map_id, pid)
    page.locator(f"#{map_id} .leaflet-tooltip", has_text=name).wait_for()
    visit.click_place(map_id, pid)
    popup = page.locator(f"#{map_id} .leaflet-popup-content")
    popup.wait_for()
    assert popup.locator(".atlas-popup-title").inner_text() == name


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path, map_id", [("map/", "map-global"), ("types/sister/", "map-sister"), ("countries/us/", "map-us")])
def test_links_across_the_pacific_are_whole_and_in_view(browser: object, base: str, path: str, map_id: str, width: int) -> None:
    visit = Visit(browser, base, viewport=(width, 844))
    visit.open(path, map_id)
    found = visit.map(map_id, """(() => {
        const arc = m.arcs.find(a => a.feature.properties.from === 'taipei' && a.feature.properties.to === 'houston');
        const points = arc.latLngs(), view = m.map.getBounds();
        const steps = points.slice(1).map((p, i) => Math.abs(p.lng - points[i].lng));
        return {flat: points.every(p => p instanceof L.LatLng), step: Math.max(...steps),
                ends: [view.contains(points[0]), view.contains(points[points.length - 1])],
                houston: view.contains(m.points.getLayers().find(l => l.feature.id === 'houston').getLatLng()),
                readable: m.map.getZoom() >= 0.75}; })()""")
    # One line, no jump of half the world between two of its points, both ends and Houston in the first view.
    # On a phone too the world is not shrunk below zoom 0.75 (a world 430 px wide) to fit in.
    assert found == {"flat": True, "step": found["step"], "ends": [True, True], "houston": True, "readable": True} and found["step"] < 90  # the world map's arcs are coarse: ~12 degrees a step
    visit.check_clean()
    visit.close()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path, map_id", [("map/", "map-global"), ("cities/taipei/", "map-taipei"), ("networks/citynet/", "map-citynet")])
def test_a_map_asks_only_for_the_tiles_of_the_view_it_shows(browser: object, base: str, path: str, map_id: str, width: int) -> None:
    visit = Visit(browser, base, viewport=(width, 844))
    visit.open(path, map_id)
    zoom = visit.map(map_id, "Math.round(m.map.getZoom())")
    # No first set of tiles for a view the map then leaves: a phone would fetch them before those it shows.
    assert visit.tiles and {int(u.split("/")[-3]) for u in visit.tiles} == {zoom}, visit.tiles
    visit.check_clean()
    visit.close()


def test_the_home_page_loads_no_map_code(visit: Visit) -> None:
    visit.page.goto(visit.base)
    visit.page.wait_for_load_state("load")
    scripts = [u for u in visit.requests if u.endswith(".js")]
    assert any(u.endswith("/assets/atlas/atlas-maps.js") for u in scripts)
    assert not [u for u in scripts if "/vendor/" in u or "/maps/" in u], scripts


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("query, first", [("横浜", "Yokohama (Japan)"), ("tokyo", "Tokyo Metropolis (Japan)"),
                                          ("kaoh", "Kaohsiung (Taiwan)"), ("asuncion", "Asunción (Paraguay)")])
def test_find_a_place_by_any_name_or_the_start_of_one(browser: object, base: str, width: int, query: str, first: str) -> None:
    visit = Visit(browser, base, viewport=(width, 844), touch=width < 600)
    page = visit.page
    page.goto(base + "map/")
    visit.wait_map("map-global")
    page.fill("#map-global-search", query)
    assert page.locator("#map-global-places button").first.text_content() == first
    page.locator("#map-global-places button").first.click()
    page.locator("#map-global .leaflet-popup-content", has_text=first.split(" (")[0]).wait_for()
    page.fill("#map-global-search", "zzyzx")
    assert page.locator("#map-global-places button").count() == 0
    assert page.locator("#map-global .atlas-search-status").text_content() == "No place found"
    visit.check_clean()
    visit.close()


def test_on_a_phone_the_legend_opens_by_a_tap_and_covers_at_most_a_third(browser: object, base: str) -> None:
    visit = Visit(browser, base, viewport=(390, 844), touch=True)
    page = visit.page
    page.goto(base + "cities/kaohsiung/")
    visit.wait_map("map-kaohsiung")
    toggle = page.locator("#map-kaohsiung .atlas-legend-title")
    toggle.scroll_into_view_if_needed()
    assert toggle.get_attribute("aria-expanded") == "false"
    box = toggle.bounding_box()
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.evaluate("([x, y]) => document.elementFromPoint(x, y).className", list(centre)) == "atlas-legend-title"
    page.touchscreen.tap(*centre)
    assert toggle.get_attribute("aria-expanded") == "true"
    legend = page.locator("#map-kaohsiung .atlas-legend").bounding_box()
    map_box = page.locator("#map-kaohsiung").bounding_box()
    assert legend["height"] * legend["width"] <= map_box["height"] * map_box["width"] / 3
    # One finger scrolls the page: the map drags only once it has been tapped.
    assert visit.map("map-kaohsiung", "[m.map.dragging.enabled(), m.map.touchZoom.enabled()]") == [False, True]
    visit.check_clean()
    visit.close()


def test_the_wheel_scrolls_the_page_until_the_map_has_the_focus(visit: Visit) -> None:
    page = visit.page
    page.goto(visit.base + "cities/taipei/")
    visit.wait_map("map-taipei")
    page.locator("#map-taipei").scroll_into_view_if_needed()
    zoom, scrolled = visit.map("map-taipei", "m.map.getZoom()"), page.evaluate("window.scrollY")
    box = page.locator("#map-taipei").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, 300)
    page.wait_for_function(f"window.scrollY > {scrolled}")
    assert visit.map("map-taipei", "m.map.getZoom()") == zoom
    page.locator("#map-taipei").scroll_into_view_if_needed()
    box = page.locator("#map-taipei").bounding_box()
    page.mouse.click(box["x"] + 5, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -300)
    page.wait_for_function(f"window.atlasMaps['map-taipei'].map.getZoom() !== {zoom}")


def _press(visit: Visit, position: dict, touch: bool) -> None:
    if touch:
        visit.page.touchscreen.tap(position["x"], position["y"])
    else:
        visit.page.mouse.click(position["x"], position["y"])


@pytest.mark.parametrize("width", [1280, 390])
def test_places_drawn_on_top_of_each_other_spread_out_and_each_can_be_picked(browser: object, base: str, width: int) -> None:
    touch = width < 600
    visit = Visit(browser, base, viewport=(width, 844), touch=touch)
    visit.page.goto(base + "cities/taipei/")
    visit.wait_map("map-taipei")
    visit.page.locator("#map-taipei").scroll_into_view_if_needed()
    houston, san_nicolas = (visit.place_position("map-taipei", pid) for pid in ("houston", "san-nicolas-de-los-garza"))
    assert abs(houston["x"] - san_nicolas["x"]) + abs(houston["y"] - san_nicolas["y"]) < 16  # one over the other (markers 12 px wide)
    _press(visit, san_nicolas, touch)
    visit.page.wait_for_function("window.atlasMaps['map-taipei'].layers['houston']._omsData !== undefined")
    assert visit.page.locator("#map-taipei .leaflet-popup").count() == 0
    houston = visit.place_position("map-taipei", "houston")
    san_nicolas = visit.place_position("map-taipei", "san-nicolas-de-los-garza")
    assert abs(houston["x"] - san_nicolas["x"]) + abs(houston["y"] - san_nicolas["y"]) >= 20  # apart, each its own target
    _press(visit, houston, touch)
    popup = visit.page.locator("#map-taipei .leaflet-popup-content")
    popup.wait_for()
    assert popup.locator(".atlas-popup-title").inner_text() == "Houston"
    visit.check_clean()
    visit.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_shared_address_reopens_the_same_view(browser: object, base: str, width: int) -> None:
    touch = width < 600
    visit = Visit(browser, base, viewport=(width, 844), touch=touch)
    page = visit.page
    page.goto(base + "map/")
    visit.wait_map("map-global")
    legend = page.locator("#map-global .atlas-legend-title")
    if legend.get_attribute("aria-expanded") == "false":
        legend.click()
    page.locator("#map-global .atlas-legend-item", has_text="Sister city").locator("input").uncheck()
    page.locator("#map-global .atlas-legend-item", has_text="Disputed").locator("input").uncheck()
    page.locator("#map-global .atlas-years-range").fill("1990")
    page.locator("#map-global .atlas-years-undated input").check()
    page.fill("#map-global-search", "yokohama")
    page.locator("#map-global-places button").first.click()
    page.wait_for_function("location.search.includes('place=yokohama')")
    # Once the map has moved the popup into view (zoom 9: 4 decimals), the address holds where it stopped.
    page.wait_for_function("""(() => { const map = window.atlasMaps['map-global'].map, c = map.getCenter();
        return !(map._panAnim && map._panAnim._inProgress) && location.search.includes(`view=${map.getZoom()}/${c.lat.toFixed(4)}/`); })()""")
    shared = page.url
    before = visit.map("map-global", "[m.map.getZoom(), m.map.getCenter(), m.visibleArcs()]")
    assert "hide=sister" in shared and "hide-status=disputed" in shared and "year=1990" in shared and "undated=1" in shared
    visit.check_clean()
    visit.close()

    other = Visit(browser, base, viewport=(width, 844), touch=touch)  # a reader who was sent the link
    other.page.goto(shared)
    other.wait_map("map-global")
    after = other.map("map-global", "[m.map.getZoom(), m.map.getCenter(), m.visibleArcs()]")
    assert after[0] == before[0] and after[2] == before[2]
    assert abs(after[1]["lat"] - before[1]["lat"]) < 0.01 and abs(after[1]["lng"] - before[1]["lng"]) < 0.01
    items = other.page.locator("#map-global .atlas-legend-item")
    assert not items.filter(has_text="Sister city").locator("input").is_checked()
    assert not items.filter(has_text="Disputed").locator("input").is_checked()
    assert items.filter(has_text="Friendship city").locator("input").is_checked()
    assert other.page.locator("#map-global .atlas-years-year").text_content() == "1990"
    assert other.page.locator("#map-global .atlas-years-undated input").is_checked()
    assert other.page.locator("#map-global .leaflet-popup-content .atlas-popup-title").inner_text() == "Yokohama"
    assert other.page.url == shared  # opening it changes nothing until the reader moves the map
    other.check_clean()
    other.close()


def test_a_hostile_address_changes_nothing_but_the_map_it_shows(visit: Visit) -> None:
    page = visit.page
    page.goto(visit.base + "map/?view=99/1e9/x&place=__proto__&hide=<img src=x onerror=window.__xss=1>&year=1e400")
    visit.wait_map("map-global")
    page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")  # the filters applied
    assert visit.map("map-global", "[m.visibleArcs() === m.arcs.filter(a => a.year !== null).length, m.map.getZoom() < 8]") == [True, True]
    page.goto(visit.base + "embed/?map=javascript:window.__xss=2//")
    visit.wait_map("map-embed")
    assert page.locator(".atlas-embed-open").get_attribute("href") == "../map/"
    assert visit.map("map-embed", "m.element.getAttribute('data-src')") == "../map/map.geojson"
    assert page.evaluate("window.__xss === undefined && !document.querySelector('.atlas-map img[src=x]')")


@pytest.mark.parametrize("width", [1280, 390])
def test_a_place_page_offers_its_map_to_embed_on_another_site(browser: object, base: str, width: int) -> None:
    visit = Visit(browser, base, viewport=(width, 844), touch=width < 600)
    page = visit.page
    page.goto(base + "cities/kaohsiung/")
    visit.wait_map("map-kaohsiung")
    links = visit.map("map-kaohsiung", "m.arcs.length")
    page.locator(".atlas-embed-snippet summary").click()
    snippet = page.locator(".atlas-embed-snippet code").inner_text()
    src = re.search(r'<iframe src="([^"]+)"', snippet).group(1)
    assert src == base + "embed/?map=cities/kaohsiung/" and 'title="Map of the links of Kaohsiung"' in snippet
    page.set_content(f"<!doctype html><title>A newsroom</title>{snippet}")  # pasted into another site
    frame = page.frame_locator("iframe")
    frame.locator(".atlas-map[data-atlas-state=ready]").wait_for()
    embedded = page.frames[1]
    assert embedded.evaluate("[atlasMaps['map-embed'].arcs.length, atlasMaps['map-embed'].focus.id]") == [links, "kaohsiung"]
    assert embedded.locator("header, nav, .md-header").count() == 0
    assert embedded.locator(".atlas-embed-open").get_attribute("href") == "../cities/kaohsiung/"
    visit.close()


def test_places_index_filters_and_sorts(visit: Visit, atlas) -> None:
    page = visit.page
    page.goto(visit.base + "cities/")
    rows = page.locator("#places-table tbody tr")
    assert rows.count() == len(atlas.places)
    page.locator("input.atlas-filter").fill("横浜")
    visible = page.locator("#places-table tbody tr:not([hidden])")
    assert visible.count() == 1 and "Yokohama" in visible.first.inner_text()
    page.locator("input.atlas-filter").fill("")
    page.locator("#places-table th button", has_text="Links").click()
    page.locator("#places-table th button", has_text="Links").click()  # second click: most first
    first = page.locator("#places-table tbody tr").first.inner_text()
    most = max(atlas.places, key=lambda pid: len(atlas.links_of(pid)))
    assert atlas.places[most].name in first


def test_untrusted_names_stay_text_on_a_built_page(browser: object, tmp_path, site_data) -> None:
    data = site_data
    evil = "<img src=x onerror=window.__xss=1>"
    data.write("cities/evil.yaml", f"""
        name: "{evil}"
        country: JP
        coordinates: [35.0, 139.0]
        summary: "<script>window.__xss=2</script> and **bold**"
        relationships:
          - with: houston
            type: friendship
            note: "<img src=y onerror=window.__xss=3>"
            sources: [{{title: "<img src=z onerror=window.__xss=4>", url: "https://example.org/"}}]
        """)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    assert mkdocs_build(tmp_path / "site", data.root, site_url=url).returncode == 0
    with serve(tmp_path / "site", port):
        visit = Visit(browser, url)
        for path, map_id in [("cities/evil/", "map-evil"), ("cities/houston/", "map-houston"), ("map/", "map-global")]:
            visit.page.goto(url + path)
            visit.wait_map(map_id)
            # Every popup of the map, as built for a reader: the name as text.
            texts = visit.map(map_id, "m.points.getLayers().map(l => m.popup(l).textContent)")
            assert any(evil in text for text in texts)
        visit.page.goto(url + "map/")
        visit.wait_map("map-global")
        visit.page.fill("#map-global-search", evil)
        visit.page.press("#map-global-search", "Enter")
        assert evil in visit.page.locator("#map-global .leaflet-popup-content").inner_text()
        visit.page.goto(url + "cities/evil/")
        visit.wait_map("map-evil")
        assert visit.page.locator("h1").first.inner_text().startswith(evil)
        visit.page.locator("#map-evil").scroll_into_view_if_needed()
        visit.hover_place("map-evil", "evil")
        assert visit.page.locator("#map-evil .leaflet-tooltip").inner_text() == evil
        visit.click_place("map-evil", "evil")
        assert evil in visit.page.locator("#map-evil .leaflet-popup-content").inner_text()
        # The HTML to embed the map holds the name escaped, as an attribute's text; the embed page and a
        # shared address show it as text too.
        snippet = visit.page.locator(".atlas-embed-snippet code")
        assert 'title="Map of the links of &lt;img src=x onerror=window.__xss=1&gt;"' in snippet.text_content()
        assert visit.page.locator(".atlas-embed-snippet img").count() == 0
        visit.page.goto(url + "embed/?map=cities/evil/&place=evil")
        visit.wait_map("map-embed")
        assert evil in visit.page.locator("#map-embed .leaflet-popup-content").inner_text()
        assert visit.page.evaluate("window.__xss") is None
        visit.check_clean()
        visit.close()
