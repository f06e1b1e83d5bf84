"""The MkDocs engine adapter: the only module that imports MkDocs.

It loads and validates data/ once per build (on_config), adds the generated
pages (on_files), points each record page's edit link at its YAML file, writes
the downloads and the maps' files (in a process forked at the end of on_files,
awaited in on_post_build; half the place pages are made in another) and makes `mkdocs serve` watch data/. The macros for
authors (define_env) read the same loaded atlas.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import pickle
import re
import sys
import threading
import traceback
from dataclasses import dataclass, field
from operator import methodcaller
from pathlib import Path
from typing import Any, Callable, Optional

from markupsafe import Markup

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from . import exports, feed, mapsite, pages
from .atlas import Atlas
from .render import relative
from .validate import load

log = logging.getLogger("mkdocs.atlas")


@dataclass
class _Build:
    """What one build knows: set in on_config, read by every later event and by the macros."""

    atlas: Optional[Atlas] = None
    site: pages.SiteConfig = field(default_factory=pages.SiteConfig)
    data_dir: Path = Path("data")
    edits: dict[str, str] = field(default_factory=dict)  # generated page -> the data file to edit
    html: dict[str, str] = field(default_factory=dict)  # generated page source path -> its finished content
    shielded: dict[str, str] = field(default_factory=dict)  # placeholder -> a macro's finished HTML
    search: list[dict] = field(default_factory=list)  # the search entries of the generated pages
    map_data: dict[str, Any] = field(default_factory=dict)  # site path of a map.geojson -> how to make it
    author_maps: dict[str, Any] = field(default_factory=dict)  # the same, for maps on hand-written pages
    writer: Callable[[], Any] = lambda: None  # waits for the files written during the build (write_files)


build = _Build()


def data_dir_of(config: MkDocsConfig) -> Path:
    """extra.atlas_data in mkdocs.yml (default data), or the ATLAS_DATA environment variable."""
    extra = config.extra or {}
    return Path(config.config_file_path).parent / os.environ.get("ATLAS_DATA", extra.get("atlas_data", "data"))


def load_for(config: MkDocsConfig) -> Atlas:
    """Load and validate data/ for this build; fail the build with every error found."""
    build.data_dir = data_dir_of(config)
    project = Path(config.config_file_path).parent.resolve()
    shown = build.data_dir.resolve()
    # Contributors get the geography warning from `atlas check`; the build skips its cost.
    atlas, findings = load(build.data_dir, shown.relative_to(project) if shown.is_relative_to(project) else shown, geography=False)
    for finding in findings:
        (log.error if finding.severity == "error" else log.info)(str(finding))
    if atlas is None:
        errors = sum(f.severity == "error" for f in findings)
        raise PluginError(f"the data has {errors} error(s): run `make check` to see them")
    build.atlas = atlas
    build.site = pages.SiteConfig(repo_url=config.repo_url or "", site_url=config.site_url or "",
                                  site_name=config.site_name, root=str(project))
    return atlas


@event_priority(100)  # before mkdocs-macros calls define_env
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")  # sitemap.xml dates: same data, same bytes
    load_for(config)
    config.extra["atlas_head_css"] = mapsite.HEAD_CSS
    config.extra["atlas_head_js"] = mapsite.HEAD_JS
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    atlas = build.atlas
    assert atlas is not None
    build.edits, build.html, build.search, build.map_data, build.author_maps = {}, {}, [], {}, {}
    for page in generated_pages(atlas):
        inclusion = InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV
        files.append(File.generated(config, page.uri, content=page.markdown, inclusion=inclusion))
        build.html[page.uri] = page.html
        build.search.append(page.search)
        if page.edit:
            build.edits[page.uri] = page.edit
        if page.map_data:
            build.map_data[pages.url_of(page.uri) + mapsite.DATA_FILE] = page.map_data
    global_map = mapsite.map_block("map-global", "world", "Map of every place and link in the atlas",
                                   mapsite.DATA_FILE, relative("map/", mapsite.BASEMAP))
    build.map_data["map/" + mapsite.DATA_FILE] = methodcaller("world", "map/")
    files.append(File.generated(config, "map.md", content=_map_page(global_map), inclusion=InclusionLevel.INCLUDED))
    build.writer = forked(lambda: write_files(config))  # while the engine renders the pages
    return files


def generated_pages(atlas: Atlas) -> list[pages.GeneratedPage]:
    """Every generated page, in the same order on every build. A forked process makes 70% of
    the place pages meanwhile; this one makes the rest and the other pages (measured: about
    half as much work as all place pages), so that both take about as long."""
    figs = pages.all_figures(atlas)
    pids = sorted(atlas.places)
    split = len(pids) * 3 // 10
    later = forked(lambda: pages.place_pages(atlas, build.site, figs, pids[split:]))
    first = pages.place_pages(atlas, build.site, figs, pids[:split])
    rest = pages.other_pages(atlas, build.site, figs)
    return first + later() + rest


def _map_page(block: str) -> str:
    return (
        "---\ntitle: Map\nrender_macros: false\nhide: [navigation, toc]\n---\n# Map\n\n"
        "Every place and link in the atlas. Switch link types on and off, find a place, "
        "and move the slider to see the links signed up to a year.\n\n"
        "The same links as text: a table per [relationship type](types/index.md), the "
        "[timeline](timeline.md) by year, and `links.csv` in the [downloads](downloads.md).\n\n"
        + block + "\n"
    )


_PLACEHOLDER = re.compile(r"<p>(atlasshield[0-9a-f]{24})</p>|(atlasshield[0-9a-f]{24})")


def shield(html: Markup) -> str:
    """A placeholder for a macro's HTML: the engine's Markdown (with attr_list) sees only it."""
    token = "atlasshield" + hashlib.sha256(html.encode("utf-8")).hexdigest()[:24]
    build.shielded[token] = str(html)
    return token


def _shielded(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        result = function(*args, **kwargs)
        return shield(result) if isinstance(result, Markup) else result

    return call


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Generated pages: the engine converted only their heading skeleton; put the real HTML in.

    Hand-written pages: put each macro's HTML where its placeholder is.
    """
    if page.file.src_uri in build.html:
        return build.html.pop(page.file.src_uri)
    return _PLACEHOLDER.sub(lambda m: build.shielded.get(m.group(1) or m.group(2), m.group(0)), html)


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav: Any) -> dict:
    # A hand-written page whose text lives elsewhere names that file in its front matter (`edit:`).
    edit = build.edits.get(page.file.src_uri) or page.meta.get("edit")
    if edit:
        page.edit_url = build.site.edit_url(edit)
    return context


