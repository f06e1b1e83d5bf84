"""The blocks pages are made of, for one place or for a filter of links. No MkDocs here.

A block is one of the Jinja macros of ``templates/_m.html`` (relationship table, timeline,
key figures, citation), rendered with a `View` of the page it goes in. Generated pages call
those macros from their templates; the macros for authors (``authoring.py``) call them
through `block`, so an author's table is the same HTML as a place page's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, get_args

from markupsafe import Markup

from . import figures, i18n, model, quality
from .atlas import Atlas, Link
from .countries import countries
from .pages import SiteConfig, View, by_decade, place_timeline
from .render import templates

STATUSES = get_args(model.Status)


@dataclass(frozen=True)
class LinkFilter:
    """Which links a block shows. Every argument is optional; together they narrow the links.

    place: a place id (its links); type: a relationship type id; country: an ISO code (links
    with a place there) or two codes "TW JP" / ("TW", "JP") (links between places of the two);
    since / until: years of signing (undated links are left out when either is given);
    status: active, ended, suspended or disputed.
    """

    place: Optional[str] = None
    type: Optional[str] = None
    country: tuple[str, ...] = field(default_factory=tuple)
    since: Optional[int] = None
    until: Optional[int] = None
    status: Optional[str] = None

    @classmethod
    def of(cls, macro: str, atlas: Atlas, **arguments: Any) -> "LinkFilter":
        """A filter from a macro's arguments; ValueError naming the macro and the bad argument."""
        country = arguments.pop("country", None) or ()
        codes = tuple(country.split() if isinstance(country, str) else country)
        chosen = cls(country=tuple(code.upper() for code in codes), **arguments)
        problem = chosen.problem(atlas)
        if problem:
            raise ValueError(f"{macro}: {problem}")
        return chosen

    def problem(self, atlas: Atlas) -> Optional[str]:
        if self.place is not None and self.place not in atlas.places:
            return f"place='{self.place}': no such place"
        if self.type is not None and self.type not in atlas.terms["relationship_types"]:
            return f"type='{self.type}': not a relationship type in vocabulary.yaml"
        unknown = [code for code in self.country if code not in countries()]
        if unknown or len(self.country) > 2:
            return f"country={' '.join(self.country)!r}: give one or two ISO 3166-1 codes such as TW or 'TW JP'"
        if self.status is not None and self.status not in STATUSES:
            return f"status='{self.status}': one of {', '.join(STATUSES)}"
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                return f"{name}={value!r}: a year, such as 2020"
        return None

    def matches(self, atlas: Atlas, link: Link) -> bool:
        ends = [atlas.places[pid].country for pid in (link.owner, link.partner)]
        year = link.signed.year if link.signed else None
        return (
            (self.place is None or self.place in (link.owner, link.partner))
            and (self.type is None or link.rel.type == self.type)
            and (len(self.country) != 1 or self.country[0] in ends)
            and (len(self.country) != 2 or sorted(self.country) == sorted(ends))
            and (self.since is None or (year is not None and year >= self.since))
            and (self.until is None or (year is not None and year <= self.until))
            and (self.status is None or link.status == self.status)
        )

    def links(self, atlas: Atlas) -> list[Link]:
        return [link for link in atlas.links_by_date if self.matches(atlas, link)]


def block(atlas: Atlas, site: SiteConfig, here: str, macro: str, *args: Any, notes: bool = True,
          lang: str = i18n.ENGLISH) -> Markup:
    """One `_m.html` macro rendered for the page at `here` in its language, followed by its numbered source notes."""
    view = View(atlas, here, site, lang=lang)
    module = templates(lang).get_template("_m.html").make_module({"v": view, "atlas": atlas})
    html = getattr(module, macro)(*args)
    return Markup(str(html) + (str(module.notes_list()) if notes else ""))


def relationship_table(atlas: Atlas, site: SiteConfig, here: str, chosen: LinkFilter, caption: str,
                       lang: str = i18n.ENGLISH) -> Markup:
    links = chosen.links(atlas)
    if chosen.place is not None:
        return block(atlas, site, here, "link_table", links, chosen.place, caption, lang=lang)
    return block(atlas, site, here, "pair_table", links, caption, lang=lang)


def events(atlas: Atlas, site: SiteConfig, here: str, kind: str, lang: str = i18n.ENGLISH) -> Markup:
    """Every event of a kind (all kinds for ""), by date: (place id, event) pairs for `event_list`."""
    if kind and kind not in atlas.terms["event_kinds"]:
        raise ValueError(f"events: kind='{kind}': not an event kind in vocabulary.yaml")
    found = [(pid, event) for pid, place in atlas.iter_places() for event in place.events if not kind or event.kind == kind]
    found.sort(key=lambda item: (str(item[1].date or "9999"), item[0], item[1].title))
    return block(atlas, site, here, "event_list", found, lang=lang)


