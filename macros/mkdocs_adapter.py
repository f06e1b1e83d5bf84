"""The MkDocs engine adapter: the only module that imports MkDocs.

It loads and validates data/ once per build (on_config) and adds the generated
pages (on_files) as empty sources. A process forked then makes their HTML, their maps'
data, the downloads and the feed while the engine works; each page's HTML, title and
table of contents go in just before the theme renders it (on_page_context), with
its edit link pointing at its YAML file. `mkdocs serve` watches data/. The macros
for authors (define_env) read the same loaded atlas.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import json
import logging
import os
import pickle
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Generator, Optional

from markupsafe import Markup, escape

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from . import i18n, mapsite, pages, sitefiles, structured
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
    made: Optional["Made"] = None  # the generated pages, made while the engine works
    shielded: dict[str, str] = field(default_factory=dict)  # placeholder -> a macro's finished HTML
    load_seconds: float = 0.0
    untranslated: set[str] = field(default_factory=set)  # a hand-written page's source path in another language (not translated yet)
    translated: set[str] = field(default_factory=set)  # a translator's hand-written page (content/ja/about.md)
    author_maps: dict[str, Any] = field(default_factory=dict)  # site path of a map.geojson on a hand-written page -> how to make it
    theme_language: str = ""  # mkdocs.yml's theme.language: English pages'
    navs: dict[str, Navigation] = field(default_factory=dict)  # language -> mkdocs.yml's navigation in it


build = _Build()


def data_dir_of(config: MkDocsConfig) -> Path:
    """extra.atlas_data in mkdocs.yml (default data), or the ATLAS_DATA environment variable."""
    extra = config.extra or {}
    return Path(config.config_file_path).parent / os.environ.get("ATLAS_DATA", extra.get("atlas_data", "data"))


def load_for(config: MkDocsConfig) -> Atlas:
    """Load and validate data/ for this build; fail the build with every error found."""
    start = time.perf_counter()
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
    build.atlas, build.load_seconds = atlas, time.perf_counter() - start
    build.site = pages.SiteConfig(repo_url=config.repo_url or "", site_url=config.site_url or "",
                                  site_name=config.site_name, root=str(project), languages=languages_of(config))
    return atlas


def languages_of(config: MkDocsConfig) -> tuple[str, ...]:
    """extra.atlas_languages in mkdocs.yml: the languages besides English whose pages are made."""
    asked = (config.extra or {}).get("atlas_languages") or []
    unknown = [code for code in asked if code not in i18n.TRANSLATED]
    if unknown:
        raise PluginError(f"extra.atlas_languages: no catalogue for {', '.join(map(str, unknown))} (known: {', '.join(i18n.TRANSLATED)})")
    return tuple(code for code in i18n.TRANSLATED if code in asked)


@event_priority(100)  # before mkdocs-macros calls define_env
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")  # sitemap.xml dates: same data, same bytes
    load_for(config)
    config.extra["atlas_map_loader"] = mapsite.loader_tag  # called in main.html with the page's base_url
    return config


# A generated page's source for the engine: no text (its HTML comes in at on_page_context), no
# macros, and no entry by the theme's indexer (each has one compact entry instead).
SKELETON = "---\nrender_macros: false\nsearch:\n  exclude: true\n---\n"
# The map-only page that other sites embed (overrides/embed.html: no header, no navigation).
EMBED_FRONT = "---\ntitle: Map\ntemplate: embed.html\nrender_macros: false\nsearch:\n  exclude: true\n---\n"


def on_files(files: Files, config: MkDocsConfig) -> Files:
    atlas = build.atlas
    assert atlas is not None
    build.author_maps, build.untranslated = {}, set()
    uris = pages.page_uris(atlas, build.site.languages)
    for uri, in_nav in uris:
        inclusion = InclusionLevel.INCLUDED if in_nav else InclusionLevel.NOT_IN_NAV
        files.append(File.generated(config, uri, content=SKELETON, inclusion=inclusion))
    _untranslated(files, config, {uri for uri, _ in uris})  # before the map pages, which are translated
    global_map = mapsite.map_block("map-global", "world", "Map of every place and link in the atlas",
                                   mapsite.DATA_FILE, relative("map/", ""))
    files.append(File.generated(config, "map.md", content=_map_page(global_map), inclusion=InclusionLevel.INCLUDED))
    for code in build.site.languages:
        files.append(File.generated(config, i18n.LANGUAGES[code].prefix + "map.md", content=pages.world_map_markdown(code),
                                    inclusion=InclusionLevel.NOT_IN_NAV))
    embed = mapsite.embed_block(relative(mapsite.EMBED_PAGE, mapsite.BASEMAP))
    files.append(File.generated(config, "embed.md", content=EMBED_FRONT + embed, inclusion=InclusionLevel.NOT_IN_NAV))
    # The pages, their maps' data, the downloads and the feed are made in a forked process
    # while the engine converts and renders pages; each page arrives before the engine needs it.
    project = Path(config.config_file_path).parent
    work = lambda: sitefiles.make_files(atlas, build.site, Path(config.site_dir), project, log.debug)
    build.made = Made(forked_stream(work), {u for u, _ in uris})
    return files


class Made:
    """The generated pages as they arrive, taken by source path in any order."""

    def __init__(self, chunks: Generator[list[pages.GeneratedPage], None, None], uris: set[str]):
        self.chunks, self.uris = chunks, uris
        self.waiting: dict[str, pages.GeneratedPage] = {}
        self.search: list[dict] = []  # their search entries, in the order they were made
        self.waited = 0.0  # seconds the engine waited for a page

    def take(self, uri: str) -> pages.GeneratedPage:
        start = time.perf_counter()
        while uri not in self.waiting:
            chunk = next(self.chunks, None)
            if chunk is None:
                raise PluginError(f"the generated page {uri} was never made")
            for page in chunk:
                self.waiting[page.uri] = page
                if page.search is not None:
                    self.search.append(page.search)
        self.waited += time.perf_counter() - start
        return self.waiting.pop(uri)

    def close(self) -> None:
        self.chunks.close()

    def finish(self) -> list[dict]:
        """Wait for every file of the build; the search entries of the pages."""
        for _ in self.chunks:
            raise PluginError("pages were made that the engine was not given")
        return self.search


def _untranslated(files: Files, config: MkDocsConfig, generated: set[str]) -> None:
    """Each hand-written page in each language: a translator's page where there is one
    (content/ja/about.md beside content/about.md), else a page that says, in that language, that
    it is not translated yet, with a link to the English text (out of the navigation)."""
    prefixes = build.site.prefixes
    build.translated = {f.src_uri for f in files.documentation_pages() if prefixes and f.src_uri.startswith(prefixes)}
    english_only = [f for f in files.documentation_pages()
                    if f.src_uri not in generated and f.src_uri != "index.md" and f.src_uri not in build.translated]
    for file in sorted(english_only, key=lambda f: f.src_uri):
        found = re.search(r"^title: (.+)$|^# (.+)$", file.content_string, re.M)  # its front matter's title, or its heading
        title = (found.group(1) or found.group(2)).strip() if found else file.name
        english = file.url or ""
        for code in build.site.languages:
            there = i18n.LANGUAGES[code].prefix + file.src_uri
            if there in build.translated:
                continue
            files.append(File.generated(config, there, content=pages.untranslated_page(title, english, there, code),
                                        inclusion=InclusionLevel.NOT_IN_NAV))
            build.untranslated.add(there)


def _map_page(block: str) -> str:
    return (
        "---\ntitle: Map\nrender_macros: false\nhide: [navigation, toc]\n"
        "description: The world map of the atlas, every place and every recorded tie between them, by type, "
        "with a slider through the years and a search for places.\n---\n# Map\n\n"
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
    """Hand-written pages: put each macro's HTML where its placeholder is."""
    return _PLACEHOLDER.sub(lambda m: build.shielded.get(m.group(1) or m.group(2), m.group(0)), html)


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    """mkdocs.yml's navigation in each language, for that language's pages (on_page_context)."""
    build.navs = {code: _language_nav(nav, files, code) for code in build.site.languages}
    return nav


