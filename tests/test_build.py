"""Strict builds of the real site, and what a reader finds on its pages."""

from __future__ import annotations

import filecmp
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from macros import model
from macros.authoring import field_rows

from .build import mkdocs_build, project_copy
from .conftest import ROOT, DataDir

pytestmark = pytest.mark.build


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def text_of(html: str) -> str:
    """Roughly what a reader sees: tags dropped, entities kept as written."""
    html = re.sub(r"<script\b.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        rel = dict(attrs).get("rel") or ""
        for name, value in attrs:
            if name in ("href", "src") and value:
                # A <link> loads something only as a stylesheet, icon, preload or manifest.
                loads = tag in ("script", "img", "iframe", "audio", "video", "source") or (
                    tag == "link" and any(k in rel for k in ("stylesheet", "icon", "preload", "manifest", "modulepreload")))
                self.refs.append((tag if loads else "a", name, value))
            if name == "id" and value:
                self.ids.add(value)


def test_houston_page_shows_the_link_recorded_in_taipeis_file(site: Path) -> None:
    html = page(site, "cities/houston")
    assert '<a href="../taipei/">Taipei</a>' in html
    assert "1961-06-15" in html
    # The link is recorded in Taipei's file: the page says where to edit it.
    assert "https://github.com/city-diplomacy-atlas/atlas/edit/main/data/cities/taipei.yaml" in html
    assert 'href="https://github.com/city-diplomacy-atlas/atlas/edit/main/data/cities/houston.yaml"' in html


def test_taipei_page_has_figures_reported_counts_and_sources(site: Path) -> None:
    html = page(site, "cities/taipei")
    text = text_of(html)
    rows = re.findall(r'<tr class="atlas-link atlas-link--', html)
    assert len(rows) >= 33
    recorded = len(re.findall(r'<tr class="atlas-link atlas-link--[a-z]+" data-type="sister"', html))
    assert re.search(r"Taipei reports 53 sister cities \(as of 2025-11-14\) \[\d+\]( \[\d+\])* ; the atlas records \d+ \(Sister city\)", text), text[:2000]
    assert re.search(r"Taipei reports 52 sister", text)
    assert "Computed from the records below." in text
    assert 'id="note-1"' in html and "Taipei Times" in html
    assert "臺北市" in html and "Edit this record" in html
    assert recorded >= 30


def test_population_shows_its_year_kind_and_cited_source(site: Path) -> None:
    pristina = page(site, "cities/pristina")
    shown = re.search(r'<dd class="atlas-population">(.*?)</dd>', pristina, flags=re.S).group(1)
    assert re.match(r'227,154 \(2024 census\)<sup><a href="#note-(\d+)" class="atlas-cite">\[\d+\]</a></sup>', shown), shown
    number = re.match(r'.*?#note-(\d+)', shown).group(1)
    note = re.search(rf'<li id="note-{number}">(.*?)</li>', pristina, flags=re.S).group(1)
    assert "rtv21.tv" in note and "Kosovo Agency of Statistics" in note
    mumbai = text_of(page(site, "cities/mumbai"))  # no official figure found yet: GeoNames', and the page says so
    assert re.search(r"Population [\d,]+ \(GeoNames estimate, undated\) \[\d+\] GeoNames' figure", mumbai)


def test_yokohama_kaohsiung_and_odesa(site: Path) -> None:
    yokohama = text_of(page(site, "cities/yokohama"))
    assert "Y-PORT" in yokohama and "C40" in yokohama
    assert re.search(r"Another source gives since 2008", yokohama)
    kaohsiung = page(site, "cities/kaohsiung")
    assert "atlas-status--disputed" in kaohsiung  # Malé
    odesa = text_of(page(site, "cities/odesa"))
    assert "Yokohama" in odesa and "2023-03" in odesa and "recorded for" in odesa


def test_timeline_groups_by_decade_and_lists_undated_apart(site: Path) -> None:
    html = page(site, "cities/taipei")
    decades = re.findall(r'<h3 class="atlas-decade">(\d{4}s|Date unknown)</h3>', html)
    assert decades[0] == "1960s" and decades[-1] == "Date unknown"
    assert decades[:-1] == sorted(decades[:-1])
    assert "atlas-link--suspended" in html or "atlas-link--ended" in html or "atlas-link--disputed" in html


def test_global_timeline_has_charts_built_at_build_time(site: Path) -> None:
    html = page(site, "timeline")
    assert html.count('<svg class="atlas-chart"') == 2
    assert "United States &amp; Canada" in html and "Latin America &amp; Caribbean" in html
    assert "Date unknown" in html


def test_network_country_type_and_index_pages(site: Path) -> None:
    assert '<a href="../../cities/yokohama/">Yokohama</a>' in page(site, "networks/c40")
    tw = text_of(page(site, "countries/tw"))
    assert "Taipei" in tw and "Kaohsiung" in tw
    places = page(site, "cities")
    assert places.count("<tr><td><a href=") == len(list((ROOT / "data/cities").glob("*.yaml")))
    assert "Houston" in page(site, "types/sister")
    bibliography = page(site, "sources")
    assert 'id="taipei-gov-2025b"' in bibliography and "Cited by:" in bibliography


def test_home_page_figures_are_computed(site: Path) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    places = len(list((ROOT / "data/cities").glob("*.yaml")))
    assert f"<strong>{places}</strong> places" in html
    assert "Latest agreements" in html


def test_record_pages_are_out_of_the_navigation(site: Path) -> None:
    html = page(site, "cities/taipei")
    nav = html[re.search(r'<nav class="md-nav md-nav--primary', html).start():]
    nav = nav[: nav.index("</nav>")]
    assert "cities/houston/" not in nav
    assert "Places" in nav


def test_no_broken_internal_links_and_nothing_from_third_party_hosts(site: Path) -> None:
    base = "https://atlas.test/atlas/"  # the path of site_url in mkdocs.yml (404.html uses it)
    broken, outside = [], []
    for path in sorted(site.rglob("*.html")):
        parser = _Links()
        parser.feed(path.read_text(encoding="utf-8"))
        here = base + path.relative_to(site).as_posix()
        for tag, attr, value in parser.refs:
            url = urlparse(urljoin(here, value))
            if url.netloc != "atlas.test":
                if tag != "a":
                    outside.append((path.name, value))
                continue
            target = site / url.path.removeprefix("/atlas/")
            if url.path.endswith("/"):
                target = target / "index.html"
            if not target.exists():
                broken.append((str(path.relative_to(site)), value))
    assert broken == []
    assert outside == []
    # Our own scripts and every stylesheet name no third-party host (Material's bundle holds
    # such URLs for features this site leaves off; the browser tests record real requests).
    for asset in [p for p in (site / "assets/atlas").rglob("*") if p.is_file()] + list(site.rglob("*.css")):
        text = asset.read_text(encoding="utf-8", errors="replace")
        assert not re.search(r"fonts\.googleapis|cdn\.jsdelivr|unpkg\.com|cdnjs", text), asset


def test_every_map_has_its_data_beside_its_page(site: Path) -> None:
    kinds: dict[str, int] = {}
    for path in sorted(site.rglob("index.html")):
        for kind, src in re.findall(r'class="atlas-map" [^>]*data-kind="(\w+)" data-src="([^"]+)"', path.read_text(encoding="utf-8")):
            kinds[kind] = kinds.get(kind, 0) + 1
            data = json.loads((path.parent / src).read_text(encoding="utf-8"))
            assert data["type"] == "FeatureCollection" and data["features"], path
    assert set(kinds) == {"place", "group", "world"}
    # Places, networks with members, programmes, countries and types all have one; a place's page
    # in another language has its own, in the language's words.
    from macros import i18n

    assert kinds["place"] == len(list((site / "cities").glob("*/map.geojson"))) * (1 + len(i18n.TRANSLATED))
    assert len(list((site / "ja" / "cities").glob("*/map.geojson"))) == len(list((site / "cities").glob("*/map.geojson")))
    for folder in ("networks", "programs", "countries", "types"):
        assert list((site / folder).glob("*/map.geojson")), folder
    for kind in kinds:
        assert (site / f"assets/atlas/maps/{kind}.js").is_file()
    # Folium's page header stays out of Material's pages.
    taipei = page(site, "cities/taipei")
    assert "user-scalable" not in taipei and "html, body" not in taipei and "Trust" not in taipei


def test_forked_stream_gives_every_item_in_order_or_fails_the_build() -> None:
    import threading

    from mkdocs.exceptions import PluginError

    from macros.mkdocs_adapter import forked_stream

    if threading.active_count() > 1:
        pytest.skip("threads are running: forked_stream() runs the work in this process")

    def pages():
        yield ["page", {"a": 1}]
        yield "x" * 3_000_000  # more than a pipe holds: the child must not wait for the reader
        yield 3

    assert list(forked_stream(pages)) == [["page", {"a": 1}], "x" * 3_000_000, 3]

    def failing():
        yield 1
        raise ZeroDivisionError

    received = forked_stream(failing)
    assert next(received) == 1
    with pytest.raises(PluginError, match="failed"):
        next(received)

    # A build that stops early (an error elsewhere) stops the child and leaves no files behind.
    temp = Path(tempfile.gettempdir())
    before = spools(temp)
    received = forked_stream(lambda: iter(range(100_000)))
    assert next(received) == 0 and len(spools(temp) - before) == 1
    received.close()
    assert spools(temp) == before


def _build_until_it_spools(tmp: Path) -> tuple[subprocess.Popen, Path]:
    """A real build, started and watched until its forked process has a spool in `tmp`."""
    env = dict(os.environ, TMPDIR=str(tmp), NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT))
    build = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp / "site")],
                             cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and build.poll() is None:
        mine = [p for p in tmp.glob("atlas-build-*") if p.name.startswith(f"atlas-build-{build.pid}-")]
        if mine:
            return build, mine[0]
        time.sleep(0.05)
    build.kill()
    raise AssertionError("the build never forked its page process")


