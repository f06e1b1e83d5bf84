"""Every generated page of the site, as Markdown text built from the loaded atlas.

Pure functions of the Atlas: no MkDocs here. The MkDocs adapter turns each
GeneratedPage into a file; another engine could do the same.
"""

from __future__ import annotations

import re
from html import unescape
import json
from operator import methodcaller
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Optional, Union

from markupsafe import Markup, escape

from . import exports, figures, i18n, mapsite, quality, search, structured
from .atlas import Atlas, Link, link_order
from .countries import countries
from .model import GEONAMES_SOURCE, PartialDate, Place, SourceEntry
from .render import counted, relative, render

if TYPE_CHECKING:  # numpy stays out of the main build process (see macros.mapsite)
    from .mapdata import MapData

SourceRef = Union[str, SourceEntry]


@dataclass(frozen=True)
class GeneratedPage:
    """A page written by the atlas: its title and finished HTML, with what the engine needs besides."""

    uri: str  # source path, e.g. cities/taipei.md
    title: str  # HTML-escaped: themes print titles as they are
    html: str
    in_nav: bool = False
    edit: Optional[str] = None  # the data file a contributor edits for this page
    search: Optional[dict] = None  # the page's one search entry (see macros.search)
    # Its map's GeoJSON, written beside it: a call on MapData (methodcaller: it can be pickled).
    map_data: Optional[Callable[["MapData"], str]] = None
    # One or two sentences from the page's own figures, HTML-escaped like the title: its
    # <meta name="description">, what search results and link previews show of it.
    description: str = ""
    # Its schema.org JSON-LD, ready for a <script type="application/ld+json"> (macros.structured).
    jsonld: str = ""
    lang: str = i18n.ENGLISH  # the language it is written in (macros.i18n)

    @property
    def headings(self) -> list[tuple[str, str]]:
        """(id, HTML text) of each section heading: the page's table of contents."""
        return _H2.findall(self.html)


def map_html(view: "View", kind: str, map_id: str, label: str, embed: bool = True) -> Markup:
    """A page's map, drawn from the map.geojson file beside the page (GeneratedPage.map_data), in
    the page's words, and the HTML that embeds it in another site (``embed``: the page's map is
    the embed page's, which is English)."""
    block = mapsite.map_block(map_id, kind, label, mapsite.DATA_FILE, view.url(""), view._)
    if not embed:
        return block
    english = view.here[len(view.prefix):]
    return block + mapsite.embed_snippet(view.site.absolute(f"{mapsite.EMBED_PAGE}?map={english}"), label, view._)


@dataclass(frozen=True)
class SiteConfig:
    """What pages need to know about the site: its address and where records can be edited."""

    repo_url: str = ""
    edit_branch: str = "main"
    site_url: str = ""
    site_name: str = "City Diplomacy Atlas"
    root: str = "."  # the repository's folder, where CONTRIBUTING.md is
    languages: tuple[str, ...] = ()  # the languages besides English whose pages are made (macros.i18n)

    @property
    def prefixes(self) -> tuple[str, ...]:
        """The folders of those languages' pages ("zh-Hant/", "ja/"), in the same order."""
        return tuple(i18n.LANGUAGES[code].prefix for code in self.languages)

    def absolute(self, target: str) -> str:
        """The public address of a site-root relative URL (the relative URL if none is set)."""
        return self.site_url.rstrip("/") + "/" + target if self.site_url else target

    def edit_url(self, data_path: str) -> str:
        return f"{self.repo_url.rstrip('/')}/edit/{self.edit_branch}/{data_path}" if self.repo_url else ""


# URLs of every kind of page, in one place.
def place_url(pid: str) -> str:
    return f"cities/{pid}/"


def network_url(nid: str) -> str:
    return f"networks/{nid}/"


def program_url(gid: str) -> str:
    return f"programs/{gid}/"


def country_url(code: str) -> str:
    return f"countries/{code.lower()}/"


def type_url(tid: str) -> str:
    return f"types/{tid}/"


def source_url(sid: str) -> str:
    return f"sources/#{sid}"


class Notes:
    """The numbered source notes of one page, in order of first citation."""

    def __init__(self, atlas: Atlas):
        self.atlas = atlas
        self.items: list[tuple[int, SourceRef]] = []
        self._numbers: dict[Any, int] = {}

    def cite(self, sources: Iterable[SourceRef]) -> Markup:
        refs = []
        for source in sources:
            key = source if isinstance(source, str) else ("entry", source)
            if key not in self._numbers:
                self._numbers[key] = len(self.items) + 1
                self.items.append((self._numbers[key], source))
            n = self._numbers[key]
            refs.append(f'<a href="#note-{n}" class="atlas-cite">[{n}]</a>')
        return Markup("<sup>" + "".join(refs) + "</sup>")

    def entry(self, source: SourceRef) -> tuple[Optional[str], SourceEntry]:
        if isinstance(source, str):
            return source, self.atlas.sources[source]
        return None, source


# The kinds of page written in every language (URL prefixes): a page in another language links
# these in its own language and the others (still English only) at the site root.
TRANSLATED_PAGES = ("cities/", "networks/", "programs/", "countries/", "types/", "timeline/", "sources/", "coverage/",
                    "quality/")


