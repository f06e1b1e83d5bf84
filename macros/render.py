"""Safe rendering of untrusted text: Markdown without raw HTML, and autoescaped templates.

Data arrives through pull requests, so everything here treats it as untrusted:
raw HTML in Markdown is shown as text and links may only use safe schemes.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Any

import markdown
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from markdown.extensions.toc import slugify
from markdown.treeprocessors import Treeprocessor

SAFE_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def safe_url(url: str) -> str | None:
    """The URL as a browser reads it, if it is http(s), mailto or relative; None otherwise.

    The one URL check of every renderer (pages, macros, maps, search). It decides on
    what the browser will see: character references decoded (``&#106;avascript:``,
    ``javascript&colon;``), tabs and newlines removed and outer spaces stripped (the
    URL parser ignores them). Callers write the returned text, escaped, never the input.
    """
    text = html.unescape(url)
    text = re.sub(r"[\t\n\r]", "", text).strip(" \x00-\x1f")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        return None
    scheme = _SCHEME.match(text)
    if scheme is not None and scheme.group(1).lower() not in SAFE_SCHEMES:
        return None
    return text


def is_local(url: str) -> bool:
    """A relative URL (no scheme, no host): it loads nothing from another site."""
    return _SCHEME.match(url) is None and not url.replace("\\", "/").startswith("//")


class _SafeLinks(Treeprocessor):
    """Links keep only safe URLs (see `safe_url`); images from elsewhere become plain links."""

    def run(self, root: Any) -> None:
        for element in root.iter():
            if element.tag == "img":
                src = safe_url(element.get("src") or "")
                if src is not None and is_local(src):
                    element.set("src", src)
                    continue
                element.tag, element.text = "a", element.get("alt") or element.get("src") or "image"
                element.attrib = {"href": element.get("src") or "#"}
            href = element.get("href")
            if href is not None:
                element.set("href", safe_url(href) or "#")
                if not is_local(element.get("href")):
                    element.set("rel", "nofollow noopener")


class _SafeMarkdown(markdown.Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_SafeLinks(md), "safe_links", 0)


@lru_cache(maxsize=1)
def _markdown() -> markdown.Markdown:
    return markdown.Markdown(extensions=[_SafeMarkdown(), "sane_lists"], output_format="html")


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
    return _markdown().reset().convert(text)


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


@lru_cache(maxsize=1)
def templates() -> Environment:
    env = Environment(
        loader=PackageLoader("macros", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md
    env.filters["href"] = lambda url: safe_url(url) or "#"
    env.filters["slugify"] = lambda title: slugify(title, "-")
    env.filters["mdinline"] = lambda text: md(text, inline=True)
    return env


def render(template: str, **context: Any) -> str:
    return templates().get_template(template).render(**context)


__all__ = ["Markup", "escape", "md", "relative", "render", "templates"]