def test_a_killed_build_leaves_no_temporary_files_behind(tmp_path: Path) -> None:
    build, spool = _build_until_it_spools(tmp_path)
    build.send_signal(signal.SIGTERM)  # as CI cancels a job, or `kill` does
    assert build.wait(timeout=60) != 0
    assert not spool.exists() and list(tmp_path.glob("atlas-build-*")) == []

    build, spool = _build_until_it_spools(tmp_path)
    build.send_signal(signal.SIGKILL)  # nothing can clean up at once: the next build does
    build.wait(timeout=60)
    assert spool.exists()
    following, its_spool = _build_until_it_spools(tmp_path)
    following.send_signal(signal.SIGTERM)
    following.wait(timeout=60)
    assert not spool.exists() and not its_spool.exists()


def test_downloads_hold_every_field(site: Path) -> None:
    import json

    data = json.loads((site / "downloads/atlas.json").read_text(encoding="utf-8"))
    taipei = data["cities"]["taipei"]
    assert taipei["relationships"][0]["with"] == "houston"
    assert "profile" in taipei and "reported" in taipei
    assert (site / "downloads/links.csv").read_text(encoding="utf-8-sig").startswith("recorded_in,partner,type")


def test_contributor_guide_lists_every_field_of_the_model(site: Path) -> None:
    html = page(site, "contributing")
    for record in (model.Place, model.Relationship, model.Alternative, model.Membership, model.Event,
                   model.Reported, model.Profile, model.Network, model.Program, model.Participant, model.SourceEntry):
        for name, _, _, _ in field_rows(record):
            assert f"<code>{name}</code>" in html, (record.__name__, name)