def partner_totals(atlas: Atlas, site: SiteConfig, here: str, pids: list[str], by: str, caption: str,
                   lang: str = i18n.ENGLISH) -> Markup:
    """A table of each place's links by the partner's country (by="country") or region (by="region")."""
    _known("partner_totals", atlas, pids)
    if by not in ("country", "region"):
        raise ValueError(f"partner_totals: by='{by}': use by='country' or by='region'")
    rows = figures.partner_totals(atlas, pids, by)
    return block(atlas, site, here, "totals_table", pids, rows, by, caption, notes=False, lang=lang)


def places_compared(atlas: Atlas, site: SiteConfig, here: str, pids: list[str], caption: str,
                    lang: str = i18n.ENGLISH) -> Markup:
    """One row per place on the same basis: its published counts beside the links recorded for
    them (the Coverage page's figures), its links by type, partner countries and regions, first and latest tie."""
    _known("places_compared", atlas, pids)
    latest: dict[tuple, quality.Gap] = {}  # each place's latest count of each set of types (later ones win)
    for gap in sorted(quality.coverage(atlas), key=lambda g: str(g.reported.as_of or "")):
        latest[(gap.pid, tuple(gap.reported.of), gap.reported.label or "")] = gap
    rows = [(pid, figures.place_figures(atlas, pid), [latest[key] for key in sorted(latest) if key[0] == pid]) for pid in pids]
    return block(atlas, site, here, "places_table", rows, caption, notes=False, lang=lang)


def _known(name: str, atlas: Atlas, pids: list[str]) -> None:
    unknown = [pid for pid in pids if pid not in atlas.places]
    if unknown or not pids:
        said = f"no such place: {' '.join(unknown)}" if unknown else "give place ids, separated by spaces"
        raise ValueError(f"{name}: places='{' '.join(pids)}': {said}")


def timeline(atlas: Atlas, site: SiteConfig, here: str, pid: str, lang: str = i18n.ENGLISH) -> Markup:
    decades, undated = by_decade(place_timeline(atlas, pid, View(atlas, here, site, lang=lang)))
    return block(atlas, site, here, "timeline", decades, undated, lang=lang)


def key_figures(atlas: Atlas, site: SiteConfig, here: str, pid: str, lang: str = i18n.ENGLISH) -> Markup:
    return block(atlas, site, here, "key_figures", figures.place_figures(atlas, pid), pid, notes=False, lang=lang)


# --- figures for authors ----------------------------------------------------------------

FIGURES = ("links", "partners", "countries", "first", "latest")


def figure(atlas: Atlas, what: str, chosen: LinkFilter, lang: str = i18n.ENGLISH) -> Any:
    """One number (or date, as the language writes it) computed from the links the filter keeps."""
    links, _ = chosen.links(atlas), i18n.gettext_of(lang)
    others = {pid for link in links for pid in (link.owner, link.partner) if pid != chosen.place}
    dated = [link.signed for link in links if link.signed]
    values = {
        "links": lambda: len(links),
        "partners": lambda: len(others),
        "countries": lambda: len({atlas.places[pid].country for pid in others}),
        "first": lambda: i18n.date_text(min(dated), lang) if dated else _("unknown"),
        "latest": lambda: i18n.date_text(max(dated), lang) if dated else _("unknown"),
    }
    if what not in values:
        raise ValueError(f"figure: what='{what}': one of {', '.join(FIGURES)}")
    return values[what]()


# --- comparison of two places -------------------------------------------------------------

PROFILE_ROWS = ("core_focus", "shared_attributes", "key_mechanisms", "network_participation", "diplomatic_style")


@dataclass(frozen=True)
class Side:
    """What the comparison shows of one place: recorded and computed."""

    pid: str
    fig: figures.PlaceFigures
    countries: list[str]  # the partners' country codes
    networks: list[tuple[str, Any]]  # (network id, membership)
    programs: list[tuple[str, str]]  # (programme id, "lead" or "participant")
    reported: list[tuple[Any, int]]  # (reported count, recorded count)


def side(atlas: Atlas, pid: str) -> Side:
    place = atlas.places[pid]
    partners = {link.other(pid) for link in atlas.links_of(pid)}
    return Side(
        pid=pid,
        fig=figures.place_figures(atlas, pid),
        countries=sorted({atlas.places[p].country for p in partners}, key=lambda code: countries()[code].name),  # codes, by English name
        networks=sorted((m.network, m) for m in place.memberships),
        programs=[(gid, "lead" if g.lead == pid else "participant") for gid, g in sorted(atlas.programs.items())
                  if g.lead == pid or any(p.place == pid for p in g.participants)],
        reported=[(r, figures.recorded_count(atlas, pid, r.of)) for r in place.reported],
    )


def compare(atlas: Atlas, site: SiteConfig, here: str, a: str, b: str, lang: str = i18n.ENGLISH) -> Markup:
    for name, pid in (("first", a), ("second", b)):
        if pid not in atlas.places:
            raise ValueError(f"compare: the {name} place '{pid}' is not in the atlas")
    left, right = side(atlas, a), side(atlas, b)
    shared = sorted({n for n, _ in left.networks} & {n for n, _ in right.networks})
    return block(atlas, site, here, "comparison", left, right, PROFILE_ROWS, shared, lang=lang)
