"""A reader finds every page: from the navigation and the home page, and in search results and
link previews, where each page shows its own title and description (issue "Reading the atlas", 3)."""

from __future__ import annotations

import re
import struct
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from markupsafe import escape

from .build import mkdocs_build
from .conftest import ROOT, DataDir

pytestmark = pytest.mark.build

SITE_NAME = "City Diplomacy Atlas"


def site_name(url: str) -> str:
    """The site's name as a page calls it: in the language of a page under /zh-Hant/ or /ja/."""
    from macros import i18n

    lang = url.split("/")[0]
    return i18n.gettext_of(lang)(SITE_NAME) if lang in i18n.TRANSLATED else SITE_NAME
SITE_DESCRIPTION = "A sourced, browsable, mappable atlas of city-to-city diplomacy."
# Pages made besides content/*.md that the navigation must list (macros/pages.py INDEX_PAGES, the map).
GENERATED_IN_NAV = ["map/", "cities/", "networks/", "programs/", "countries/", "types/", "timeline/",
                    "sources/", "coverage/", "quality/"]
ANALYSIS = ["analysis/", "taiwan/", "compare/yokohama-taipei/", "compare/kaohsiung-taipei/", "coverage/", "quality/"]


@dataclass
class Head:
    """What a search engine or a link preview reads from a built page."""

    titles: list[str] = field(default_factory=list)
    meta: list[dict[str, str]] = field(default_factory=list)  # the attributes of each <meta>, in order
    tags: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)  # every start tag of <head>
    canonical: str = ""
    nav: list[str] = field(default_factory=list)  # hrefs of the primary navigation
    active_tab: str = ""
    article: list[str] = field(default_factory=list)  # hrefs in the page's text

    def named(self, key: str, value: str) -> list[str]:
        return [m.get("content", "") for m in self.meta if m.get(key) == value]

    def one(self, key: str, value: str) -> str:
        found = self.named(key, value)
        assert len(found) == 1, (key, value, found)
        return found[0]

    @property
    def title(self) -> str:
        assert len(self.titles) == 1, self.titles
        return self.titles[0]

    @property
    def noindex(self) -> bool:
        return "noindex" in self.named("name", "robots")


class _HeadParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.head, self.stack = Head(), []
        self.in_head = self.in_title = False
        self.nav_depth = self.tab_depth = self.article_depth = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "head":
            self.in_head = True
        elif self.in_head:
            self.head.tags.append((tag, attrs))
        if tag == "title" and self.in_head:
            self.in_title, self.text = True, []
        if tag == "meta" and self.in_head:
            self.head.meta.append(a)
        if tag == "link" and self.in_head and a.get("rel") == "canonical":
            self.head.canonical = a.get("href", "")
        if tag == "nav":
            if self.nav_depth or "md-nav--primary" in a.get("class", ""):
                self.nav_depth += 1
        if tag == "li" and "md-tabs__item--active" in a.get("class", ""):
            self.tab_depth, self.text = 1, []
        elif tag == "li" and self.tab_depth:
            self.tab_depth += 1
        if tag == "article":
            self.article_depth += 1
        if tag == "a" and a.get("href"):
            if self.nav_depth:
                self.head.nav.append(a["href"])
            if self.article_depth:
                self.head.article.append(a["href"])

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_head = False
        if tag == "title" and self.in_title:
            self.in_title = False
            self.head.titles.append("".join(self.text))
        if tag == "nav" and self.nav_depth:
            self.nav_depth -= 1
        if tag == "li" and self.tab_depth:
            self.tab_depth -= 1
            if not self.tab_depth:
                self.head.active_tab = " ".join("".join(self.text).split())
        if tag == "article" and self.article_depth:
            self.article_depth -= 1

    def handle_data(self, data: str) -> None:
        if self.in_title or self.tab_depth:
            self.text.append(data)


def read_head(path: Path) -> Head:
    parser = _HeadParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.head


def url_of(site: Path, path: Path) -> str:
    """cities/taipei/index.html -> cities/taipei/ (the home page: "")."""
    return path.parent.relative_to(site).as_posix() + "/" if path.parent != site else ""


@pytest.fixture(scope="module")
def heads(site: Path) -> dict[str, Head]:
    """Every built page's head, by URL, read once (the site is built once per session)."""
    return {url_of(site, path): read_head(path) for path in sorted(site.rglob("index.html"))}


@pytest.fixture(scope="module")
def pages(heads: dict[str, Head]) -> dict[str, Head]:
    """The pages meant to be found: all but the map-only page other sites embed (noindex)."""
    found = {url: head for url, head in heads.items() if not head.noindex}
    assert "embed/" not in found and len(found) > 300
    return found


