"""The atlas in 繁體中文 and 日本語 (issue 20, first slice): place pages under /zh-Hant/ and /ja/,
from the catalogues in macros/locale and the vocabulary's labels; the switcher; escaping."""

from __future__ import annotations

import filecmp
import json
import re
import shutil
from html import unescape
from pathlib import Path

import pytest

from macros import i18n

from .browser import Visit, needs_chromium
from .build import mkdocs_build
from .conftest import DataDir

pytestmark = pytest.mark.build


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def article(html: str) -> str:
    return html[html.index("<article"):html.index("</article>")]


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_taipei_in_traditional_chinese(site: Path) -> None:
    html = page(site, "zh-Hant/cities/taipei")
    assert '<html lang="zh-Hant"' in html
    h1 = re.search(r'<h1 class="atlas-title">(.*?)</h1>', html).group(1)
    assert h1.startswith("臺北市 ") and '<span class="atlas-native" lang="en">Taipei</span>' in h1
    assert "<title>臺北市 - 城市外交地圖集</title>" in html
    headings = re.findall(r'<h2 id="([^"]+)">([^<]+)<a', html)
    assert ("key-figures", "重要數據") in headings and ("relationships", "交流關係") in headings and ("timeline", "年表") in headings
    body = text(article(html))
    assert "國家或地區 🇹🇼 台灣" in body  # CLDR's name, through Babel
    assert "最早有日期的協定：1961年6月15日，與 休士頓" in body  # the partner's Chinese name, as a cited page writes it
    assert ">Cleveland</a>" in html and "克里夫蘭" not in html  # a partner without a Chinese name keeps its English one
    assert ">姊妹市</a>" in html  # the vocabulary's label
    assert '<th scope="col">夥伴</th>' in html


def test_yokohama_in_japanese(site: Path) -> None:
    html = page(site, "ja/cities/yokohama")
    assert '<html lang="ja"' in html
    assert re.search(r'<h1 class="atlas-title">横浜市 <span class="atlas-native" lang="en">Yokohama</span></h1>', html)
    assert ("key-figures", "主な数値") in re.findall(r'<h2 id="([^"]+)">([^<]+)<a', html)
    assert ">姉妹都市</a>" in html


def test_a_place_without_a_name_in_the_language_keeps_its_english_name(site: Path) -> None:
    html = page(site, "ja/cities/kaohsiung")
    assert re.search(r'<h1 class="atlas-title">Kaohsiung <span class="atlas-native" lang="zh-Hant">高雄市</span></h1>', html)
    assert "主な数値" in html


def test_a_name_another_language_gives_a_place_stays_off_its_other_pages(site: Path) -> None:
    """台北市 (Japanese, from a Yokohama page) titles Taipei's Japanese page, beside its own 臺北市;
    休士頓 (Chinese, cited) titles Houston's Chinese page only."""
    assert re.search(r'<h1 class="atlas-title">台北市 <span class="atlas-native" lang="en">Taipei</span> '
                     r'<span class="atlas-native" lang="zh-Hant">臺北市</span></h1>', page(site, "ja/cities/taipei"))
    assert '<h1 class="atlas-title">休士頓 <span class="atlas-native" lang="en">Houston</span></h1>' in page(site, "zh-Hant/cities/houston")
    assert '<h1 class="atlas-title">Houston</h1>' in page(site, "cities/houston") and '<h1 class="atlas-title">Houston</h1>' in page(site, "ja/cities/houston")
    assert '<h1 class="atlas-title">Taipei <span class="atlas-native" lang="zh-Hant">臺北市</span></h1>' in page(site, "cities/taipei")


@pytest.mark.parametrize("url", ["cities/taipei", "zh-Hant/cities/taipei", "ja/cities/taipei"])
def test_the_switcher_links_the_same_page_in_each_language(site: Path, url: str) -> None:
    html = page(site, url)
    links = dict(re.findall(r'<a href="([^"]+)" hreflang="([^"]+)" lang="[^"]+" class="md-select__link" target="_self"', html))
    depth = "../" * url.count("/") + "../"
    assert {lang: href for href, lang in links.items()} == {
        "en": "./" if url == "cities/taipei" else depth + "cities/taipei/",
        "zh-Hant": "./" if url.startswith("zh-Hant") else depth + "zh-Hant/cities/taipei/",
        "ja": "./" if url.startswith("ja") else depth + "ja/cities/taipei/",
    }
    # No <link rel="alternate"> in <head>: Material's script would fetch a sitemap.xml beside each.
    assert not re.search(r'<link rel="alternate" href', html)


