"""Property-based tests (Hypothesis): random files and text never give a traceback, a hang or live markup.

What a pull request can hold is arbitrary, so the loader, the checker, the Markdown renderer
and the maps' data are run on generated input. Each property is kept to a few seconds.
"""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from macros.mapdata import MapData
from macros.maps import kind_scripts
from macros.render import MAX_NESTING, _markdown, markdown_problem, md, safe_url
from macros.validate import load
from macros.yamlload import Document, YamlError, parse

from .conftest import DATA

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

#: Characters that mean something to YAML, Markdown, HTML, URLs or Jinja, and a few that should not be there.
SIGNIFICANT = list("-:[]{}#&*!|>'\"%@`,?~=<>/\\()_^$.;+ \n\t\r") + ["&#106;", "&amp;", "javascript:", "{{", "{%",
                                                                       "\x00", "\x1b", "\ufffe", "\u202e", "臺北", "é"]
text = st.lists(st.one_of(st.sampled_from(SIGNIFICANT), st.characters()), max_size=60).map("".join)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), text)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
                      max_leaves=12)


@FAST
@given(st.one_of(st.binary(max_size=400), text.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_any_bytes_are_a_document_or_a_yaml_error(raw: bytes) -> None:
    try:
        assert isinstance(parse(raw), Document)
    except YamlError as error:
        assert error.message and error.line >= 1 and error.column >= 1


def _data_folder(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    if not root.exists():
        (root / "cities").mkdir(parents=True)
        shutil.copy(DATA / "vocabulary.yaml", root / "vocabulary.yaml")
    return root


def _record(value: object) -> str:
    return yaml.safe_dump(value, allow_unicode=True)


fields = st.fixed_dictionaries({"name": text, "country": st.sampled_from(["TW", "JP", "usa", ""]),
                                "coordinates": st.lists(st.floats(allow_nan=True), max_size=3)},
                               optional={"summary": text, "names": values, "relationships": values, "events": values})


@SLOW
@given(st.one_of(values.map(_record), fields.map(_record), text))
def test_any_record_gives_findings_never_a_traceback(tmp_path: Path, record: str) -> None:
    root = _data_folder(tmp_path)
    (root / "cities" / "fuzz.yaml").write_text(record, encoding="utf-8", errors="surrogatepass")
    atlas, findings = load(root, geography=False)
    assert atlas is not None or any(f.severity == "error" for f in findings)
    for finding in findings:
        assert finding.line >= 1 and finding.column >= 1 and "\n" not in str(finding)


class _Markup(HTMLParser):
    """The tags and attributes of rendered Markdown, decoded as the browser decodes them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))


SAFE_TAGS = {"p", "a", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "h1", "h2", "h3", "h4", "h5",
             "h6", "hr", "br"}


@FAST
@given(text)
def test_any_markdown_renders_to_inert_html(source: str) -> None:
    markup = _Markup()
    markup.feed(str(md(source)))
    for tag, attrs in markup.tags:
        assert tag in SAFE_TAGS, (source, tag)
        assert set(attrs) <= {"href", "rel", "start", "class"}, (source, attrs)
        if "href" in attrs:
            assert safe_url(attrs["href"]) is not None, (source, attrs)  # what the browser reads is safe
    markdown_problem(source)


@FAST
@given(st.lists(st.sampled_from(["[", "![", "](", "- ", "> ", "*", "_", "`", "&#1;", "\n", "a", "<", "]"]),
                max_size=400).map("".join))
def test_markdown_of_nested_and_unclosed_syntax_renders(source: str) -> None:
    assert isinstance(str(md(source)), str)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["- ", "> ", ">", "  ", "\t", "1. ", "* ", "+ ", "a", "\n", "\n- ", "\n> "]),
                max_size=80).map("".join))
def test_markdown_too_deep_to_show_is_always_reported(source: str) -> None:
    """The checker's rule, on the start of each line, refuses every text that the renderer would cut."""
    deep = any(t.nesting == 1 and t.level >= MAX_NESTING - 1 for t in _markdown().parse(source))
    assert markdown_problem(source) is not None or not deep


@settings(max_examples=10, deadline=None)
@given(text)
def test_labels_never_reach_the_maps_scripts(label: str) -> None:
    # Whatever a label holds, the maps' scripts are the same: Folium never sees it.
    types = [{"id": "sister", "label": label, "color": "#c62828"}]
    assert kind_scripts(types) == kind_scripts([{"id": "sister", "label": "Sister city", "color": "#c62828"}])


@SLOW
@given(text.filter(lambda t: t.strip()))
def test_names_reach_the_maps_data_as_json(tmp_path: Path, name: str) -> None:
    root = _data_folder(tmp_path)
    (root / "cities" / "fuzz.yaml").write_text(_record({"name": name, "country": "TW", "coordinates": [25.0, 121.5]}),
                                               encoding="utf-8", errors="surrogatepass")
    atlas, _ = load(root, geography=False)
    if atlas is not None:  # the name passed the checker: the map's data carries it exactly, as JSON
        feature = json.loads(MapData(atlas).place("fuzz", "cities/fuzz/"))["features"][0]
        assert feature["properties"]["name"] == atlas.places["fuzz"].name
