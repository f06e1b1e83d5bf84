"""Safe rendering of untrusted text: Markdown without raw HTML, and autoescaped templates.

Data arrives through pull requests, so everything here treats it as untrusted:
raw HTML in Markdown is shown as text and links may only use safe schemes.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Any, Optional, get_args

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from markdown.extensions.toc import slugify
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from . import i18n, model

SAFE_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def _decoded(text: str) -> str:
    """The text as the URL parser reads it: tabs and newlines removed, outer spaces and controls stripped."""
    return re.sub(r"[\t\n\r]", "", text).strip(" \x00-\x1f")


def _unsafe(text: str) -> bool:
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        return True
    scheme = _SCHEME.match(text)
    return scheme is not None and scheme.group(1).lower() not in SAFE_SCHEMES


def safe_url(url: str) -> str | None:
    """The URL as a browser reads it, if it is http(s), mailto or relative; None otherwise.

    The one URL check of every renderer (pages, macros, maps, search). It decides on
    what the browser will see: character references decoded (``&#106;avascript:``,
    ``javascript&colon;``), tabs and newlines removed and outer spaces stripped (the
    URL parser ignores them). References are decoded again until the text stops
    changing, and the URL is refused if any depth of decoding reads as unsafe
    (``&amp;#106;avascript:``): a serialiser that fails to escape cannot let one through.
    Callers write the returned text (decoded once), escaped, never the input.
    """
    text = _decoded(html.unescape(url))
    deeper = text
    for _ in range(len(url) + 1):  # each round shortens the text, so this ends
        if _unsafe(deeper):
            return None
        decoded = _decoded(html.unescape(deeper))
        if decoded == deeper:
            return text
        deeper = decoded
    return None


def is_local(url: str) -> bool:
    """A relative URL (no scheme, no host): it loads nothing from another site."""
    return _SCHEME.match(url) is None and not url.replace("\\", "/").startswith("//")


#: Blocks (lists, quotes) nest at most this deep in contributor Markdown: deeper text would
#: be cut by the renderer, so the checker refuses it (``markdown_problem``).
MAX_NESTING = 20


def _link(token: Token) -> None:
    """A link keeps only a safe URL (see ``safe_url``); one to another site gets ``rel``."""
    href = safe_url(token.attrGet("href") or "") or "#"
    token.attrs = {"href": href}
    if not is_local(href):
        token.attrSet("rel", "nofollow noopener")


def _image_as_link(token: Token) -> list[Token]:
    """Images from data never load: each becomes a link to it, its alt text the link's text."""
    opening = Token("link_open", "a", 1, attrs={"href": token.attrGet("src") or ""})
    text = token.children or [Token("text", "", 0, content=token.attrGet("src") or "image")]
    return [opening, *text, Token("link_close", "a", -1)]


def _safe_links(state: StateCore) -> None:
    """Core rule, after inline parsing: every image becomes a link, every link is checked."""
    for block in state.tokens:
        if block.children is None:
            continue
        inline: list[Token] = []
        for token in block.children:
            inline += _image_as_link(token) if token.type == "image" else [token]
        for token in inline:
            if token.type == "link_open":
                _link(token)
        block.children = inline


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    """CommonMark (markdown-it-py: linear time), raw HTML shown as text, nesting bounded."""
    parser = MarkdownIt("commonmark", {"html": False, "maxNesting": MAX_NESTING, "xhtmlOut": False})
    # Every URL is decided by safe_url: as written (entities decoded, before markdown-it
    # percent-encodes a tab or a newline in it), and again as written out (_safe_links).
    parser.validateLink = lambda url: True
    normalize = parser.normalizeLink
    parser.normalizeLink = lambda url: normalize(url) if safe_url(url) is not None else "#"
    parser.core.ruler.push("atlas_safe_links", _safe_links)
    return parser


# Every level of block nesting costs at least one character at the start of the line that opens
# it (a '>', a list marker, the indentation under an item), an empty item at most one level more.
# So a line whose start has fewer than DEEP_PREFIX of them cannot open a block deep enough to be
# lost (MAX_NESTING); the rule is decided by a regular expression, in time linear in the text.
DEEP_PREFIX = MAX_NESTING - 4
_DEEP_LINE = re.compile(r"^(?:[ >]|[*+-](?= |$)|[0-9]{1,9}[.)](?= |$)){%d}" % DEEP_PREFIX, re.M)


def markdown_problem(text: str) -> str | None:
    """Why contributor Markdown cannot be shown as written (None when it can): lists and quotes
    nested so deep that the renderer would drop what lies deeper."""
    found = _DEEP_LINE.search(text.expandtabs(4))
    if found is None:
        return None
    line = text.count("\n", 0, found.start()) + 1
    return (f"Markdown nested too deeply: line {line} of the text starts with {DEEP_PREFIX} or more quote marks, "
            "list markers and spaces; flatten the lists and quotes")


def md(text: str | None, inline: bool = False) -> Markup:
    """Render contributor Markdown; raw HTML in it comes out as visible text."""
    if not text:
        return Markup("")
    html = _convert(text)
    if inline and html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)