def test_a_hand_written_page_links_its_untranslated_pages_and_the_language_homes(site: Path) -> None:
    html = page(site, "authoring")
    hrefs = re.findall(r'<a href="([^"]+)" hreflang="(?:zh-Hant|ja)"', html)
    assert hrefs == ["../zh-Hant/authoring/", "../ja/authoring/"]
    home = page(site, "ja")
    assert "英語のトップページ" in home and 'href="../cities/yokohama/"' not in home and 'href="cities/yokohama/"' in home


def tabs(html: str) -> list[tuple[str, str]]:
    """The header's tabs: (link, title)."""
    found = re.findall(r'<a href="([^"]+)" class="md-tabs__link">\s*(.*?)\s*</a>', html, re.S)
    return [(href, " ".join(title.split())) for href, title in found]


def test_the_tabs_and_the_drawer_are_in_the_pages_language_and_lead_to_its_pages(site: Path) -> None:
    assert tabs(page(site, "ja/cities/taipei"))[:4] == [("../../", "ホーム"), ("../../map/", "地図"), ("../", "地域"),
                                                        ("../../networks/", "都市ネットワーク")]
    html = page(site, "zh-Hant/types")
    assert [title for _, title in tabs(html)] == ["首頁", "地圖", "地方", "城市網絡", "計畫", "國家", "關係類型", "年表",
                                                  "資料來源", "分析", "關於"]
    drawer = html[html.index('class="md-nav md-nav--primary'):]
    assert re.search(r'<a href="\./" class="md-nav__link md-nav__link--active">\s*<span class="md-ellipsis">\s*關係類型', drawer)
    assert 'href="../coverage/"' in drawer and 'href="../../coverage/"' not in drawer  # the untranslated page in Chinese
    assert 'href="../" title="城市外交地圖集" class="md-header__button md-logo"' in html  # the logo leads home, in Chinese
    assert tabs(page(site, "types"))[-1] == ("../about/", "About")  # English pages keep mkdocs.yml's navigation


def test_every_navigation_title_of_mkdocs_yml_is_in_the_catalogues() -> None:
    config = (Path(__file__).parent.parent / "mkdocs.yml").read_text(encoding="utf-8")
    nav = config[config.index("\nnav:"):]
    assert sorted(re.findall(r"^\s+- ([A-Z][\w ]*):", nav, re.M)) == sorted(i18n.NAV_TITLES)


def test_each_language_has_its_sitemap_and_sitemap_xml_is_their_index(site: Path) -> None:
    index = (site / "sitemap.xml").read_text(encoding="utf-8")
    listed = re.findall(r"<sitemap><loc>[^<]*?/atlas/([^<]*)</loc></sitemap>", index)
    assert "<sitemapindex " in index and listed == ["sitemap-en.xml", "zh-Hant/sitemap.xml", "ja/sitemap.xml"]
    locs = {name: re.findall(r"<loc>[^<]*?/atlas/([^<]*)</loc>", (site / name).read_text(encoding="utf-8")) for name in listed}
    assert "cities/taipei/" in locs["sitemap-en.xml"] and not any(u.startswith(("zh-Hant/", "ja/")) for u in locs["sitemap-en.xml"])
    for lang in ("zh-Hant", "ja"):
        assert locs[f"{lang}/sitemap.xml"] and all(u.startswith(lang + "/") for u in locs[f"{lang}/sitemap.xml"])
    # Every page is in one of them, once; the engine's gzipped copy of the old list is gone.
    pages = {str(p.parent.relative_to(site)) + "/" for p in site.rglob("index.html") if p.parent != site} - {"embed/"}  # noindex
    everything = sum(locs.values(), [])
    assert len(everything) == len(set(everything)) and set(everything) == pages | {""}
    assert not (site / "sitemap.xml.gz").exists()
    assert {"zh-Hant/types/sister/", "ja/countries/jp/"} <= pages


def test_sitemap_has_the_hreflang_alternates(site: Path) -> None:
    sitemap = (site / "zh-Hant" / "sitemap.xml").read_text(encoding="utf-8")
    entry = re.search(r"<url>\s*<loc>[^<]*/zh-Hant/cities/taipei/</loc>.*?</url>", sitemap, re.S).group(0)
    assert re.findall(r'hreflang="([^"]+)" href="[^"]*?/((?:zh-Hant/|ja/)?cities/taipei/)"', entry) == [
        ("en", "cities/taipei/"), ("zh-Hant", "zh-Hant/cities/taipei/"), ("ja", "ja/cities/taipei/")]