def test_every_page_has_its_own_meta_description(pages: dict[str, Head]) -> None:
    descriptions = {url: head.one("name", "description") for url, head in pages.items()}
    for url, text in descriptions.items():
        assert text.strip() and text != SITE_DESCRIPTION, url
        assert len(text) <= 200, (url, text)
    shared = {text: n for text, n in Counter(descriptions.values()).items() if n > 1}
    assert shared == {}, shared
    assert descriptions["cities/taipei/"].startswith("Taipei (Taiwan): ")
    assert " recorded ties with partners in " in descriptions["cities/taipei/"]
    # The figures come from the records, singular where there is one.
    assert not re.search(r"(?<![\d,])1 (recorded ties|places|countries|member places|networks)\b", " ".join(descriptions.values()))
    assert re.search(r"(?<![\d,])1 recorded tie\b", " ".join(descriptions.values()))


def test_every_page_has_open_graph_title_description_and_image(site: Path, pages: dict[str, Head]) -> None:
    images = set()
    for url, head in pages.items():
        assert head.one("property", "og:title"), url
        assert head.one("property", "og:description") == head.one("name", "description"), url
        assert head.one("property", "og:url") == head.canonical != "", url
        assert head.one("property", "og:type") in ("website", "article"), url
        assert head.one("property", "og:site_name") == site_name(url), url
        assert head.one("name", "twitter:card") == "summary_large_image", url
        images.add(head.one("property", "og:image"))
    assert pages[""].one("property", "og:title") == SITE_NAME
    assert pages["cities/taipei/"].one("property", "og:title") == "Taipei"
    assert len(images) == 1
    image = images.pop()
    base = pages[""].canonical
    assert image.startswith(base) and urlparse(image).scheme in ("http", "https")
    png = (site / image[len(base):]).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (1200, 630)
    assert len(png) < 300_000


def test_no_two_pages_share_a_title(pages: dict[str, Head]) -> None:
    titles = Counter(head.title for head in pages.values())
    assert [title for title, n in titles.items() if n > 1] == []
    # A place and a country of the same name (Guam) each say which they are.
    assert pages["cities/guam/"].title != pages["countries/gu/"].title


def test_the_home_page_names_the_site_once(pages: dict[str, Head]) -> None:
    assert pages[""].title == SITE_NAME
    for url, head in pages.items():
        assert head.title.count(site_name(url)) == 1, (url, head.title)


def test_every_content_page_is_in_the_navigation(pages: dict[str, Head]) -> None:
    home = pages[""]
    in_nav = {urlparse(urljoin("http://atlas.test/", href)).path.lstrip("/") for href in home.nav}
    written = [p.relative_to(ROOT / "content").with_suffix("").as_posix() for p in (ROOT / "content").rglob("*.md")]
    written = [name for name in written if not name.startswith(("ja/", "zh-Hant/"))]  # translations: in their language's navigation
    wanted = {"" if name == "index" else name + "/" for name in written} | set(GENERATED_IN_NAV)
    assert sorted(wanted - in_nav) == []
    # Each analysis page opens with its tab highlighted (and so its section in the sidebar).
    for url in ANALYSIS:
        assert pages[url].active_tab == "Analysis", (url, pages[url].active_tab)


def test_the_home_page_ways_in_link_the_analysis_pages(pages: dict[str, Head]) -> None:
    linked = {urlparse(urljoin("http://atlas.test/", href)).path.lstrip("/") for href in pages[""].article}
    assert sorted(set(ANALYSIS) - linked) == []


HOSTILE = """<img src=x onerror=alert(1)>" & 'q' <script>alert(2)</script>"""


def test_a_hostile_name_stays_inside_the_description_attribute(tmp_path: Path, site_data: DataDir) -> None:
    quoted = HOSTILE.replace("'", "''")
    site_data.write("cities/hostile.yaml", f"""
        name: '{quoted}'
        country: JP
        coordinates: [35.0, 139.0]
        relationships:
          - with: houston
            type: friendship
            signed: 1999
            sources: [{{title: "A source", url: "https://example.org/"}}]
        """)
    out = tmp_path / "site"
    result = mkdocs_build(out, site_data.root, site_url="http://127.0.0.1:8832/")
    assert result.returncode == 0, result.stderr[-3000:]
    raw = (out / "cities/hostile/index.html").read_text(encoding="utf-8")
    head = read_head(out / "cities/hostile/index.html")
    description = head.one("name", "description")
    assert description.startswith(f"{HOSTILE} (Japan): 1 recorded tie, with Houston (United States)"), description
    # The attribute holds the text escaped once (Markup's entities): parsed back, it is the text itself.
    assert f'<meta name="description" content="{escape(description)}">' in raw
    assert head.one("property", "og:description") == description
    assert head.one("property", "og:title") == HOSTILE
    assert head.title == f"{HOSTILE} - {SITE_NAME}"
    # Nothing the name holds became a tag or an attribute of the head.
    assert "img" not in [tag for tag, _ in head.tags]
    assert all(set(m) <= {"charset", "name", "property", "content"} for m in head.meta), head.meta
    assert [m for m in head.meta if m.get("name") == "description"] == [{"name": "description", "content": description}]
    assert "<img src=x" not in raw and "<script>alert(2)" not in raw
    # The pages that list the place (its partner's, its country's) keep their own descriptions.
    houston = read_head(out / "cities/houston/index.html").one("name", "description")
    assert houston.startswith("Houston (United States): ") and "<img" not in houston