@lru_cache(maxsize=8192)
def _convert(text: str) -> str:
    """Markdown to HTML, once per distinct text (a summary shows on its page and in search)."""
    return _markdown().render(text).rstrip("\n")


def relative(here: str, target: str) -> str:
    """A link from the page at site URL `here` (e.g. 'cities/taipei/') to site URL `target`.

    Both are site-root relative; pages end in '/', files do not ('assets/x.js').
    """
    if target.startswith(("http://", "https://", "#")):
        return target
    path, _, fragment = target.partition("#")
    base = here.split("/")[:-1]  # the folders of `here`: 'cities/taipei/' -> ['cities', 'taipei']
    parts = path.split("/")
    common = 0
    while common < len(base) and common < len(parts) - 1 and base[common] == parts[common]:
        common += 1
    link = "../" * (len(base) - common) + "/".join(parts[common:])
    return (link or "./") + (f"#{fragment}" if fragment else "")


def counted(count: int, one: str, many: Optional[str] = None) -> str:
    """``1 tie``, ``2 ties``, ``1,234 ties``; ``counted(n, "country", "countries")``."""
    return f"{count:,} {one if count == 1 else many or one + 's'}"


@lru_cache(maxsize=None)
def templates(lang: str = i18n.ENGLISH) -> Environment:
    """The templates in one language: ``_()`` and ``ngettext()`` (Jinja2's i18n extension, new
    style: the catalogue's text is template text, the values put in it are escaped), ``_t()`` for
    plain text (a caption or an attribute, escaped where it is printed), ``N_()`` marking an English
    text a macro translates (a heading: its id stays the English one), ``|date`` and ``|listing``."""
    env = Environment(
        loader=PackageLoader("macros", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    translations = i18n.translations(lang)
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    env.globals["_t"] = lambda message, **values: translations.gettext(message) % values if values else translations.gettext(message)
    env.globals["N_"] = i18n.N_
    env.globals["lang"] = lang
    env.globals["statuses"] = get_args(model.Status)  # the model's, in its order
    env.globals["years"] = (model.FIRST_YEAR, model.LAST_YEAR)  # a year outside these is a typo
    env.filters["t"] = translations.gettext
    env.filters["date"] = lambda date: i18n.date_text(date, lang)
    env.filters["language"] = lambda tag: i18n.language_name(tag, lang)
    env.filters["listing"] = lambda items: i18n.LIST_SEPARATOR[lang].join(items)
    env.filters["md"] = md
    env.filters["href"] = lambda url: safe_url(url) or "#"
    env.filters["slugify"] = lambda title: slugify(title, "-")
    env.filters["mdinline"] = lambda text: md(text, inline=True)
    env.filters["counted"] = counted
    return env


def render(template: str, lang: str = i18n.ENGLISH, **context: Any) -> str:
    return templates(lang).get_template(template).render(**context)


__all__ = ["Markup", "escape", "md", "relative", "render", "templates"]