class View:
    """Helpers the templates call, bound to the page being written (for relative links) and its
    language: ``here`` is the page's URL from the site root, its language's prefix included."""

    def __init__(self, atlas: Atlas, here: str, site: SiteConfig, rows: Optional[dict] = None,
                 lang: str = i18n.ENGLISH):
        self.atlas, self.here, self.site, self.lang = atlas, here, site, lang
        self.prefix = i18n.LANGUAGES[lang].prefix
        self._ = i18n.gettext_of(lang)
        self.notes = Notes(atlas)
        # Rows of link tables shared by pages at the same depth (country and type pages).
        self.rows = rows if rows is not None else {}

    def pair_row(self, link: Link) -> Markup:
        """One row of a two-place link table; the same HTML on every page at this depth."""
        key = (self.here.count("/"), self.lang, link.owner, link.index)
        if key not in self.rows:
            self.rows[key] = Markup(render("pair_row.html", self.lang, v=self, link=link))
        return self.rows[key]

    def url(self, target: str) -> str:
        """A link to ``target`` (a site URL in English): to its page in this page's language when
        there is one."""
        page = target.partition("#")[0]
        if self.prefix and page.startswith(TRANSLATED_PAGES) and page.endswith("/"):
            target = self.prefix + target
        return relative(self.here, target)

    def place_name(self, pid: str) -> str:
        """The place's name in the page's language where its record has one, else its English name."""
        place = self.atlas.places.get(pid)
        return place.name_in(self.lang) if place else pid

    def names_beside(self, pid: str) -> list[tuple[str, str]]:
        """(language, name) of the names shown beside its title: English first on a page in
        another language (when the title is not already the English name), then its own names
        (not what other languages call it: 休士頓 stays off Houston's English page)."""
        place = self.atlas.places[pid]
        others = [(code, name) for code, name in sorted(place.own_names().items()) if code != self.lang]
        if self.lang != i18n.ENGLISH and self.lang in place.names:
            others.insert(0, (i18n.ENGLISH, place.name))
        return others

    def profile_row(self, key: str) -> str:
        return self._(i18n.PROFILE_ROWS[key])

    def place_link(self, pid: str) -> Markup:
        return Markup(f'<a href="{escape(self.url(place_url(pid)))}">{escape(self.place_name(pid))}</a>')

    def network_link(self, nid: str) -> Markup:
        network = self.atlas.networks[nid]
        return Markup(f'<a href="{escape(self.url(network_url(nid)))}">{escape(network.name)}</a>')

    def program_link(self, gid: str) -> Markup:
        program = self.atlas.programs[gid]
        return Markup(f'<a href="{escape(self.url(program_url(gid)))}">{escape(program.name)}</a>')

    def country_link(self, code: str) -> Markup:
        country = countries()[code]
        return Markup(
            f'<a href="{escape(self.url(country_url(code)))}"><span aria-hidden="true">{country.flag}</span> '
            f"{escape(self.country_name(code))}</a>"
        )

    def type_link(self, tid: str) -> Markup:
        term = self.atlas.term("relationship_types", tid)
        return Markup(
            f'<a href="{escape(self.url(type_url(tid)))}" class="atlas-type" style="--atlas-type:{term.shown_color}">'
            f"{escape(term.label_in(self.lang))}</a>"
        )

    def label(self, section: str, tid: str) -> str:
        return self.atlas.term(section, tid).label_in(self.lang)

    def edit_url(self, data_path: str) -> str:
        return self.site.edit_url(data_path)

    def file_of(self, folder: str, rid: str) -> str:
        return self.atlas.files[(folder, rid)]

    def country_name(self, code: str) -> str:
        return i18n.country_name(code, _country_name(code), self.lang)

    def country_continent(self, code: str) -> str:
        return countries()[code].continent_name

    def flag(self, code: str) -> str:
        return countries()[code].flag

    def source_href(self, sid: str) -> str:
        return self.url(source_url(sid))

    def citation(self, title: str, target: str) -> Markup:
        """A ready citation of the page at `target` (site-root relative)."""
        return Markup(self._("{name} contributors. “{title}”. <cite>{name}</cite>. {url} (accessed <var>date</var>).")).format(
            name=self._(self.site.site_name), title=title, url=self.site.absolute(target)
        )

    def licence_link(self) -> Markup:
        return Markup('<a href="{url}" rel="license">{name}</a>').format(url=exports.LICENCE_URL, name=exports.LICENCE)


# A section heading of the templates: its text is constant template text, never data.
_H2 = re.compile(r'<h2 id="([^"]*)">([^<]*)<a class="headerlink"')


def generated(uri: str, title: str, html: str, in_nav: bool = False, edit: Optional[str] = None,
              search_title: Optional[str] = None, search_text: str = "",
              map_data: Optional[Callable[["MapData"], str]] = None, description: str = "",
              lang: str = i18n.ENGLISH, search_boost: Optional[float] = None) -> GeneratedPage:
    """``title`` and ``description`` are plain text (data: untrusted); the page holds them escaped."""
    page = GeneratedPage(uri, str(escape(title)), html, in_nav, edit, None, map_data, str(escape(description)), lang=lang)
    text = search_text or " · ".join(unescape(text) for _, text in page.headings)
    # The theme's indexer skips generated pages; each has one compact entry instead.
    return replace(page, search=search.entry(url_of(uri), search_title or title, text, search_boost))


def uri_of(url: str) -> str:
    """The source path of an entity's page from its URL: cities/taipei/ -> cities/taipei.md."""
    return url[:-1] + ".md"


def url_of(uri: str) -> str:
    stem = uri[:-3]
    if stem == "index":
        return ""
    return stem[: -len("index")] if stem.endswith("/index") else stem + "/"


def _page(template: str, uri: str, title: str, atlas: Atlas, site: SiteConfig, in_nav: bool = False,
          edit: Optional[str] = None, description: str = "", lang: str = i18n.ENGLISH, **context: Any) -> GeneratedPage:
    """A page of ``template``; in another language, under its prefix (``uri`` is the English one)."""
    uri = i18n.LANGUAGES[lang].prefix + uri
    here = url_of(uri)
    view = View(atlas, here, site, lang=lang)
    page = generated(uri, title, render(template, lang, atlas=atlas, v=view, here=here, **context), in_nav, edit,
                     description=description, lang=lang)
    return page if lang == i18n.ENGLISH else replace(page, search=None)