def _language_nav(nav: Navigation, files: Files, lang: str) -> Navigation:
    """The navigation in a language (the header's tabs, the phone's drawer): each page's
    counterpart there (every page has one), with the titles mkdocs.yml gives in its words."""
    _, prefix, pages_in = i18n.gettext_of(lang), i18n.LANGUAGES[lang].prefix, []

    def counterpart(item: Any, parent: Optional[Section]) -> Any:
        if isinstance(item, Section):
            section = Section(_(item.title), [])
            section.parent, section.children = parent, [counterpart(child, section) for child in item.children]
            return section
        file = files.get_file_from_path(prefix + item.file.src_uri) if isinstance(item, Page) else None
        if file is None or file.page is None:
            return item  # a link, or a page with no counterpart
        if "title" in vars(item):  # mkdocs.yml names it
            file.page.title = _(item.title)
        file.page.parent = parent
        pages_in.append(file.page)
        return file.page

    language = Navigation([counterpart(item, None) for item in nav.items], pages_in)
    home = files.get_file_from_path(prefix + "index.md")
    language.homepage = home.page if home else nav.homepage
    return language


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav: Any) -> dict:
    """A generated page gets its title, description, HTML and table of contents just before the
    theme renders it. The theme prints page.meta's title and description as they are (its templates
    do not escape), so both reach it as Markup, escaped once: a generated page's are escaped from
    the data by macros.pages; a hand-written page's description (front matter) is escaped here."""
    edit = page.meta.get("edit")  # a hand-written page whose text lives elsewhere names that file
    lang = _languages(page, config)
    context["nav"] = build.navs.get(lang, nav)
    page.meta["search_root"] = i18n.LANGUAGES[lang].prefix  # its language's search index (overrides/main.html)
    if build.made is not None and page.file.src_uri in build.made.uris:
        made = build.made.take(page.file.src_uri)
        page.meta["title"], page.content, edit = Markup(made.title), made.html, made.edit  # a title in mkdocs.yml's nav stays the nav's
        page.meta["description"] = Markup(made.description)
        page.meta["jsonld"] = Markup(made.jsonld)
        page.toc = get_toc([{"level": 2, "id": id, "name": text, "children": []} for id, text in made.headings])
    else:
        if isinstance(page.meta.get("description"), str) and not isinstance(page.meta["description"], Markup):
            page.meta["description"] = escape(" ".join(page.meta["description"].split()))
        page.meta["jsonld"] = _jsonld(page.meta.get("jsonld"))
    if edit:
        page.edit_url = build.site.edit_url(edit)
    return context