def _fragments(msgid: str) -> list[str]:
    """The fixed parts of a catalogue string, without its placeholders and markup."""
    plain = re.sub(r"<[^>]+>", "\0", re.sub(r"%\([a-z]+\)s|\{[a-z]+\}", "\0", msgid))
    return [part.strip(" .,:;()") for part in plain.split("\0") if len(part.strip(" .,:;()")) >= 3]


# Catalogue strings that are also ordinary English inside the data's own text on these pages.
IN_DATA = {"Map", "Networks", "with", "year", "Cite", "Sources", "Event", "Type", "Status", "edit", "to", "Places",
           "Kind", "Country", "Profile", "Events", "Timeline", "Signed", "Partner", "Topics", "unknown", "suspended",
           "active", "ended", "disputed", "estimate", "census", "Asia", "Europe", "Africa", "Oceania", "North America",
           "South America", "Antarctica", "registered residents", "Population", "Coordinates", "Programmes", "Relationships", "Sister cities",
           "City Diplomacy Atlas", "not recorded"}


@pytest.mark.parametrize("url", ["zh-Hant/cities/taipei", "ja/cities/taipei", "ja/cities/yokohama", "zh-Hant/cities/kaohsiung",
                                 "zh-Hant/types/sister", "ja/types/friendship", "ja", "ja/countries/jp", "zh-Hant/countries/us",
                                 "zh-Hant/networks/citynet", "ja/programs/y-port", "ja/cities", "zh-Hant/networks",
                                 "ja/programs", "zh-Hant/countries", "ja/types", "ja/timeline",
                                 "zh-Hant/coverage", "ja/quality", "zh-Hant/taiwan", "ja/taiwan", "ja/compare/yokohama-taipei",
                                 "ja/status", "zh-Hant/status", "ja/about", "zh-Hant/about", "ja/downloads"])
def test_no_english_catalogue_string_is_left_in_the_chrome(site: Path, url: str) -> None:
    html = article(page(site, url))
    # The chrome: headings, table heads, labels, the key figures, the map's and the downloads' words.
    chrome = " | ".join(text(part) for part in re.findall(
        r"<(?:h2|h3|th|dt|label|option|caption|summary)\b[^>]*>.*?</(?:h2|h3|th|dt|label|option|caption|summary)>"
        r'|<div class="atlas-computed".*?</div>|<a class="atlas-map-skip".*?</a>|<p class="atlas-(?:downloads|edit-record|muted)">.*?</p>',
        html, re.S))
    assert chrome
    chrome = re.sub(r"\(data/[^)]*\)", "", chrome)  # the record's file, in "Edit this record (data/networks/citynet.yaml)"
    chrome = re.sub(r"[\w/-]+\.(?:csv|json|geojson)\b", "", chrome)  # file names: the downloads' captions
    translated = {}  # each English form -> its translation: words a translation keeps (JSON) are no finding
    for message in i18n._read_catalogue(url.split("/")[0]):
        forms = message.id if isinstance(message.id, tuple) else (message.id,)
        translated.update({form: " ".join(message.string if isinstance(message.string, tuple) else (message.string,)) for form in forms})
    # What is not marked English: contributors' words and the model's column descriptions are, on purpose.
    outside_english = text(re.sub(r'<(td|span|p|div|a)\b[^>]*\blang="en"[^>]*>.*?</\1>', " ", html, flags=re.S))
    for key in {key.msgid for key in i18n.source_keys()}:
        for fragment in _fragments(key):
            if fragment in translated[key]:
                continue
            words = re.escape(fragment)
            assert not re.search(rf"(?<![A-Za-z]){words}(?![A-Za-z])", chrome), (key, fragment)
            if key not in IN_DATA and len(fragment) >= 12:
                assert fragment not in outside_english, (key, fragment)


def test_the_catalogues_are_complete_and_have_nothing_unused() -> None:
    assert list(i18n.catalogue_findings()) == []
    sizes = {code: len(i18n.translations(code)._catalog) for code in i18n.TRANSLATED}  # type: ignore[attr-defined]
    assert min(sizes.values()) > 100


def test_atlas_check_finds_a_missing_and_an_unused_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locale = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, locale)
    po = locale / "ja" / "LC_MESSAGES" / "atlas.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgid "Key figures"', 'msgid "Key figure"'), encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale)
    found = [message for file, _, severity, message in i18n.catalogue_findings() if severity == "error"]
    assert found == ["unused key 'Key figure': no template or page uses it; remove it",
                     "missing key 'Key figures' (used in macros/templates/place.html:16): add its translation"]


