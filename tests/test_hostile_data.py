"""A site built from hostile data (what a pull request could hold): nothing in it runs or loads.

Each attack is written the way it would arrive in a record; the browser then opens the
pages that show it, hovers every link and clicks the planted ones. `window.__xss` is what
any of them would set.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest

from .browser import Visit, free_port, needs_chromium, serve
from .build import mkdocs_build
from .conftest import DataDir

NAME = 'Evil [click me 1](javascript:window.__xss=1) {: onmouseover="window.__xss=2" }'
SUMMARY = (
    "[click me 3](&#106;avascript:window.__xss=3) [click me 4](javascript&colon;window.__xss=4) "
    "[click me 5](java&#x09;script:window.__xss=5) ![pixel](https://evil.example/pixel.png) fish & chips "
    # Encoded twice: a serialiser that leaves `&#106;` as it is lets the browser decode it again.
    "[click me 13](&amp;#106;avascript:window.__xss=13) ![p](&amp;#47;&amp;#47;evil.example/p.png) "
    "![local](../../assets/atlas/pixel.png)\n"
    '{: onclick="window.__xss=6" }'
)
RECORD = f"""
name: {json.dumps(NAME)}
names: {{ja: "<img src=x onerror=window.__xss=7>", ko: "</script><script>window.__xss=15</script><!--"}}
country: JP
coordinates: [35.0, 139.0]
summary: {json.dumps(SUMMARY)}
relationships:
  - with: houston
    type: uncoloured
    wording: "${{window.__xss=8}}"
    note: "[click me 9](JAVASCRIPT:window.__xss=9) <img src=y onerror=window.__xss=10> [click me 14](&amp;amp;#106;avascript:window.__xss=14)"
    sources:
      - title: "<script>window.__xss=11</script>"
        url: "https://example.org/a?b=1&c=2"
        note: "[click me 12]( javascript:window.__xss=12)"
""" + "".join(  # enough links to be among the home page's top places, and the newest agreement
    f"  - {{with: {partner}, type: friendship, signed: 2026-11-01, sources: [{{title: X, url: 'https://example.org/'}}]}}\n"
    for partner in ("manila", "seoul", "guam", "cebu-city", "busan", "tacoma")
)
PAGES = ["", "cities/evil/", "cities/houston/", "cities/", "countries/jp/", "types/uncoloured/", "timeline/", "sources/"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    data = DataDir(tmp_path_factory.mktemp("hostile") / "data", real=True)
    data.write("cities/evil.yaml", RECORD)
    vocabulary = data.root / "vocabulary.yaml"
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8").replace(
        "relationship_types:\n", "relationship_types:\n  - {id: uncoloured, label: Uncoloured, definition: A type with no colour.}\n", 1
    ), encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    site = data.root.parent / "site"
    result = mkdocs_build(site, data.root, site_url=url)
    assert result.returncode == 0, result.stderr[-3000:]
    with serve(site, port):
        yield site, url


class _Attributes(HTMLParser):
    """Every attribute of every element, decoded as the browser decodes it."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.found += [(tag, name, value or "") for name, value in attrs]


def test_built_pages_hold_no_live_markup_from_data(hostile: tuple[Path, str]) -> None:
    site, _ = hostile
    for page in PAGES:
        parser = _Attributes()
        parser.feed((site / page / "index.html").read_text(encoding="utf-8"))
        for tag, name, value in parser.found:
            url = re.sub(r"[\t\n\r]", "", value).strip()
            assert not name.startswith("on"), (page, tag, name, value)
            if name == "href":
                assert urlsplit(url).scheme in ("", "http", "https", "mailto"), (page, tag, value)
            if name == "src":
                assert urlsplit(url).netloc == "" and urlsplit(url).scheme == "", (page, tag, value)
            if name == "style":
                assert "None" not in value, (page, tag, value)  # a type without a colour gets the neutral one


def test_json_ld_from_data_cannot_close_its_script_and_reads_back_as_written(hostile: tuple[Path, str]) -> None:
    site, _ = hostile
    html = (site / "cities" / "evil" / "index.html").read_text(encoding="utf-8")
    [text] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert not set("<>&") & set(text), text  # written \u003c, \u003e, \u0026
    found = json.loads(text)
    assert found["name"] == NAME
    assert found["alternateName"] == ["<img src=x onerror=window.__xss=7>", "</script><script>window.__xss=15</script><!--"]


