"""What a build writes besides the pages' HTML: every generated page, made in order, with its
map's data beside it; the maps' scripts and assets; the downloads and the feed.

No MkDocs here. An engine adapter runs ``make_files`` while the engine works
(``macros.mkdocs_adapter`` forks a process for it) and takes the pages as they come.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterator

from . import exports, feed, i18n, mapsite, pages
from .atlas import Atlas


def make_files(atlas: Atlas, site: pages.SiteConfig, site_dir: Path, project: Path,
               report: Callable[[str], None]) -> Iterator[list[pages.GeneratedPage]]:
    """Every generated page (in chunks, in page_uris order) with its map's data written beside it;
    then the maps' scripts, assets and the global map's data, the downloads and the feed."""
    from . import mapdata  # numpy: only in the process that writes the maps' data

    start = time.perf_counter()
    data = mapdata.MapData(atlas)
    chunk = []
    for page in pages.iter_pages(atlas, site):
        if page.map_data:
            write(site_dir / pages.url_of(page.uri) / mapsite.DATA_FILE, page.map_data(data))
        chunk.append(replace(page, map_data=None))
        if len(chunk) == 50:
            yield chunk
            chunk = []
    yield chunk
    made = time.perf_counter()
    from . import maps  # Folium (slow to import): once the pages are made

    maps.install_assets(site_dir / "assets", project)
    types = [{"id": t.id, "label": t.label, "color": t.shown_color} for t in atlas.vocabulary.relationship_types]
    for path, text in {**maps.kind_scripts(types), "map/" + mapsite.DATA_FILE: data.world("map/")}.items():
        write(site_dir / path, text)
    for lang in site.languages:  # the world map in each language (pages.world_map_page)
        here = i18n.LANGUAGES[lang].prefix + "map/"
        write(site_dir / here / mapsite.DATA_FILE, data.world(here, lang))
    drawn = time.perf_counter()
    exports.write_all(atlas, site_dir, site.site_url)
    for name, text in data.downloads().items():
        write(site_dir / "downloads" / name, text)
    write(site_dir / "feed.xml", feed.atom(atlas, site))
    report(f"atlas timing: pages and their maps' data {made - start:.2f} s, map scripts and the world map's data "
              f"{drawn - made:.2f} s, downloads and feed {time.perf_counter() - drawn:.2f} s (in a forked process)")


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


_URL = re.compile(r"\s*<url>\s*<loc>([^<]*)</loc>.*?</url>", re.S)
_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
         'xmlns:xhtml="http://www.w3.org/1999/xhtml">')


def write_search_indexes(site_dir: Path, index: dict, prefixes: tuple[str, ...]) -> list[str]:
    """The theme's search index (``index``) as one index per language, in the language's folder
    (ja/search/search_index.json, its pages' locations from there), English at the root. Each page
    loads its language's index only (overrides/main.html points the theme's search there): on a
    phone the one index of every language was the largest download of a map page (108 KB of the
    290 KB before its first tile). Returns the indexes' paths from the site root."""
    groups: dict[str, list[dict]] = {prefix: [] for prefix in ("", *prefixes)}
    for doc in index["docs"]:
        prefix = next((p for p in prefixes if doc["location"].startswith(p)), "")
        groups[prefix].append({**doc, "location": doc["location"][len(prefix):]})
    paths = []
    for prefix, docs in groups.items():
        paths.append(f"{prefix}search/search_index.json")
        write(site_dir / paths[-1], json.dumps({**index, "docs": docs}, ensure_ascii=False, separators=(",", ":")))
    return paths


def split_sitemap(site_dir: Path, site_url: str, prefixes: tuple[str, ...]) -> list[str]:
    """The engine's sitemap.xml (every page, with its hreflang alternates) as one sitemap per
    language, each in its language's folder (English: sitemap-en.xml at the root; not the
    embed page, which search engines are told not to index), and
    sitemap.xml, where search engines look, as their index. The engine's sitemap.xml.gz goes:
    it would be the old list. Returns the sitemaps' paths from the site root."""
    text = (site_dir / "sitemap.xml").read_text(encoding="utf-8")
    base = site_url.rstrip("/") + "/"
    groups: dict[str, list[str]] = {prefix: [] for prefix in ("", *prefixes)}
    for found in _URL.finditer(text):
        path = found.group(1)[len(base):] if found.group(1).startswith(base) else ""
        if path == mapsite.EMBED_PAGE:  # a map for other sites' frames, marked noindex
            continue
        prefix = next((p for p in prefixes if path.startswith(p)), "")
        groups[prefix].append(found.group(0))
    paths = []
    for prefix, entries in groups.items():
        path = prefix + "sitemap.xml" if prefix else "sitemap-en.xml"
        write(site_dir / path, _HEAD + "".join(entries) + "\n</urlset>\n")
        paths.append(path)
    index = "".join(f"\n    <sitemap><loc>{base}{path}</loc></sitemap>" for path in paths)
    write(site_dir / "sitemap.xml", '<?xml version="1.0" encoding="UTF-8"?>\n'
          f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{index}\n</sitemapindex>\n')
    (site_dir / "sitemap.xml.gz").unlink(missing_ok=True)
    return paths
