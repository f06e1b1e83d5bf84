"""The atlas's languages: English at the site root, 繁體中文 under zh-Hant/, 日本語 under ja/.

Translators edit one gettext catalogue per language, ``macros/locale/<lang>/LC_MESSAGES/atlas.po``
(read and compiled by Babel when a build starts: no .mo file is committed), for the strings of
the templates (``_()``/``ngettext()`` of Jinja2's i18n extension) and of the Python code that
writes pages (``_()`` on a View, ``N_()`` for words picked at run time such as a status). Term
labels are not in the catalogues: each vocabulary term carries its ``labels`` per language in
data/vocabulary.yaml. ``catalogue_findings`` says what a catalogue lacks or holds for nothing;
``atlas check`` prints it. No MkDocs here.
"""

from __future__ import annotations

import gettext
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

ENGLISH = "en"
DOMAIN = "atlas"
PACKAGE = Path(__file__).parent
LOCALE_DIR = PACKAGE / "locale"
TEMPLATES = PACKAGE / "templates"
# The Python modules whose strings are in the catalogues (what _() and N_() mark in them).
PYTHON_SOURCES = ("pages.py", "mapsite.py", "i18n.py", "blocks.py", "authoring.py", "figures.py")
KEYWORDS = {"_": None, "_t": None, "gettext": None, "ngettext": (1, 2), "N_": None}


@dataclass(frozen=True)
class Language:
    code: str  # BCP 47, as in a place's `names` and a term's `labels`
    name: str  # in itself, for the language switcher
    locale: str  # Babel's (CLDR) locale: country names
    date_pattern: Optional[tuple[str, str, str]] = None  # year, year-month, year-month-day; None: ISO 8601

    @property
    def prefix(self) -> str:
        """Where its pages are, from the site root: '' for English, 'ja/' for Japanese."""
        return "" if self.code == ENGLISH else self.code + "/"


_CJK_DATES = ("{y}年", "{y}年{m}月", "{y}年{m}月{d}日")
LANGUAGES: dict[str, Language] = {
    ENGLISH: Language(ENGLISH, "English", "en"),
    "zh-Hant": Language("zh-Hant", "繁體中文", "zh_Hant", _CJK_DATES),
    "ja": Language("ja", "日本語", "ja", _CJK_DATES),
}
TRANSLATED = tuple(code for code in LANGUAGES if code != ENGLISH)
LIST_SEPARATOR = {ENGLISH: ", ", "zh-Hant": "、", "ja": "、"}


def N_(message: str) -> str:
    """Marks a string for the catalogues where it is written; translated where it is shown."""
    return message


SITE_NAME = N_("City Diplomacy Atlas")  # mkdocs.yml's site_name, as the pages in a language call it
# mkdocs.yml's navigation titles, as the header's tabs and the phone's drawer show them in a language.
NAV_TITLES = (N_("Home"), N_("Map"), N_("Places"), N_("Networks"), N_("Programmes"), N_("Countries"), N_("Types"),
              N_("Timeline"), N_("Sources"), N_("Analysis"), N_("Coverage"), N_("Data quality"), N_("About"))
# Words the pages pick at run time, so the catalogues' extraction sees them only here.
STATUSES = (N_("active"), N_("ended"), N_("suspended"), N_("disputed"))
CONTINENT_NAMES = (N_("Africa"), N_("Antarctica"), N_("Asia"), N_("Europe"), N_("North America"),
                   N_("Oceania"), N_("South America"))
PROFILE_ROWS = {"core_focus": N_("Core focus"), "shared_attributes": N_("Shared attributes"),
                "key_mechanisms": N_("Key mechanisms"), "network_participation": N_("Network participation"),
                "sister_cities": N_("Sister cities"), "diplomatic_style": N_("Diplomatic style")}
POPULATION_KINDS = {"census": N_("census"), "estimate": N_("estimate"), "register": N_("registered residents")}