def write_files(config: MkDocsConfig) -> None:
    """What the build writes besides pages: the maps' scripts, assets and data, the downloads and the feed."""
    from . import mapdata, maps  # Folium and numpy: only in the process that writes these

    atlas = build.atlas
    assert atlas is not None
    site_dir = Path(config.site_dir)
    maps.install_assets(site_dir / "assets", Path(config.config_file_path).parent)
    types = [{"id": t.id, "label": t.label, "color": t.shown_color} for t in atlas.vocabulary.relationship_types]
    data = mapdata.MapData(atlas)
    texts = {path: make(data) for path, make in build.map_data.items()}
    for path, text in {**maps.kind_scripts(types), **texts}.items():
        (site_dir / path).parent.mkdir(parents=True, exist_ok=True)
        (site_dir / path).write_text(text, encoding="utf-8")
    exports.write_all(atlas, site_dir)
    for name, text in data.downloads().items():
        (site_dir / "downloads" / name).write_text(text, encoding="utf-8")
    (site_dir / "feed.xml").write_text(feed.atom(atlas, build.site), encoding="utf-8")


def forked(work: Callable[[], Any]) -> Callable[[], Any]:
    """Run ``work`` in a forked process while this one goes on; returns a function that waits
    for its result (pickled through a pipe). Where forking is unsafe (`mkdocs serve` runs
    threads) or impossible, ``work`` runs here and now."""
    if threading.active_count() > 1 or not hasattr(os, "fork"):
        done = work()
        return lambda: done
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: work, send the result, leave without running the parent's exit handlers
        os.close(read)
        code = 1
        try:
            with os.fdopen(write, "wb") as sink:
                pickle.dump(work(), sink, protocol=pickle.HIGHEST_PROTOCOL)
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stderr.flush()
            os._exit(code)
    os.close(write)

    def result() -> Any:
        with os.fdopen(read, "rb") as source:
            data = source.read()
        if os.waitpid(pid, 0)[1] != 0:
            raise PluginError("a process of the build failed (see the error above)")
        return pickle.loads(data)

    return result


@event_priority(-100)  # after the search plugin has written its index
def on_post_build(config: MkDocsConfig) -> None:
    site_dir = Path(config.site_dir)
    build.writer()
    if build.author_maps:  # known only once hand-written pages ran their macros
        from . import mapdata

        data = mapdata.MapData(build.atlas)
        for path, make in build.author_maps.items():
            (site_dir / path).write_text(make(data), encoding="utf-8")
    index_path = site_dir / "search" / "search_index.json"
    if index_path.is_file():
        index = json.loads(index_path.read_text(encoding="utf-8"))
        index["docs"].extend(build.search)
        index_path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    server.watch(str(build.data_dir))
    server.watch(str(Path(build.site.root) / "CONTRIBUTING.md"))  # the Contribute page's text
    return server


def define_env(env: Any) -> None:
    """mkdocs-macros entry: the variables and macros hand-written pages may use."""
    from . import authoring

    atlas = build.atlas if build.atlas is not None else load_for(env.conf)

    def here() -> str:
        page = getattr(env, "page", None)
        return page.url if page is not None else ""

    def add_map(page: str, make: Callable) -> None:
        path = page + mapsite.DATA_FILE
        if path in build.author_maps:
            raise ValueError("link_map: one map per page")
        build.author_maps[path] = make

    for name, function in authoring.macros(atlas, build.site, here, add_map).items():
        env.macro(_shielded(function), name)