def _language_of(page: Page) -> tuple[str, str]:
    """The page's language and its English page's source path."""
    uri = page.file.src_uri
    lang = next((code for code in build.site.languages if uri.startswith(i18n.LANGUAGES[code].prefix)), i18n.ENGLISH)
    return lang, uri[len(i18n.LANGUAGES[lang].prefix):]


def _languages(page: Page, config: MkDocsConfig) -> str:
    """The page's language, just before the theme renders it (pages are rendered one at a time,
    right after this event): Material's theme.language, so <html lang> and the theme's own words
    follow it, and the site's name in it. Gives the language."""
    default = build.theme_language = build.theme_language or config.theme["language"]
    lang, _ = _language_of(page)
    config.theme["language"] = default if lang == i18n.ENGLISH else lang
    config["site_name"] = i18n.gettext_of(lang)(build.site.site_name)  # the header's and the <title>'s
    return lang


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """A page's counterparts in the other languages, or their home page where it has none yet
    (page.meta.alternates: the language switcher, overrides/partials/alternate.html, and the
    hreflang links of sitemap.xml, which the theme renders before the pages)."""
    if not build.site.languages:
        return markdown
    lang, english = _language_of(page)
    generated = (build.made.uris if build.made is not None else set()) | build.untranslated | build.translated
    alternates = []
    for code in (i18n.ENGLISH,) + build.site.languages:
        prefix = i18n.LANGUAGES[code].prefix
        there = prefix + english
        exists = code == i18n.ENGLISH or there in generated  # every page has its English one
        target = pages.url_of(there) if exists else prefix
        alternates.append({"lang": code, "name": i18n.LANGUAGES[code].name, "link": target,
                           "url": build.site.absolute(target), "current": code == lang, "exists": exists})
    page.meta["alternates"] = alternates
    return markdown


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Back to English once a page in another language is rendered: the theme renders 404.html
    and sitemap.xml after the pages, with mkdocs.yml's settings."""
    if build.theme_language:
        config.theme["language"] = build.theme_language
    config["site_name"] = build.site.site_name
    return output


def _jsonld(asked: Any) -> Markup:
    """A hand-written page's JSON-LD: `jsonld: dataset` in its front matter gives the atlas's
    schema.org Dataset (the home and downloads pages); nothing else is printed."""
    if asked != "dataset" or build.atlas is None:
        return Markup("")
    return Markup(structured.script_text(structured.dataset(build.atlas, build.site)))