def test_search_text_is_escaped_once(hostile: tuple[Path, str]) -> None:
    site, _ = hostile
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "fish &amp; chips" in index and "&amp;amp;" not in index


@needs_chromium
@pytest.mark.browser
def test_no_script_from_data_runs_on_hover_click_or_load(hostile: tuple[Path, str], browser: object) -> None:
    _, url = hostile
    visit = Visit(browser, url)
    for page in PAGES:
        visit.page.goto(url + page)
        visit.page.wait_for_load_state("load")
        found = visit.page.evaluate("""() => ({
            protocols: [...new Set([...document.querySelectorAll('a[href]')].map(a => a.protocol))],
            images: [...document.querySelectorAll('article img:not(.leaflet-tile)')].map(i => i.getAttribute('src')),
            handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]
                .filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name)),
        })""")
        assert set(found["protocols"]) <= {"http:", "https:", "mailto:"}, (page, found)
        assert found["handlers"] == [], page
        assert found["images"] == [], page  # an image from data never loads, not even from the site
        visit.page.evaluate("""() => document.querySelectorAll('article *').forEach(e => {
            for (const kind of ['mouseover', 'mouseenter', 'focus']) e.dispatchEvent(new MouseEvent(kind, {bubbles: true}));
        })""")
        links = visit.page.locator("article a:visible")
        for i in range(min(links.count(), 30)):
            links.nth(i).hover(force=True, timeout=2000)
        planted = visit.page.locator("article a", has_text="click me")
        for i in range(planted.count()):
            planted.nth(i).click()
            visit.page.goto(url + page)
    visit.page.goto(url)
    assert NAME.split(" {:")[0] in visit.page.locator("article").inner_text()  # the name shows, as text
    visit.check_clean()
    visit.close()


# ---------------------------------------------------------------------------
# Template code in the data never runs at build time

#: Not an id, URL, date, code or colour: text a contributor writes freely, where Jinja could hide.
_CODE_LIKE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*|https?://.*|[A-Z]{2}|#[0-9a-fA-F]{6}|\d{4}(-\d\d){0,2}|[a-z]{2,3}(-[A-Za-z0-9]+)*")


def _jinja(canary: Path) -> str:
    """Jinja that creates `canary` wherever it is rendered as a template, in each of its syntaxes."""
    run = f"cycler.__init__.__globals__.os.makedirs({str(canary)!r}, exist_ok=True)"
    return f" {{{{ 7*7 }}}} {{{{ {run} }}}} {{% if {run} %}}{{% endif %}} {{# hidden #}}"


def _with_jinja(value: object, payload: str, keys: set[str], key: str = "") -> object:
    """`value` with the payload appended to every free text in it; `keys` collects the fields reached."""
    if isinstance(value, dict):
        return {k: _with_jinja(v, payload, keys, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_jinja(v, payload, keys, key) for v in value]
    if isinstance(value, str) and not _CODE_LIKE.fullmatch(value):
        keys.add(key)
        return value + payload
    return value


@pytest.fixture(scope="module")
def jinja_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, set[str]]:
    import yaml

    root = tmp_path_factory.mktemp("jinja")
    data, canary, keys = DataDir(root / "data", real=True), root / "canary", set()
    for path in sorted(data.root.rglob("*.yaml")):
        record = _with_jinja(yaml.safe_load(path.read_text(encoding="utf-8")), _jinja(canary), keys)
        path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = mkdocs_build(root / "site", data.root)
    assert result.returncode == 0, result.stderr[-3000:]
    return root / "site", canary, keys


def test_jinja_in_every_text_field_is_never_run_at_build_time(jinja_site: tuple[Path, Path, set[str]]) -> None:
    site, canary, keys = jinja_site
    # Every kind of text reached: names, summaries, notes, titles, vocabulary labels and definitions...
    assert {"name", "ja", "summary", "note", "title", "label", "definition", "wording", "publisher"} <= keys
    assert not canary.exists()
    # ... and each shows as written, on pages and in the maps' data.
    page = (site / "types" / "sister" / "index.html").read_text(encoding="utf-8")
    assert "Sister city {{ 7*7 }} {{ cycler" in page and "{# hidden #}" in page
    assert "{{ 7*7 }}" in (site / "cities" / "taipei" / "map.geojson").read_text(encoding="utf-8")
    scripts = "".join(p.read_text(encoding="utf-8") for p in (site / "assets" / "atlas" / "maps").glob("*.js"))
    assert "cycler" not in scripts and "7*7" not in scripts