def test_every_term_has_its_labels(atlas) -> None:
    for terms in atlas.terms.values():
        for term in terms.values():
            assert set(term.labels) == set(i18n.TRANSLATED), term.id


HOSTILE = """
name: "<script>window.__xss=1</script> & Co"
names: {zh-Hant: "<img src=x onerror=window.__xss=2>", ja: "{{ 7*7 }}</title><b>&amp;"}
country: JP
coordinates: [35.0, 139.0]
relationships:
  - {with: yokohama, type: sister, signed: 2001-02-03, sources: [{title: X, url: 'https://example.org/'}]}
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = DataDir(tmp_path_factory.mktemp("hostile-languages") / "data", real=True)
    data.write("cities/evil.yaml", HOSTILE)
    out = tmp_path_factory.mktemp("hostile-languages-site")
    result = mkdocs_build(out, data.root)
    assert result.returncode == 0, result.stderr[-3000:]
    return out


@pytest.mark.parametrize("lang", ["", "zh-Hant/", "ja/"])
def test_a_hostile_name_stays_escaped_in_each_language(hostile: Path, lang: str) -> None:
    for url in (f"{lang}cities/evil", f"{lang}cities/yokohama", f"{lang}timeline", f"{lang}quality"):
        html = page(hostile, url)
        assert "<script>window.__xss" not in html and "<img src=x" not in html and "</title><b>" not in html, url
    evil = page(hostile, f"{lang}cities/evil")
    shown = {"": "&lt;script&gt;window.__xss=1&lt;/script&gt; &amp; Co", "zh-Hant/": "&lt;img src=x onerror=window.__xss=2&gt;",
             "ja/": "{{ 7*7 }}&lt;/title&gt;&lt;b&gt;&amp;amp;"}[lang]
    assert f'<h1 class="atlas-title">{shown}' in evil
    assert f">{shown}</a> – " in page(hostile, f"{lang}timeline")  # escaped on the timeline too
    assert f"<title>{shown} - " in evil
    if lang == "ja/":
        assert "{{ 7*7 }}" in text(evil) and ">49<" not in evil  # data is never template source


def test_the_language_pages_are_byte_identical_across_builds(site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    result = mkdocs_build(again)
    assert result.returncode == 0, result.stderr[-3000:]
    for folder in ("zh-Hant", "ja", "cities/taipei"):
        compared = filecmp.dircmp(site / folder, again / folder)
        stack = [compared]
        while stack:
            current = stack.pop()
            assert not current.left_only and not current.right_only, current.left
            _, mismatch, errors = filecmp.cmpfiles(current.left, current.right, current.common_files, shallow=False)
            assert not mismatch and not errors, (current.left, mismatch)
            stack += current.subdirs.values()
    for name in ("sitemap.xml", "sitemap-en.xml", "ja/sitemap.xml"):
        assert (site / name).read_bytes() == (again / name).read_bytes()


@pytest.mark.browser
@needs_chromium
def test_the_chinese_page_draws_its_map_and_switches_language(browser: object, base: str) -> None:
    visit = Visit(browser, base)
    try:
        visit.open("zh-Hant/cities/taipei/", "map-taipei")
        assert visit.page.evaluate("document.documentElement.lang") == "zh-Hant"
        visit.page.click(".md-select .md-header__button")
        visit.page.click('a.md-select__link[hreflang="ja"]')
        visit.page.wait_for_url(base + "ja/cities/taipei/")
        visit.page.wait_for_selector('h2#key-figures:has-text("主な数値")')
        assert visit.page.evaluate("document.documentElement.lang") == "ja"
        assert visit.errors == [], visit.errors
        assert visit.foreign == []
    finally:
        visit.context.close()


def test_every_word_the_maps_show_is_in_the_catalogues() -> None:
    """The maps' scripts ask for their words by English text (entry.t / t): each one is listed in
    mapsite.MAP_WORDS, so it reaches the catalogues and a translated page's data-words."""
    from macros import mapsite

    root = Path(__file__).resolve().parent.parent
    sources = (root / "overrides/assets/atlas/atlas-maps.js").read_text() + (root / "macros/maps.py").read_text()
    asked = set(re.findall(r'\bt\("((?:[^"\\]|\\.)*)"', sources))
    asked |= {"Active", "Ended", "Suspended", "Disputed", "Zoom in", "Zoom out", "Full screen", "Exit full screen"}  # by name
    assert len(asked) >= 20
    assert asked <= set(mapsite.MAP_WORDS), asked - set(mapsite.MAP_WORDS)
    for lang in i18n.TRANSLATED:
        _ = i18n.gettext_of(lang)
        assert [w for w in mapsite.MAP_WORDS if _(w) == w] == [], lang