def language_lists(atlas: Atlas, site: SiteConfig, figs: dict[str, figures.PlaceFigures], lang: str) -> list[GeneratedPage]:
    """The lists of places, networks, programmes, countries and types in a language (out of the navigation)."""
    _ = i18n.gettext_of(lang)
    rows = [(pid, place, figs[pid]) for pid, place in atlas.iter_places()]
    by_country = _places_by_country(atlas)
    counts = Counter(link.rel.type for link in atlas.links)
    said = lambda title, n: _("{list} in the atlas ({count}), each with its page in this language.").format(list=title, count=n)  # noqa: E731
    return [
        _page("places_index.html", "cities/index.md", _("Places"), atlas, site, description=said(_("Places"), len(rows)),
              lang=lang, rows=rows),
        _page("networks_index.html", "networks/index.md", _("Networks"), atlas, site,
              description=said(_("Networks"), len(atlas.networks)), lang=lang),
        _page("programs_index.html", "programs/index.md", _("Programmes"), atlas, site,
              description=said(_("Programmes"), len(atlas.programs)), lang=lang),
        _page("countries_index.html", "countries/index.md", _("Countries"), atlas, site,
              description=said(_("Countries"), len(by_country)), lang=lang, by_country=by_country),
        _page("types_index.html", "types/index.md", _("Relationship types"), atlas, site,
              description=said(_("Relationship types"), len(counts)), lang=lang, counts=counts),
    ]


# --- descriptions ------------------------------------------------------------
# Plain text from the page's own figures; generated() escapes it. The first sentence is always
# kept; the rest is added while the whole stays within what search results show.

DESCRIPTION_LENGTH = 160


def _countries(codes: Iterable[str], other: str = "") -> str:
    """``in`` what: "Japan" for one country, "12 countries" (or "12 other countries") for more."""
    found = sorted(set(codes))
    return _country_name(found[0]) if len(found) == 1 else counted(len(found), other + "country", other + "countries")


def _fit(first: str, *more: str) -> str:
    text = first
    for part in more:
        if part and len(text) + 1 + len(part) <= DESCRIPTION_LENGTH:
            text += " " + part
    return text


def _cut(text: str, part: str, least: int = 40) -> str:
    """``text`` and as much of ``part`` as fits, cut at a word with "…" (nothing if under ``least``)."""
    whole = _fit(text, part)
    if whole != text or not part:
        return whole
    room = DESCRIPTION_LENGTH - len(text) - 2
    cut = part[:room + 1].rsplit(" ", 1)[0].rstrip(" ,;:–—-")
    return f"{text} {cut}…" if len(cut) >= least and len(cut) < len(part) else text


def _listed(text: str, label: str, items: list[str]) -> str:
    """``text`` and "label: a, b, c." with as many items, in order, as fit (none: ``text``)."""
    for k in range(len(items), 0, -1):
        candidate = _fit(text, f"{label}: {', '.join(items[:k])}.")
        if candidate != text:
            return candidate
    return text


def _lower(label: str) -> str:
    """A vocabulary label inside a sentence: "Sister city" -> "sister city", "MOU" stays."""
    return label[0].lower() + label[1:] if label[1:2].islower() else label


