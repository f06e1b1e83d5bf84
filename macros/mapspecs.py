"""Map specifications (the JSON that atlas-map.js draws) built from the atlas.

See macros/maps.py for the format. Names and labels are plain text; the
script shows them as text, never as HTML.
"""

from __future__ import annotations

from typing import Callable, Iterable, Optional

from .atlas import Atlas, Link

UrlFn = Callable[[str], str]


def _point(atlas: Atlas, pid: str, url: UrlFn, role: str) -> dict:
    place = atlas.places[pid]
    lat, lon = place.coordinates
    return {
        "id": pid,
        "name": place.name,
        "lat": round(lat, 4),
        "lon": round(lon, 4),
        "url": url(f"cities/{pid}/"),
        "role": role,
        "country": place.country,
    }


def _link(atlas: Atlas, link: Link, index: dict[str, int]) -> dict:
    term = atlas.term("relationship_types", link.rel.type)
    a, b = atlas.places[link.owner].name, atlas.places[link.partner].name
    return {
        "from": index[link.owner],
        "to": index[link.partner],
        "type": link.rel.type,
        "label": f"{a} – {b}: {term.label}" + (f" ({link.signed})" if link.signed else ""),
        "signed": str(link.signed) if link.signed else None,
        "year": link.signed.year if link.signed else None,
        "status": link.status,
    }


def _spec(atlas: Atlas, pids: list[str], links: Iterable[Link], url: UrlFn, roles: dict[str, str], options: dict) -> dict:
    index = {pid: i for i, pid in enumerate(pids)}
    points = [_point(atlas, pid, url, roles.get(pid, "partner")) for pid in pids]
    drawn = [_link(atlas, link, index) for link in links if link.owner in index and link.partner in index]
    used = {d["type"] for d in drawn}
    types = [
        {"id": t.id, "label": t.label, "color": t.shown_color}
        for t in atlas.vocabulary.relationship_types
        if t.id in used
    ]
    return {"points": points, "links": drawn, "types": types, "options": options}


def place_spec(atlas: Atlas, pid: str, url: UrlFn) -> dict:
    links = atlas.links_of(pid)
    partners = sorted({link.other(pid) for link in links})
    return _spec(atlas, [pid] + partners, links, url, {pid: "focus"}, {"layers": len({l.rel.type for l in links}) > 1})


def group_spec(
    atlas: Atlas, pids: Iterable[str], url: UrlFn, focus: Optional[str] = None, links: Optional[list[Link]] = None
) -> dict:
    """Members of a network, places of a programme or a country (with their links, if given)."""
    members = sorted(set(pids))
    ends = sorted({end for link in links or [] for end in (link.owner, link.partner)} - set(members))
    roles = {pid: "member" for pid in members}
    if focus:
        roles[focus] = "focus"
    return _spec(atlas, members + ends, links or [], url, roles, {"layers": bool(links), "cluster": len(members) > 200})


def global_spec(atlas: Atlas, url: UrlFn) -> dict:
    pids = sorted(atlas.places)
    options = {"layers": True, "cluster": True, "search": True, "fullscreen": True, "timeline": True}
    return _spec(atlas, pids, atlas.links, url, {}, options)