def test_a_translated_place_map_has_its_own_data_in_the_language(site: Path) -> None:
    data = json.loads((site / "zh-Hant/cities/taipei/map.geojson").read_text(encoding="utf-8"))
    props = {f["id"]: f["properties"] for f in data["features"] if f["geometry"]["type"] == "Point"}
    assert props["taipei"]["name"] == "臺北市" and props["taipei"]["also"] == ["Taipei", "台北市"]
    assert props["houston"]["country"] == "美國" and props["houston"]["url"] == "../houston/"
    link = [f["properties"] for f in data["features"] if f["properties"].get("to") == "houston"][0]
    assert link["type_label"] == "姊妹市" and link["signed"] == "1961年6月15日" and link["year"] == 1961
    html = page(site, "zh-Hant/cities/taipei")
    words = json.loads(unescape(re.search(r'data-words="([^"]*)"', html).group(1)))
    assert words["Legend"] == "圖例" and words["Signed {date}"] == "簽署於 {date}"
    assert 'data-words' not in page(site, "cities/taipei")  # English: the scripts' own words
    assert "embed/?map=cities/taipei/" in html  # the embed page shows the English map


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("width", [1280, 390])
def test_the_chinese_map_speaks_chinese(browser: object, base: str, width: int) -> None:
    visit = Visit(browser, base, viewport=(width, 800), touch=width < 600)
    try:
        visit.open("zh-Hant/cities/taipei/", "map-taipei")
        legend = visit.page.locator("#map-taipei .atlas-legend")
        title = legend.locator(".atlas-legend-title")
        assert title.inner_text() == "圖例"
        if title.get_attribute("aria-expanded") != "true":
            title.tap() if width < 600 else title.click()
        text_ = legend.inner_text()
        assert "姊妹市" in text_ and "友好城市" in text_ and "Sister" not in text_
        assert visit.page.locator("#map-taipei .leaflet-control-zoom-in").get_attribute("title") == "放大"
        visit.map("map-taipei", "(m.open(m.layers['houston']), true)")
        popup = visit.page.locator("#map-taipei .leaflet-popup-content").inner_text()
        assert "休士頓" in popup and "美國" in popup and "簽署於 1961年6月15日" in popup and "狀態：進行中" in popup
        assert visit.page.locator("#map-taipei .leaflet-popup-content a").get_attribute("href") == "../houston/"
        assert visit.errors == [], visit.errors
    finally:
        visit.context.close()


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("start, query, expected", [("ja/cities/taipei/", "横浜", "ja/cities/yokohama/"),
                                                    ("zh-Hant/cities/taipei/", "高雄", "zh-Hant/cities/kaohsiung/"),
                                                    ("ja/", "姉妹都市", "ja/types/sister/"), ("zh-Hant/", "姊妹市", "zh-Hant/types/sister/")])
def test_search_finds_the_place_page_in_the_sites_language(browser: object, base: str, start: str, query: str, expected: str) -> None:
    visit = Visit(browser, base)
    try:
        visit.page.goto(base + start)
        visit.page.keyboard.press("s")  # Material's shortcut to the search box
        visit.page.keyboard.type(query, delay=50)
        visit.page.keyboard.press("End")  # typed CJK text sends no key events; the search runs on keyup
        visit.page.locator(".md-search-result__item").first.wait_for(timeout=10000)
        links = visit.page.locator(".md-search-result__item a").evaluate_all("links => links.map(a => a.href.split('?')[0])")
        assert base + expected in links
        assert all(link.startswith(base + start.split("/")[0] + "/") for link in links), links  # none in another language
        # Its language's index only: on a phone the one index of every language cost a map page 108 KB.
        assert [u for u in visit.requests if u.endswith("search_index.json")] == [base + start.split("/")[0] + "/search/search_index.json"]
    finally:
        visit.context.close()