def _a(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _country_name(code: str) -> str:
    country = countries().get(code)
    return country.name if country else code


def _first_sentence(markdown_text: Optional[str]) -> str:
    text = search.plain(markdown_text)
    found = re.match(r"(.+?[.!?])(?:\s|$)", text)
    return found.group(1) if found else text


def _short(name: str, short_name: Optional[str]) -> str:
    """A long name's short form, for a description: "CITYNET" for CITYNET (Regional Network of …)."""
    return short_name if short_name and len(name) > 50 else name


def place_description(atlas: Atlas, pid: str, fig: figures.PlaceFigures, title: Optional[str] = None) -> str:
    place = atlas.places[pid]
    country = _country_name(place.country)
    lead = place.name if place.name == country else f"{place.name} ({country})"  # Guam, Singapore
    if title and title != place.name:  # a name other places have too: the title says which it is
        lead = title
    links = atlas.links_of(pid)
    if not links:
        text = f"{lead}: no recorded ties yet."
    elif len(links) == 1:
        link, other = links[0], links[0].other(pid)
        partner = atlas.places.get(other)
        with_ = f"{partner.name} ({_country_name(partner.country)})" if partner else other
        year = f", in {link.signed.year}" if link.signed else ""
        kind = _lower(atlas.term("relationship_types", link.rel.type).label)
        text = _fit(f"{lead}: 1 recorded tie, with {with_}{year}.", f"Type: {kind}.")
    else:
        first = f", the first in {fig.first.signed.year}" if fig.first and fig.first.signed else ""
        partners = [atlas.places[link.other(pid)].country for link in links if link.other(pid) in atlas.places]
        text = f"{lead}: {counted(fig.links, 'recorded tie')} with partners in {_countries(partners)}{first}."
    if len(links) > 1:
        text = _listed(text, "Types", [f"{_lower(atlas.term('relationship_types', t).label)} ({n})" for t, n in fig.by_type])
    return _fit(text, f"Member of {counted(fig.networks, 'network')}." if fig.networks else "")


def _places_in(atlas: Atlas, lead: str, places: set[str], noun: str, where: str, none: str) -> str:
    """"LEAD: 3 NOUNs[WHERE] in 2 countries." (or "LEAD: NONE.")."""
    if not places:
        return f"{lead}: {none}."
    return f"{lead}: {counted(len(places), noun)}{where} in {_countries(atlas.places[pid].country for pid in places)}."


def network_description(atlas: Atlas, nid: str, members: list[str]) -> str:
    network = atlas.networks[nid]
    kind = _lower(atlas.term("network_kinds", network.kind).label)
    founded = f" founded in {network.founded.year}" if network.founded else ""
    lead = f"{_short(network.name, network.short_name)}, {_a(kind)}{founded}"
    text = _places_in(atlas, lead, set(members), "member place", " in the atlas,", "no member places recorded in the atlas yet")
    return _cut(text, _first_sentence(network.summary))


def program_description(atlas: Atlas, gid: str) -> str:
    program = atlas.programs[gid]
    lead_place = atlas.places[program.lead]
    since = f" since {program.since.year}" if program.since else ""
    lead = (f"{_short(program.name, program.short_name)}, a programme run by {lead_place.name} "
            f"({_country_name(lead_place.country)}){since}")
    places = {p.place for p in program.participants} - {program.lead}
    text = _places_in(atlas, lead, places, "participating place", "", "no participating places recorded yet")
    return _cut(text, _first_sentence(program.summary))


def country_title(code: str) -> str:
    """A country's page: "Places in Guam", never only "Guam", the title of Guam's place page."""
    return f"Places in {_country_name(code)}"


def country_description(atlas: Atlas, code: str, pids: list[str], links: list[Link], abroad: list[str]) -> str:
    country = countries()[code]
    text = f"{country.name} ({country.continent_name}): {counted(len(pids), 'place')} in the atlas"
    if links:
        partners = f" and partners in {_countries(abroad, 'other ')}" if abroad else ", all within the country"
        text += f", with {counted(len(links), 'recorded tie')}{partners}"
    text += "."
    if len(pids) < 2:
        return text
    ranked = sorted(pids, key=lambda pid: (-len(atlas.links_of(pid)), atlas.places[pid].name))
    return _listed(text, "Most ties", [f"{atlas.places[pid].name} ({len(atlas.links_of(pid))})" for pid in ranked])


def type_description(atlas: Atlas, label: str, definition: str, links: list[Link]) -> str:
    if not links:
        return _fit(f"{label}: no recorded ties of this type yet.", definition)
    spread = _countries(atlas.places[end].country for link in links for end in (link.owner, link.partner) if end in atlas.places)
    dated = [link for link in links if link.signed]
    first = f", the first in {dated[0].signed.year}" if dated else ""
    return _cut(f"{label}: {counted(len(links), 'recorded tie')} between places in {spread}{first}.", definition)


# --- timelines -------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    date: Optional[PartialDate]
    kind: str  # agreement, membership, event, programme
    html: Markup
    status: str = "active"
    sources: tuple = ()


def place_timeline(atlas: Atlas, pid: str, view: View) -> list[TimelineEntry]:
    place = atlas.places[pid]
    _ = view._
    entries = []
    for link in atlas.links_of(pid):
        other = link.other(pid)
        text = Markup(_("{type} with {partner}")).format(type=view.label("relationship_types", link.rel.type), partner=view.place_link(other))
        entries.append(TimelineEntry(link.signed, "agreement", text, link.status, tuple(link.rel.sources)))
        if link.rel.ended:
            entries.append(TimelineEntry(link.rel.ended, "ended", Markup(_("{type} with {partner} ended")).format(
                type=view.label("relationship_types", link.rel.type), partner=view.place_link(other)), "ended", tuple(link.rel.sources)))
    for m in place.memberships:
        text = Markup(_("{role} of {network}")).format(role=view.label("roles", m.role), network=view.network_link(m.network))
        entries.append(TimelineEntry(m.since, "membership", text, "active", tuple(m.sources)))
    for event in place.events:
        entries.append(TimelineEntry(event.date, "event", Markup("{title}").format(title=event.title), "active", tuple(event.sources)))
    for gid, program in sorted(atlas.programs.items()):
        if program.lead == pid:
            entries.append(TimelineEntry(program.since, "programme", Markup(_("Launches {p}")).format(p=view.program_link(gid)), "active", tuple(program.sources)))
        for part in program.participants:
            if part.place == pid:
                entries.append(TimelineEntry(part.since, "programme", Markup(_("Takes part in {p}")).format(p=view.program_link(gid)), "active", tuple(part.sources)))
    return sorted(entries, key=lambda e: (e.date.sort_key() if e.date else (9999, 0, 0), e.kind, str(e.html)))


def by_decade(entries: list[TimelineEntry]) -> tuple[list[tuple[int, list[TimelineEntry]]], list[TimelineEntry]]:
    groups: dict[int, list[TimelineEntry]] = defaultdict(list)
    undated = []
    for entry in entries:
        if entry.date:
            groups[figures.decade(entry.date.year)].append(entry)
        else:
            undated.append(entry)
    return sorted(groups.items()), undated


# --- pages ------------------------------------------------------------------


def population_label(place: Place, lang: str = i18n.ENGLISH) -> str:
    """What the population figure is, in brackets after it: "2024 census", "GeoNames estimate, undated"."""
    _ = i18n.gettext_of(lang)
    year = str(place.population_year) if place.population_year is not None else ""
    if place.population_source == GEONAMES_SOURCE:
        return _("GeoNames estimate, {year}").format(year=year) if year else _("GeoNames estimate, undated")
    kind = _(i18n.POPULATION_KINDS[place.population_kind]) if place.population_kind in i18n.POPULATION_KINDS else ""
    if not year:
        return kind or _("year not known")
    return _("{year} {kind}").format(year=year, kind=kind) if kind else year


def place_titles(atlas: Atlas) -> dict[str, str]:
    """Each place's page title: its name; where another place has the same name, with its country,
    then its coordinates (two Richland Counties in the United States), then its id."""
    def where(place: Any) -> str:
        lat, lon = place.coordinates
        return f"{abs(lat):.1f}° {'N' if lat >= 0 else 'S'} {abs(lon):.1f}° {'E' if lon >= 0 else 'W'}"

    steps: list[Callable[[str, Any], str]] = [
        lambda pid, place: f"{place.name} ({_country_name(place.country)})",
        lambda pid, place: f"{place.name} ({_country_name(place.country)}, {where(place)})",
        lambda pid, place: f"{place.name} ({_country_name(place.country)}, {where(place)}, {pid})",
    ]
    titles = {pid: place.name for pid, place in atlas.places.items()}
    for step in steps:
        named = Counter(title.casefold() for title in titles.values())
        for pid, place in atlas.places.items():
            if named[titles[pid].casefold()] > 1:
                titles[pid] = step(pid, place)
    return titles


def place_page(atlas: Atlas, pid: str, site: SiteConfig, fig: Optional[figures.PlaceFigures] = None,
               title: Optional[str] = None, lang: str = i18n.ENGLISH) -> GeneratedPage:
    """A place's page; in another language than English, under that language's prefix, titled
    with the place's name in it where the record has one, and its map in the language's words."""
    place = atlas.places[pid]
    fig = fig or figures.place_figures(atlas, pid)
    english = place_url(pid)
    here = i18n.LANGUAGES[lang].prefix + english
    uri = uri_of(here)
    view = View(atlas, here, site, lang=lang)
    _ = view._
    timeline = place_timeline(atlas, pid, view)
    decades, undated = by_decade(timeline)
    programs = [
        (gid, program, "lead" if program.lead == pid else "participant")
        for gid, program in sorted(atlas.programs.items())
        if program.lead == pid or any(p.place == pid for p in program.participants)
    ]
    reported = [
        (r, figures.recorded_count(atlas, pid, r.of)) for r in place.reported
    ]
    events_about = [(other, atlas.places[other].events[i]) for other, i in atlas.events_with.get(pid, [])]
    body = render(
        "place.html",
        atlas=atlas,
        v=view,
        pid=pid,
        place=place,
        links=atlas.links_of(pid),
        fig=fig,
        decades=decades,
        undated=undated,
        programs=programs,
        reported=reported,
        events_about=events_about,
        map_html=map_html(view, "place", f"map-{pid}", _("Map of the links of {place}").format(place=view.place_name(pid))),
        kind_label=view.label("place_kinds", place.kind),
        population=population_label(place, lang) if place.population is not None else "",
        here=here,
        downloads={"json": exports.place_download(pid, "json"), "geojson": english + mapsite.DATA_FILE},
        file=atlas.files[("cities", pid)],
        lang=lang,
    )
    title = title or place_titles(atlas)[pid]
    if lang != i18n.ENGLISH:
        title = place.names.get(lang, title)
        country = view.country_name(place.country)
        description = _("{place} ({country}): {links} recorded ties.").format(place=title, country=country, links=fig.links)
        # Its search entry: its names (the language's first) and what it is, in the language.
        found_as = " ".join(dict.fromkeys([title, place.name] + [place.names[code] for code in sorted(place.names)]))
        what = _("{kind} in {country}.").format(kind=view.label("place_kinds", place.kind), country=country)
        return generated(uri, title, body, False, atlas.files[("cities", pid)], found_as, what,
                         methodcaller("place", pid, here, lang), description, lang, search.PLACE_BOOST)
    description = place_description(atlas, pid, fig, title)
    page = generated(uri, title, body, False, atlas.files[("cities", pid)],
                     search.place_title(atlas, pid), search.place_text(atlas, pid),
                     methodcaller("place", pid, here), description, search_boost=search.PLACE_BOOST)
    return replace(page, jsonld=structured.script_text(structured.place(atlas, pid, site.absolute(here), description)))


def network_page(atlas: Atlas, nid: str, site: SiteConfig, lang: str = i18n.ENGLISH) -> GeneratedPage:
    network = atlas.networks[nid]
    here = i18n.LANGUAGES[lang].prefix + network_url(nid)
    view = View(atlas, here, site, lang=lang)
    members = [(pid, atlas.places[pid].memberships[i]) for pid, i in atlas.members_by_network.get(nid, [])]
    events = [(pid, e) for pid, p in atlas.iter_places() for e in p.events if e.network == nid]
    label = view._("Map of the members of {network}").format(network=network.name)
    body = render(
        "network.html", lang, atlas=atlas, v=view, nid=nid, network=network, members=members, events=events,
        file=atlas.files[("networks", nid)], map_html=map_html(view, "group", f"map-{nid}", label) if members else "",
    )
    data = methodcaller("group", here, [pid for pid, _ in members], lang=lang) if members else None
    if lang != i18n.ENGLISH:
        description = view._("{network}: {members} members in the atlas.").format(network=network.name, members=len(members))
        found_as = f"{network.name} {network.short_name or ''} {' '.join(network.names.values())}".strip()
        return generated(uri_of(here), network.name, body, False, atlas.files[("networks", nid)], found_as,
                         view.label("network_kinds", network.kind), data, description, lang)
    return generated(uri_of(here), network.name, body, False, atlas.files[("networks", nid)],
                     f"{network.name} {network.short_name or ''}".strip(), search.plain(network.summary), data,
                     network_description(atlas, nid, [pid for pid, _ in members]))


def program_page(atlas: Atlas, gid: str, site: SiteConfig, lang: str = i18n.ENGLISH) -> GeneratedPage:
    program = atlas.programs[gid]
    here = i18n.LANGUAGES[lang].prefix + program_url(gid)
    view = View(atlas, here, site, lang=lang)
    places = [program.lead] + [p.place for p in program.participants]
    label = view._("Map of the places in {program}").format(program=program.name)
    body = render(
        "program.html", lang, atlas=atlas, v=view, gid=gid, program=program, file=atlas.files[("programs", gid)],
        map_html=map_html(view, "group", f"map-{gid}", label),
    )
    data = methodcaller("group", here, places, focus=program.lead, lang=lang)
    if lang != i18n.ENGLISH:
        description = view._("{program}: {places} places taking part.").format(program=program.name, places=len(places))
        found_as = f"{program.name} {program.short_name or ''} {' '.join(program.names.values())}".strip()
        return generated(uri_of(here), program.name, body, False, atlas.files[("programs", gid)], found_as,
                         view.place_name(program.lead), data, description, lang)
    return generated(uri_of(here), program.name, body, False, atlas.files[("programs", gid)],
                     f"{program.name} {program.short_name or ''}".strip(), search.plain(program.summary), data,
                     program_description(atlas, gid))


def _places_by_country(atlas: Atlas) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for pid, place in atlas.iter_places():
        groups[place.country].append(pid)
    return dict(sorted(groups.items()))


def country_page(atlas: Atlas, code: str, pids: list[str], site: SiteConfig, rows: Optional[dict] = None,
                 lang: str = i18n.ENGLISH) -> GeneratedPage:
    here = i18n.LANGUAGES[lang].prefix + country_url(code)
    view = View(atlas, here, site, rows, lang)
    inside = set(pids)
    unique = {(link.owner, link.index): link for pid in pids for link in atlas.links_of(pid)}
    links = sorted(unique.values(), key=link_order)
    abroad = defaultdict(int)
    for link in links:
        for end in (link.owner, link.partner):
            if end not in inside and end in atlas.places:
                abroad[atlas.places[end].country] += 1
    name = view.country_name(code)
    body = render(
        "country.html", lang, atlas=atlas, v=view, code=code, country=countries()[code], pids=pids, links=links,
        abroad=sorted(abroad.items(), key=lambda kv: (-kv[1], kv[0])),
        map_html=map_html(view, "group", f"map-{code.lower()}", view._("Map of the places in {country} and their links").format(country=name)),
    )
    data = methodcaller("group", here, pids, links, lang=lang)
    if lang != i18n.ENGLISH:
        description = view._("{country}: {places} places and {links} recorded ties.").format(country=name, places=len(pids), links=len(links))
        title = view._("Places in {country}").format(country=name)
        names = " ".join(view.place_name(pid) for pid in pids)
        return generated(uri_of(here), title, body, search_text=names, map_data=data, description=description, lang=lang)
    names = ", ".join(atlas.places[pid].name for pid in pids)
    return generated(uri_of(here), country_title(code), body, search_text=f"Places: {names}", map_data=data,
                     description=country_description(atlas, code, pids, links, list(abroad)))


def type_page(atlas: Atlas, tid: str, site: SiteConfig, rows: Optional[dict] = None, lang: str = i18n.ENGLISH) -> GeneratedPage:
    term = atlas.term("relationship_types", tid)
    here = i18n.LANGUAGES[lang].prefix + type_url(tid)
    view = View(atlas, here, site, rows, lang)
    label = term.label_in(lang)
    links = [link for link in atlas.links_by_date if link.rel.type == tid]
    map_block = map_html(view, "group", f"map-{tid}", view._("Map of the {type} links").format(type=label)) if links else ""
    body = render("type.html", lang, atlas=atlas, v=view, term=term, links=links, map_html=map_block)
    data = methodcaller("group", here, [], links, lang=lang) if links else None
    if lang != i18n.ENGLISH:
        description = view._("{type}: {links} recorded ties.").format(type=label, links=len(links))
    else:
        description = type_description(atlas, term.label, term.definition, links)
    return generated(uri_of(here), label, body, search_text=term.definition_in(lang), map_data=data,
                     description=description, lang=lang)


def home_page(atlas: Atlas, site: SiteConfig) -> str:
    """The figures block of the home page (the hand-written home page calls it as a macro)."""
    view = View(atlas, "", site)
    dated = [link for link in atlas.links_by_date if link.signed]
    return render(
        "home.html", atlas=atlas, v=view, latest=list(reversed(dated[-8:])),
        countries=len({p.country for p in atlas.places.values()}),
        events=sum(len(p.events) for p in atlas.places.values()),
        memberships=sum(len(p.memberships) for p in atlas.places.values()),
    )


# The site-wide pages of index_pages, in its order (the navigation lists them); each language has them too.
INDEX_PAGES = ("cities/index.md", "networks/index.md", "programs/index.md", "countries/index.md", "types/index.md",
               "timeline.md", "sources/index.md", "coverage.md", "quality.md")


def index_pages(atlas: Atlas, site: SiteConfig, figs: dict[str, figures.PlaceFigures], q: quality.Quality) -> list[GeneratedPage]:
    by_country = _places_by_country(atlas)
    rows = [(pid, place, figs[pid]) for pid, place in atlas.iter_places()]
    type_legend = [(t.id, t.label, t.shown_color) for t in atlas.vocabulary.relationship_types]
    pages = [
        _page("places_index.html", "cities/index.md", "Places", atlas, site, True, rows=rows,
              description=f"Every place in the atlas, {len(rows):,} in {_countries(by_country)}, with its "
                          "recorded ties, first and latest dates and networks: a table to sort and filter."),
        _page("networks_index.html", "networks/index.md", "Networks", atlas, site, True,
              description=f"City networks, international organisations and forums in the atlas "
                          f"({len(atlas.networks):,}), each with the places recorded as its members."),
        _page("programs_index.html", "programs/index.md", "Programmes", atlas, site, True,
              description=f"City programmes in the atlas ({len(atlas.programs):,}), each with the place that "
                          "runs it and the places taking part."),
        _page("countries_index.html", "countries/index.md", "Countries", atlas, site, True, by_country=by_country,
              description=f"Countries and territories with places in the atlas ({len(by_country):,}), each "
                          "with its places and their recorded ties."),
        _page("types_index.html", "types/index.md", "Relationship types", atlas, site, True,
              counts=Counter(link.rel.type for link in atlas.links),
              description=_listed(f"The {counted(len(type_legend), 'relationship type')} the atlas records, each "
                                  "with its definition and its number of ties.", "Among them",
                                  [_lower(label) for _, label, _ in type_legend])),
    ]
    pages += site_pages(atlas, site, q)
    rows: dict = {}
    pages += [country_page(atlas, code, pids, site, rows) for code, pids in by_country.items()]
    pages += [type_page(atlas, t.id, site, rows) for t in atlas.vocabulary.relationship_types]
    return pages


def site_pages(atlas: Atlas, site: SiteConfig, q: quality.Quality, lang: str = i18n.ENGLISH) -> list[GeneratedPage]:
    """The timeline, the sources, coverage and data quality (``q``: worked out once per build) in a
    language (English: in the navigation)."""
    return [timeline_page(atlas, site, lang), sources_page(atlas, site, lang), coverage_page(atlas, site, lang),
            quality_page(atlas, site, q, lang)]


def timeline_page(atlas: Atlas, site: SiteConfig, lang: str = i18n.ENGLISH) -> GeneratedPage:
    """Every dated tie year by year, with its charts per decade by type and by the partner's region."""
    _ = i18n.gettext_of(lang)
    dated = [link for link in atlas.links_by_date if link.signed]
    types = [(t.id, t.label_in(lang), t.shown_color) for t in atlas.vocabulary.relationship_types]
    regions = [(rid, _(label), colour) for rid, label, colour in figures.REGIONS]
    decades, by_type = figures.per_decade(dated, lambda link: link.rel.type)
    _decades, by_region = figures.per_decade(dated, lambda link: figures.region_of(atlas.places[link.partner].country))
    years: dict[int, list[Link]] = defaultdict(list)
    for link in dated:
        years[link.signed.year].append(link)
    span = f", {dated[0].signed.year} to {dated[-1].signed.year}" if dated else ""
    description = (f"Every dated agreement in the atlas, year by year{span}: {counted(len(dated), 'tie')}, "
                   "with charts per decade by type and by the partner's region.")
    if lang != i18n.ENGLISH:
        description = _("Every dated agreement in the atlas, year by year: {ties} ties, with charts per decade by type "
                        "and by the partner's region.").format(ties=len(dated))
    return _page(
        "timeline.html", "timeline.md", _("Timeline"), atlas, site, lang == i18n.ENGLISH, description=description, lang=lang,
        years=sorted(years.items()), undated=[l for l in atlas.links_by_date if not l.signed],
        chart_types=figures.stacked_bars(_("Agreements signed per decade, by type"), decades, by_type, types, _),
        chart_regions=figures.stacked_bars(_("Agreements signed per decade, by region of the partner"), decades, by_region,
                                           regions, _),
    )


def sources_page(atlas: Atlas, site: SiteConfig, lang: str = i18n.ENGLISH) -> GeneratedPage:
    """The bibliography: every work, with the records that cite it."""
    _ = i18n.gettext_of(lang)
    description = (f"The bibliography of the atlas: {counted(len(atlas.sources), 'work')} cited by its "
                   "records, each with the records that cite it.")
    if lang != i18n.ENGLISH:
        description = _("The bibliography of the atlas: {works} works cited by its records, each with the records "
                        "that cite it.").format(works=len(atlas.sources))
    return _page("bibliography.html", "sources/index.md", _("Sources"), atlas, site, lang == i18n.ENGLISH,
                 description=description, lang=lang, citing=citations(atlas, lang))


def coverage_page(atlas: Atlas, site: SiteConfig, lang: str = i18n.ENGLISH) -> GeneratedPage:
    """Each published count of ties beside the ties recorded, the largest gap first."""
    _ = i18n.gettext_of(lang)
    gaps = quality.coverage(atlas)
    reporting = {gap.pid for gap in gaps}
    description = (f"How complete the atlas is: {counted(len(gaps), 'count')} of sister, friendship or partner "
                   f"cities published by {counted(len(reporting), 'place')}, beside the ties recorded, the largest gap first.")
    if lang != i18n.ENGLISH:
        description = _("How complete the atlas is: {counts} counts of sister, friendship or partner cities published "
                        "by {places} places, beside the ties recorded, the largest gap first.").format(
                            counts=len(gaps), places=len(reporting))
    return _page("coverage.html", "coverage.md", _("Coverage"), atlas, site, lang == i18n.ENGLISH,
                 description=description, lang=lang, gaps=gaps)


def quality_page(atlas: Atlas, site: SiteConfig, q: quality.Quality, lang: str = i18n.ENGLISH) -> GeneratedPage:
    """Where help is most useful: undated, single-source and disputed ties, weak citations."""
    _ = i18n.gettext_of(lang)
    description = (f"Where help is most useful: {counted(len(q.undated), 'undated tie')}, "
                   f"{counted(len(q.single_source), 'tie')} with a single source, {counted(len(q.disputed), 'disputed tie')} "
                   f"and {counted(len(q.weak), 'weak citation')}.")
    if lang != i18n.ENGLISH:
        description = _("Where help is most useful: {undated} undated ties, {single} ties with a single source, "
                        "{disputed} disputed ties and {weak} weak citations.").format(
                            undated=len(q.undated), single=len(q.single_source), disputed=len(q.disputed), weak=len(q.weak))
    return _page("quality.html", "quality.md", _("Data quality"), atlas, site, lang == i18n.ENGLISH,
                 description=description, lang=lang, q=q)


def citations(atlas: Atlas, lang: str = i18n.ENGLISH) -> dict[str, list[tuple[str, str, str]]]:
    """Source id -> the records citing it: (label, page URL, data file); a place's label is its name in ``lang``."""
    found: dict[str, set] = defaultdict(set)

    def walk(value: Any, label: str, url: str, file: str) -> None:
        if isinstance(value, (list, tuple)):
            for item in value:
                walk(item, label, url, file)
        elif hasattr(value, "sources"):
            for source in value.sources:
                if isinstance(source, str):
                    found[source].add((label, url, file))
            for name in type(value).model_fields:
                if name != "sources":
                    walk(getattr(value, name), label, url, file)

    for pid, place in atlas.iter_places():
        name = place.name_in(lang)
        for source in [place.population_source, *place.names_sources.values()]:
            if isinstance(source, str):
                found[source].add((name, place_url(pid), atlas.files[("cities", pid)]))
        walk([place.profile, place.reported, place.relationships, place.memberships, place.events], name, place_url(pid), atlas.files[("cities", pid)])
    for nid, network in sorted(atlas.networks.items()):
        walk(network, network.name, network_url(nid), atlas.files[("networks", nid)])
    for gid, program in sorted(atlas.programs.items()):
        walk([program, program.participants], program.name, program_url(gid), atlas.files[("programs", gid)])
    return {sid: sorted(found.get(sid, ())) for sid in sorted(atlas.sources)}


def all_figures(atlas: Atlas) -> dict[str, figures.PlaceFigures]:
    """The figures of every place, computed once for its page and the index pages."""
    return {pid: figures.place_figures(atlas, pid) for pid in sorted(atlas.places)}


def iter_pages(atlas: Atlas, site: SiteConfig) -> Iterator[GeneratedPage]:
    """Every generated page, one at a time, in the order of page_uris."""
    figs = all_figures(atlas)
    titles = place_titles(atlas)
    q = quality.quality(atlas)  # the data-quality pages' findings, the same in every language
    for pid in sorted(atlas.places):
        yield place_page(atlas, pid, site, figs[pid], titles[pid])
    yield from (network_page(atlas, nid, site) for nid in sorted(atlas.networks))
    yield from (program_page(atlas, gid, site) for gid in sorted(atlas.programs))
    yield from index_pages(atlas, site, figs, q)
    for lang in site.languages:
        yield language_home(atlas, site, lang)
        for pid in sorted(atlas.places):
            yield place_page(atlas, pid, site, figs[pid], titles[pid], lang)
        yield from language_lists(atlas, site, figs, lang)
        yield from site_pages(atlas, site, q, lang)
        yield from (network_page(atlas, nid, site, lang) for nid in sorted(atlas.networks))
        yield from (program_page(atlas, gid, site, lang) for gid in sorted(atlas.programs))
        rows: dict = {}
        yield from (type_page(atlas, t.id, site, rows, lang) for t in atlas.vocabulary.relationship_types)
        yield from (country_page(atlas, code, pids, site, rows, lang) for code, pids in _places_by_country(atlas).items())


def page_uris(atlas: Atlas, languages: Iterable[str] = ()) -> list[tuple[str, bool]]:
    """The source path of every generated page and whether it is in the navigation, in the
    order iter_pages makes them: what an engine needs to know before any page is made."""
    uris = [(uri_of(place_url(pid)), False) for pid in sorted(atlas.places)]
    uris += [(uri_of(network_url(nid)), False) for nid in sorted(atlas.networks)]
    uris += [(uri_of(program_url(gid)), False) for gid in sorted(atlas.programs)]
    uris += [(uri, True) for uri in INDEX_PAGES]
    uris += [(uri_of(country_url(code)), False) for code in _places_by_country(atlas)]
    uris += [(uri_of(type_url(t.id)), False) for t in atlas.vocabulary.relationship_types]
    for lang in languages:
        prefix = i18n.LANGUAGES[lang].prefix
        uris += [(prefix + "index.md", False)] + [(uri_of(prefix + place_url(pid)), False) for pid in sorted(atlas.places)]
        uris += [(prefix + uri, False) for uri in INDEX_PAGES]
        uris += [(uri_of(prefix + network_url(nid)), False) for nid in sorted(atlas.networks)]
        uris += [(uri_of(prefix + program_url(gid)), False) for gid in sorted(atlas.programs)]
        uris += [(uri_of(prefix + type_url(t.id)), False) for t in atlas.vocabulary.relationship_types]
        uris += [(uri_of(prefix + country_url(code)), False) for code in _places_by_country(atlas)]
    return uris


def language_home(atlas: Atlas, site: SiteConfig, lang: str) -> GeneratedPage:
    """The home of a language's pages: what is in the language so far, and every place by country."""
    here = i18n.LANGUAGES[lang].prefix
    view = View(atlas, here, site, lang=lang)
    by_country = sorted(_places_by_country(atlas).items(), key=lambda item: view.country_name(item[0]))
    body = render("language_home.html", lang, atlas=atlas, v=view, by_country=by_country, title=view._(site.site_name))
    page = generated(here + "index.md", i18n.LANGUAGES[lang].name, body,
                     description=view._("The pages of the atlas in this language: its places, networks, programmes, countries and types of tie, "
                                         "the timeline, the sources, coverage and data quality; the other pages are in English."),
                     lang=lang)
    return replace(page, search=None)


def untranslated_page(title: str, english: str, uri: str, lang: str) -> str:
    """The Markdown of a hand-written page in a language it is not yet translated into: its
    English title, and in the language, that it is not translated yet, with a link to it."""
    _ = i18n.gettext_of(lang)
    here = url_of(uri)
    said = _("This page is not translated into %(language)s yet: <a href=\"%(english)s\">read it in English</a>.") % {
        "language": escape(i18n.LANGUAGES[lang].name), "english": escape(relative(here, english))}
    description = _("“{title}”: a page of the atlas that is in English only for now.").format(title=title)
    return (f"---\ntitle: {json.dumps(str(escape(title)), ensure_ascii=False)}\n"
            f"description: {json.dumps(description, ensure_ascii=False)}\nrender_macros: false\nsearch:\n  exclude: true\n---\n"
            f'<h1 lang="en">{escape(title)}</h1>\n\n<div class="admonition note"><p>{said}</p></div>\n')


def world_map_markdown(lang: str) -> str:
    """The map page in a language: the world map with the language's data (``MapData.world``) and words."""
    _ = i18n.gettext_of(lang)
    here = i18n.LANGUAGES[lang].prefix + "map/"
    label = _("Map of every place and link in the atlas")
    block = mapsite.map_block("map-global", "world", label, mapsite.DATA_FILE, relative(here, ""), _)
    description = _("The world map of the atlas: every place and every recorded tie, by type, with a slider through the years and a search for places.")
    text = _("Every place and link in the atlas. Switch link types on and off, find a place, and move the slider to see the links signed up to a year.")
    also = _("The same links as text: a table per <a href=\"../types/\">relationship type</a> and the <a href=\"../../downloads/\">downloads</a> (in English).")
    return (f"---\ntitle: {json.dumps(_('Map'), ensure_ascii=False)}\nrender_macros: false\nhide: [navigation, toc]\n"
            f"description: {json.dumps(description, ensure_ascii=False)}\n---\n<h1 class=\"atlas-title\">{escape(_('Map'))}</h1>\n\n"
            f"<p>{escape(text)}</p>\n\n<p>{also}</p>\n\n{block}\n")