def test_contribute_page_shows_contributing_md(site: Path) -> None:
    """CONTRIBUTING.md (for GitHub) and the Contribute page are one text: they cannot drift apart."""
    import markdown

    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    expected = text_of(markdown.markdown(guide, extensions=["tables", "fenced_code"])).strip()
    shown = text_of(page(site, "contributing")).replace("&para;", "")  # the headings' permalinks
    assert expected in re.sub(r" +", " ", shown)


def test_two_builds_are_byte_identical(site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert mkdocs_build(again).returncode == 0
    different = []

    def compare(cmp: filecmp.dircmp) -> None:
        different.extend(cmp.diff_files + cmp.left_only + cmp.right_only)
        for sub in cmp.subdirs.values():
            compare(sub)

    compare(filecmp.dircmp(site, again, ignore=[]))
    assert different == []


XSS = "<img src=x onerror=alert(1)>"


def test_untrusted_data_shows_as_text(tmp_path: Path, site_data: DataDir) -> None:
    data = site_data
    data.write("cities/evil.yaml", f"""
        name: "{XSS}"
        names: {{ja: "<script>alert(2)</script>"}}
        country: JP
        coordinates: [35.0, 139.0]
        population: 1000
        population_year: 2020
        population_source: {{title: "<i>census</i>", url: "https://example.org/census"}}
        population_note: "<script>alert(6)</script> *counted*"
        summary: "**Bold** text and <script>alert(3)</script> and [a link](javascript:alert(4))"
        relationships:
          - with: houston
            type: friendship
            wording: "<b>wording</b>"
            note: "A note with <script>alert(5)</script> and *emphasis*"
            sources: [{{title: "<i>title</i>", url: "https://example.org/"}}]
        """)
    out = tmp_path / "site"
    result = mkdocs_build(out, data.root)
    assert result.returncode == 0, result.stderr[-3000:]
    for path in [out / "cities/evil/index.html", out / "cities/houston/index.html", out / "cities/index.html",
                 out / "countries/jp/index.html", out / "timeline/index.html"]:
        html = path.read_text(encoding="utf-8")
        assert "<img src=x" not in html and "<script>alert" not in html and "<b>wording" not in html, path
        assert "<i>title" not in html, path
    evil = (out / "cities/evil/index.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in evil
    assert "<title>&lt;img src=x onerror=alert(1)&gt; - City Diplomacy Atlas</title>" in evil
    assert "<strong>Bold</strong>" in evil and "<em>emphasis</em>" in evil  # Markdown renders
    assert "<i>census" not in evil and "&lt;script&gt;alert(6)&lt;/script&gt; <em>counted</em>" in evil
    assert 'href="javascript:' not in evil
    index = (out / "search/search_index.json").read_text(encoding="utf-8")
    assert "<img src=x" not in index and "<script>alert" not in index


def test_bad_data_fails_the_build_with_the_finding(tmp_path: Path, data: DataDir) -> None:
    data.write("cities/houston.yaml", "name: Houston\ncountry: US\ncoordinates: [29.7, -95.3]\nsignd: 1\n")
    result = mkdocs_build(tmp_path / "site", data.root)
    assert result.returncode != 0
    assert f"{data.display('cities/houston.yaml')}:4:1: error: signd: unknown field" in result.stderr
    assert "Traceback" not in result.stderr


def spools(folder: Path) -> set[Path]:
    """The folders a build's forked process sends its pages through."""
    return set(folder.glob("atlas-build-*"))


def test_undefined_variable_or_macro_error_fails_the_build(tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"  # this test's builds' own temporary folder: other builds may run meanwhile
    tmp.mkdir()
    config = project_copy(tmp_path)
    project = config.parent
    (project / "content" / "about.md").write_text("# About\n\n{{ no_such_variable }}\n", encoding="utf-8")
    result = mkdocs_build(tmp_path / "site1", config=config, tmp=tmp)
    assert result.returncode != 0 and "no_such_variable" in result.stderr
    (project / "content" / "about.md").write_text('# About\n\n{{ place_link("atlantis") }}\n', encoding="utf-8")
    result = mkdocs_build(tmp_path / "site2", config=config, tmp=tmp)
    assert result.returncode != 0 and "no place 'atlantis'" in result.stderr
    assert spools(tmp) == set()  # the failed builds stopped their forked process and left nothing


def test_the_engine_is_told_of_every_generated_page_before_any_is_made() -> None:
    from macros import pages
    from macros.validate import load

    atlas, _ = load(ROOT / "data")
    assert atlas is not None
    made = [(page.uri, page.in_nav) for page in pages.iter_pages(atlas, pages.SiteConfig())]
    assert pages.page_uris(atlas) == made  # the same pages, in the order the engine takes them