def test_each_language_has_its_own_search_index(site: Path) -> None:
    indexes = {lang: json.loads((site / prefix / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
               for lang, prefix in (("en", ""), ("ja", "ja"), ("zh-Hant", "zh-Hant"))}
    assert {d["location"] for d in indexes["en"]} >= {"cities/yokohama/", "about/"}
    assert not [d for d in indexes["en"] if d["location"].startswith(("ja/", "zh-Hant/"))]
    for lang in ("ja", "zh-Hant"):  # locations from the language's folder, each a page of it
        assert {"cities/yokohama/", "about/"} <= {d["location"] for d in indexes[lang]}
        pages = {d["location"].split("#")[0] for d in indexes[lang]}
        assert all((site / lang / path / "index.html").is_file() or (site / lang / path).is_file() for path in pages), pages


def test_a_type_of_tie_in_each_language(site: Path, atlas) -> None:
    sister = [link for link in atlas.links if link.rel.type == "sister"]
    zh = page(site, "zh-Hant/types/sister")
    assert re.search(r'<h1 class="atlas-title">姊妹市</h1>\s*<p>兩地地方政府正式締結的姊妹市或結盟協定。</p>', zh)
    assert f"本圖集共有 {len(sister)} 項此類關係。" in zh
    assert "<caption>姊妹市關係</caption>" in zh and '<th scope="col">地點</th>' in zh
    # Houston's row: Taipei by its Chinese name, linked in Chinese; the date as Chinese writes it.
    row = re.search(r'<tr class="atlas-link[^>]*>(?:(?!</tr>).)*houston(?:(?!</tr>).)*</tr>', zh).group(0)
    assert 'href="../../cities/taipei/">臺北市</a>' in row and "1961年6月15日" in row and "進行中" in row
    assert (site / "zh-Hant/types/sister/map.geojson").is_file()
    ja = page(site, "ja/types/friendship")
    assert '<h1 class="atlas-title">友好都市</h1>' in ja and "正式な友好都市協定。" in ja
    # The language's home lists the types, and the switcher pairs the pages.
    assert re.search(r'<a href="types/sister/"[^>]*>姉妹都市</a>', page(site, "ja"))
    assert 'href="../../../ja/types/sister/" hreflang="ja"' in zh


def test_a_country_in_each_language(site: Path, atlas) -> None:
    japan = [pid for pid, place in atlas.places.items() if place.country == "JP"]
    ja = page(site, "ja/countries/jp")
    assert "<title>日本の地域 - " in ja and f"アトラスに {len(japan)} 地域" in ja and "（アジア）。" in ja
    assert re.search(r'<a href="../../cities/yokohama/">横浜市</a>', ja)  # the place's page in Japanese
    assert '<h2 id="partner-countries">相手の国・地域' in ja
    zh = page(site, "zh-Hant/countries/us")
    assert "<caption>美國各地的關係</caption>" in zh and (site / "zh-Hant/countries/us/map.geojson").is_file()
    assert re.search(r'<a href="countries/jp/">.*日本</a>', page(site, "ja"))


@pytest.mark.parametrize("lang", i18n.TRANSLATED)
def test_every_link_of_a_language_leads_to_a_page_that_exists(site: Path, lang: str) -> None:
    """Pages in a language link the others in it where they exist, else the English ones."""
    broken = set()
    for path in sorted((site / lang).rglob("index.html")):
        for href in re.findall(r'<a [^>]*href="([^"]+)"', path.read_text(encoding="utf-8")):
            href = unescape(href).split("#")[0].split("?")[0]
            if not href or re.match(r"[a-z]+:", href):
                continue
            target = (path.parent / href).resolve()
            if not (target / "index.html" if href.endswith("/") else target).exists():
                broken.add((str(path.relative_to(site)), href))
    assert len(list((site / lang).rglob("index.html"))) > 300
    assert sorted(broken)[:10] == []


def test_networks_and_programmes_in_each_language(site: Path) -> None:
    zh = page(site, "zh-Hant/networks/citynet")
    assert "<dt>成立</dt><dd>1987年</dd>" in zh and "本圖集中有 2 個地點記錄為成員。" in zh
    assert re.search(r'<a href="../../cities/taipei/">臺北市</a>', zh) and (site / "zh-Hant/networks/citynet/map.geojson").is_file()
    # The contributors' English prose says it is English.
    assert '<div class="atlas-summary" lang="en">' in zh and '<div class="atlas-summary">' in page(site, "networks/citynet")
    ja = page(site, "ja/programs/y-port")
    assert re.search(r"<dt>運営</dt><dd><a href=\"../../cities/yokohama/\">横浜市</a></dd>", ja) and "<td>運営者</td>" in ja
    assert re.search(r'<a href="networks/citynet/"[^>]*>CITYNET', page(site, "ja"))


def test_the_lists_in_each_language(site: Path, atlas) -> None:
    ja = page(site, "ja/cities")
    assert f"{len(atlas.places)} 地域。" in ja and re.search(r'<a href="../cities/yokohama/">横浜市</a>', ja) is None
    assert re.search(r'<a href="yokohama/">横浜市</a>', ja)
    zh = page(site, "zh-Hant/types")
    assert "<td>兩地地方政府正式締結的姊妹市或結盟協定。</td>" in zh and re.search(r'<a href="sister/"[^>]*>姊妹市</a>', zh)
    # The English list's switcher now leads to the list in each language.
    assert 'href="../ja/cities/" hreflang="ja"' in page(site, "cities")


@pytest.mark.parametrize("url, english", [("ja/contributing", "../../contributing/"), ("zh-Hant/authoring", "../../authoring/"),
                                          ("ja/authoring", "../../authoring/")])
def test_a_page_not_yet_translated_says_so_in_the_language_and_links_the_english(site: Path, url: str, english: str) -> None:
    html = page(site, url)
    lang = url.split("/")[0]
    said = {"ja": "このページはまだ日本語に翻訳されていません：", "zh-Hant": "本頁尚未翻譯為繁體中文："}[lang]
    assert f'<html lang="{lang}"' in html and said in html and f'<a href="{english}">' in html
    assert re.search(r'<h1 lang="en">[^<]+</h1>', html)
    # The English page's switcher leads there, not to the language's home.
    english_html = page(site, url.split("/", 1)[1])
    assert re.search(rf'href="[./]*{re.escape(url)}/" hreflang="{lang}"', english_html)


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("width", [1366, 390])
def test_the_japanese_world_map_speaks_japanese(browser: object, base: str, width: int) -> None:
    visit = Visit(browser, base, viewport=(width, 844), touch=width < 600)
    try:
        visit.open("ja/map/", "map-global")
        assert visit.page.locator("h1").first.inner_text() == "地図"
        years = visit.page.locator("#map-global .atlas-years").inner_text()
        assert "締結年の上限：" in years and "日付のある提携" in years
        search = visit.page.locator("#map-global .atlas-search-input")
        assert search.get_attribute("placeholder") == "地名で探す"
        search.fill("横浜")
        assert visit.page.locator("#map-global .atlas-search-choice").first.inner_text() == "横浜市 (日本)"
        search.fill("Yokohama")  # the English name finds it too
        assert visit.page.locator("#map-global .atlas-search-choice").first.inner_text() == "横浜市 (日本)"
        search.fill("zzzz")
        assert visit.page.locator("#map-global .atlas-search-status").inner_text() == "該当する地名はありません"
        assert visit.page.locator("#map-global .atlas-legend-title").inner_text() == "凡例"
        assert visit.errors == [], visit.errors
    finally:
        visit.context.close()


def test_the_japanese_timeline_dates_a_tie_in_japanese_and_titles_its_charts_in_japanese(site: Path) -> None:
    ja = page(site, "ja/timeline")
    assert "<title>年表 - 都市外交アトラス</title>" in ja and "<h1>年表</h1>" in ja
    assert ('<li class="atlas-link--active"><time datetime="1961-06-15">1961年6月15日</time> <a href="../cities/taipei/">台北市</a>'
            ' – <a href="../cities/houston/">Houston</a>：姉妹都市</li>') in ja
    assert '<h3 class="atlas-decade" id="y1961">1961年</h3>' in ja
    assert '<svg class="atlas-chart" viewBox="0 0 720 260" role="img" aria-label="年代別の協定締結数（種類別）"' in ja
    assert "<title>年代別の協定締結数（相手の地域別）</title>" in ja and '>1960年代</text>' in ja
    assert "アメリカ合衆国・カナダ</li>" in ja  # a region of the legend
    assert '<h2 id="agreements-per-decade-by-type">年代別・種類別の協定数<a' in ja  # the English anchor


def test_the_chinese_sources_page_lists_a_source_with_the_records_citing_it(site: Path) -> None:
    zh = page(site, "zh-Hant/sources")
    assert "<title>資料來源 - 城市外交地圖集</title>" in zh and "<h1>資料來源</h1>" in zh
    assert ('<dd><span class="atlas-muted">[brittlebank-2014]</span> 引用紀錄： <a href="../cities/taipei/">臺北市</a> · '
            '<a href="https://github.com/city-diplomacy-atlas/atlas/edit/main/data/sources/brittlebank-2014.yaml">編輯</a></dd>') in zh
    # The contributors' words keep their language: an English title and note, a Japanese title.
    assert '<span lang="en">Global Cities, Governance and Diplomacy</span>' in zh
    assert '<span class="atlas-source-note" lang="en">Book (New York).</span>' in zh
    assert 'rel="nofollow noopener" lang="ja">推計人口-20210201' in zh
    assert "語言：日文。" in zh and "In Japanese." in page(site, "sources")  # a source's language by its name (CLDR)
    # A Chinese place page's notes lead to the sources in Chinese.
    assert 'href="../../sources/#' in page(site, "zh-Hant/cities/taipei")


@pytest.mark.parametrize("lang, coverage, headings", [
    ("zh-Hant", ["<h1>收錄概況</h1>", '<th scope="col">公布數目</th>', '<th scope="col">尚缺</th>'],
     ["日期不詳的關係", "只有單一來源的關係", "有爭議的資料", "較不可靠的來源", "沒有任何關係的地點"]),
    ("ja", ["<h1>収録状況</h1>", '<th scope="col">公表数</th>', '<th scope="col">未記録</th>'],
     ["日付不明の提携", "出典が1つだけの提携", "異説のある値", "信頼性の低い出典", "提携の記録がない地域"]),
])
def test_coverage_and_quality_have_translated_headings(site: Path, lang: str, coverage: list[str], headings: list[str]) -> None:
    html = page(site, f"{lang}/coverage")
    assert all(part in html for part in coverage), lang
    quality = page(site, f"{lang}/quality")
    found = re.findall(r'<h2 id="([^"]+)">([^<]+)<a', quality)
    assert found == list(zip(["undated-links", "links-with-one-source", "disputed-values", "weak-sources", "places-with-no-links"], headings))


@pytest.mark.parametrize("url", [f"{lang}/{name}" for lang in i18n.TRANSLATED for name in ("timeline", "sources", "coverage", "quality")])
def test_the_four_site_pages_are_no_longer_untranslated_stubs(site: Path, url: str) -> None:
    html = page(site, url)
    lang = url.split("/")[0]
    assert f'<html lang="{lang}"' in html
    assert "このページはまだ" not in html and "本頁尚未翻譯" not in html and '<h1 lang="en">' not in html
    assert re.search(r'<div class="atlas-computed"|<p class="atlas-computed"|<ul class="atlas-computed"|atlas-sortable atlas-computed', html)


def test_the_switcher_on_the_japanese_timeline_links_the_english_and_chinese_timelines(site: Path) -> None:
    html = page(site, "ja/timeline")
    links = re.findall(r'<a href="([^"]+)" hreflang="([^"]+)" lang="[^"]+" class="md-select__link"', html)
    assert links == [("../../timeline/", "en"), ("../../zh-Hant/timeline/", "zh-Hant"), ("./", "ja")]


def test_a_translators_hand_written_page_replaces_the_notice_and_its_macros_speak_its_language(site: Path, atlas) -> None:
    """content/ja/compare/yokohama-taipei.md: the Japanese essay, its figures and table computed in Japanese."""
    ja = page(site, "ja/compare/yokohama-taipei")
    assert '<html lang="ja"' in ja and re.search(r"<h1[^>]*>横浜と台北<", ja) and "翻訳されていません" not in ja
    assert '<h2 id="海外との二つの関わり方">' in ja  # its headings' anchors in its own script
    links = len(atlas.links_of("yokohama"))
    assert f"記録している提携は {links} 件" in ja and "最初のものは 1957年10月29日 です" in ja
    assert "<caption>横浜市と台北市の比較：" in ja and '<th scope="col">項目</th>' in ja
    assert '<a href="../../cities/yokohama/">横浜市</a>' in ja and ">記録された提携（種類別）</th>" in ja
    assert '<span lang="en">Sharing technical know-how' in ja  # the recorded profile stays English, marked so
    zh = page(site, "zh-Hant/compare/yokohama-taipei")
    assert "最早有日期的一筆是 1957年10月29日" in zh and "<caption>橫濱市與臺北市的比較：" in zh
    # The English page's switcher and the Japanese navigation lead to it; other hand-written pages keep their notice.
    assert '<a href="../../ja/compare/yokohama-taipei/" hreflang="ja"' in page(site, "compare/yokohama-taipei")
    assert 'href="../compare/yokohama-taipei/" class="md-nav__link' in page(site, "ja/taiwan")
    assert "翻訳されていません" in page(site, "ja/authoring")
    zh = page(site, "zh-Hant/compare/kaohsiung-taipei")
    assert f"地圖集為高雄紀錄了 {len(atlas.links_of('kaohsiung'))} 筆交流關係" in zh and "<caption>高雄市與臺北市的比較：" in zh