def forked_stream(work: Callable[[], Generator[Any, None, None]]) -> Generator[Any, None, None]:
    """Run the generator ``work`` in a forked process while this one goes on; iterate over what
    it yields as it comes. Each item is pickled to a file of its own and announced through a
    pipe, so the child never waits for this process to read. Where forking is unsafe (`mkdocs
    serve` runs threads) or impossible, ``work`` runs here, an item at a time, as asked for."""
    if threading.active_count() > 1 or not hasattr(os, "fork"):
        return work()
    _remove_stale_spools()
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:  # a killed build cleans up as an interrupted one does
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
    spool = Path(tempfile.mkdtemp(prefix=f"{SPOOL_PREFIX}{os.getpid()}-"))
    atexit.register(shutil.rmtree, spool, True)  # from its first moment, whatever happens next
    read, write = os.pipe()
    # A SIGTERM during the fork would land in its at-fork handlers (logging's), where Python
    # ignores the exception and the build goes on: it waits until the fork is done.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    try:
        pid = os.fork()
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    if pid == 0:  # the child: work, send the results, leave without running the parent's exit handlers
        os.close(read)
        code = 1
        try:
            for number, item in enumerate(work()):
                path = spool / str(number)
                path.write_bytes(pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL))
                os.write(write, f"{path}\n".encode())
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stderr.flush()
            os._exit(code)
    os.close(write)
    return iter(_Child(read, pid, spool))


SPOOL_PREFIX = "atlas-build-"  # then the building process's id: a spool whose process is gone is stale


def _remove_stale_spools() -> None:
    """Remove what builds killed outright (SIGKILL, a power cut) left in the temporary folder."""
    for spool in Path(tempfile.gettempdir()).glob(f"{SPOOL_PREFIX}*"):
        owner = spool.name[len(SPOOL_PREFIX):].split("-")[0]
        if owner.isdigit() and not _alive(int(owner)):
            shutil.rmtree(spool, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)  # unwinds, so the exit handlers remove the spool


class _Child:
    """What a forked child sends, as it comes; ``close`` stops the child and removes its files
    (also at exit, when the build ended early and MkDocs did not say so)."""

    def __init__(self, read: int, pid: int, spool: Path):
        self.read, self.pid, self.spool, self.running = read, pid, spool, True
        atexit.register(self.close)

    def __iter__(self) -> Generator[Any, None, None]:
        try:
            with os.fdopen(self.read, "rb") as announced:
                for line in announced:
                    path = Path(line.decode().rstrip("\n"))
                    item = pickle.loads(path.read_bytes())
                    path.unlink()
                    yield item
            status, self.running = os.waitpid(self.pid, 0)[1], False
            if status != 0:
                raise PluginError("a process of the build failed (see the error above)")
        finally:
            self.close()

    def close(self) -> None:
        if self.running:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.running = False
        shutil.rmtree(self.spool, ignore_errors=True)
        atexit.unregister(self.close)


@event_priority(-100)  # after the search plugin has written its index
def on_post_build(config: MkDocsConfig) -> None:
    site_dir = Path(config.site_dir)
    assert build.made is not None
    start = time.perf_counter()
    entries = build.made.finish()
    log.debug(f"atlas timing: data loaded in {build.load_seconds:.2f} s; the engine waited {build.made.waited:.2f} s "
              f"for pages, {time.perf_counter() - start:.2f} s for the other files")
    if build.author_maps:  # known only once hand-written pages ran their macros
        from . import mapdata

        data = mapdata.MapData(build.atlas)
        for path, make in build.author_maps.items():
            sitefiles.write(site_dir / path, make(data))
    if build.site.languages and (site_dir / "sitemap.xml").is_file():
        sitefiles.split_sitemap(site_dir, build.site.site_url, build.site.prefixes)
    index_path = site_dir / "search" / "search_index.json"
    if index_path.is_file():
        index = json.loads(index_path.read_text(encoding="utf-8"))
        index["docs"].extend(entries)
        sitefiles.write_search_indexes(site_dir, index, build.site.prefixes)


def on_build_error(error: Exception) -> None:
    if build.made is not None:
        build.made.close()  # stops the process making pages and removes what it left


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

    def language() -> str:  # the page's: a translator's page writes the macros' words in its language
        page = getattr(env, "page", None)
        return _language_of(page)[0] if page is not None else i18n.ENGLISH

    def add_map(page: str, make: Callable) -> None:
        path = page + mapsite.DATA_FILE
        if path in build.author_maps:
            raise ValueError("link_map: one map per page")
        build.author_maps[path] = make

    for name, function in authoring.macros(atlas, build.site, here, add_map, language).items():
        env.macro(_shielded(function), name)