def catalogue_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def _read_catalogue(code: str) -> Any:
    from babel.messages.pofile import read_po

    with catalogue_path(code).open("rb") as po:
        return read_po(po, locale=LANGUAGES[code].locale, domain=DOMAIN)


@lru_cache(maxsize=None)
def translations(code: str) -> gettext.NullTranslations:
    """The language's catalogue, compiled in memory (English: the source strings as they are)."""
    if code == ENGLISH:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.support import Translations

    compiled = io.BytesIO()
    write_mo(compiled, _read_catalogue(code), use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def gettext_of(code: str):
    return translations(code).gettext


def date_text(date: Any, code: str) -> str:
    """A partial date as the language writes it: '1961-06-15' in English, '1961年6月15日' in Japanese."""
    text = str(date)
    pattern = LANGUAGES[code].date_pattern
    found = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text)
    if pattern is None or found is None:
        return text
    y, m, d = found.groups()
    parts = {"y": y, "m": str(int(m)) if m else "", "d": str(int(d)) if d else ""}
    return pattern[(m is not None) + (d is not None)].format(**parts)


@lru_cache(maxsize=None)
def _territories(code: str) -> dict[str, str]:
    from babel import Locale

    return dict(Locale.parse(LANGUAGES[code].locale).territories)


def country_name(country: str, english: str, code: str) -> str:
    """A country's name in the language (CLDR's, through Babel), else its English name."""
    return english if code == ENGLISH else _territories(code).get(country, english)


@lru_cache(maxsize=None)
def language_name(tag: str, code: str) -> str:
    """A language tag (a source's ``language``: ja, zh-Hant) by its name in the page's language
    (CLDR's, through Babel: Japanese, 日文, 日本語), else the tag as written."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(tag, sep="-").get_display_name(LANGUAGES[code].locale) or tag
    except (ValueError, UnknownLocaleError):
        return tag


# --- the catalogues' keys -----------------------------------------------------------------

@dataclass(frozen=True)
class Key:
    msgid: str
    file: str  # where it is used, relative to the package
    line: int


def source_keys() -> list[Key]:
    """Every string the templates and the page code mark for translation, in file order."""
    from babel.messages.extract import extract
    from jinja2.ext import babel_extract

    keys = []
    sources = [(path, babel_extract, {"trimmed": "false", "extensions": ""}) for path in sorted(TEMPLATES.glob("*.html"))]
    sources += [(PACKAGE / name, "python", {}) for name in PYTHON_SOURCES]
    for path, method, options in sources:
        with path.open("rb") as text:
            for line, message, _, _ in extract(method, text, keywords=KEYWORDS, options=options):
                for msgid in (message if isinstance(message, tuple) else (message,)):
                    keys.append(Key(msgid, path.relative_to(PACKAGE.parent).as_posix(), line))
    return keys


def catalogue_findings(codes: Iterable[str] = TRANSLATED) -> Iterator[tuple[str, int, str, str]]:
    """(file, line, severity, message) for each key a catalogue lacks or leaves untranslated, and
    each entry no template or page code uses. A plural's two English forms are one entry."""
    keys = source_keys()
    used = {key.msgid for key in keys}
    for code in codes:
        path = catalogue_path(code)
        shown = path.relative_to(PACKAGE.parent).as_posix() if path.is_relative_to(PACKAGE.parent) else str(path)
        if not path.is_file():
            yield shown, 1, "error", f"missing: the {LANGUAGES[code].name} catalogue"
            continue
        catalogue = _read_catalogue(code)
        translated: set[str] = set()
        for message in catalogue:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            line = message.lineno or 1
            if all(strings) and not message.fuzzy:
                translated.update(ids)
            for msgid in ids:
                if msgid not in used:
                    yield shown, line, "error", f"unused key {msgid!r}: no template or page uses it; remove it"
        seen = set()
        for key in keys:
            if key.msgid not in translated and key.msgid not in seen:
                seen.add(key.msgid)
                yield shown, 1, "error", f"missing key {key.msgid!r} (used in {key.file}:{key.line}): add its translation"
