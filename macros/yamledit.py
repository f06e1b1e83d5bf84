"""Data files in one canonical layout, edited without losing comments (ruamel.yaml round trip).

The layout: the schema comment on the first line, keys in the model's field order, two-space
indentation with list dashes indented under their key, quotes only where YAML needs them,
long lines kept as written. Flow collections (`[a, b]`, `{ja: 横浜}`) stay flow and
comments stay where they are. `canonical` never changes what a file means: it checks that the
atlas's own reader gets the same values from the old and the new text.
"""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Optional

from pydantic import BaseModel
from ruamel.yaml import YAML
import yaml as pyyaml
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import ScalarString, SingleQuotedScalarString
from ruamel.yaml.error import YAMLError

from .model import FOLDERS, Vocabulary, field_names, nested_model
from .schema import SCHEMA_FILES
from .yamlload import YamlError, parse, read_text

_SCHEMA_OF = {model: name for name, model in SCHEMA_FILES.items()}


class FormatError(YamlError):
    """A file that cannot be put in the canonical layout (it does not parse, or would change)."""


def model_of(path: Path) -> type[BaseModel]:
    """The record type a data file holds, from where it sits (data/cities/x.yaml: Place)."""
    return Vocabulary if path.name == "vocabulary.yaml" else FOLDERS[path.parent.name]


def schema_comment(path: Path) -> str:
    up = "../" if path.name == "vocabulary.yaml" else "../../"
    return f"# yaml-language-server: $schema={up}schemas/{_SCHEMA_OF[model_of(path)]}"


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never re-wrap a long line
    return yaml


def _order(node: Any, model: Optional[type[BaseModel]]) -> None:
    """Put the keys of every mapping in the model's field order (unknown keys last, as written)."""
    if isinstance(node, list):
        for item in node:
            _order(item, model)
    if not isinstance(node, CommentedMap) or model is None:
        return
    rank = {name: i for i, name in enumerate(field_names(model))}
    for key in sorted(node, key=lambda k: rank.get(k, len(rank))):
        node.move_to_end(key)
    for key, value in node.items():
        _order(value, nested_model(model, key))


_YAML11 = pyyaml.resolver.Resolver()  # how YAML 1.1 tools (PyYAML among them) read a plain word


def _yaml11_word(value: Any) -> bool:
    """Plain text that a YAML 1.1 reader takes for something else: NO, yes, on, 1:20, 0x1F, ~."""
    if not isinstance(value, str) or isinstance(value, ScalarString):
        return False
    return _YAML11.resolve(pyyaml.ScalarNode, value, (True, False)) != "tag:yaml.org,2002:str"


def _quote_yaml11(node: Any) -> None:
    """Quote every such text, keys included, so it reads the same to every YAML tool."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            if _yaml11_word(item):
                node[i] = SingleQuotedScalarString(item)
            _quote_yaml11(item)
    if isinstance(node, CommentedMap):
        for position, key in enumerate(list(node)):
            value = node[key]
            if _yaml11_word(key):
                del node[key]  # a quoted key equals the plain one: its comments stay attached
                node.insert(position, SingleQuotedScalarString(key), value)
                key = SingleQuotedScalarString(key)
            if _yaml11_word(value):
                node[key] = SingleQuotedScalarString(value)
            _quote_yaml11(value)


def _comments(text: str) -> Counter:
    """The comments of a YAML text (the schema line aside), as (text) -> how many, with PyYAML's scanner:
    whatever lies between two tokens is blank or a comment."""
    found: Counter = Counter()
    position = 0
    tokens = [(t.start_mark.index, t.end_mark.index) for t in pyyaml.scan(text)]
    for start, end in tokens + [(len(text), len(text))]:
        for line in text[position:start].split("\n"):
            comment = line[line.find("#"):].strip() if "#" in line else ""
            if comment and not comment.startswith("# yaml-language-server:"):
                found[comment] += 1
        position = max(position, end)
    return found


def _keeps_comments(old: str, new: str) -> None:
    lost = _comments(old) - _comments(new)
    if lost:
        comment = next(iter(lost))
        before = old[: old.find(comment)]
        raise FormatError(f"the canonical layout would drop the comment {comment!r}: comments inside [...] or {{...}} "
                          "or after a '...' line are not kept, so move it to a line of its own within the record",
                          before.count("\n") + 1,
                          len(before) - (before.rfind("\n") + 1) + 1)


def load(text: str) -> Any:
    try:
        return _yaml().load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise FormatError(f"YAML syntax: {getattr(exc, 'problem', None) or exc}", *((mark.line + 1, mark.column + 1) if mark else (1, 1))) from None


def dump(data: Any, path: Path) -> str:
    """Text of `data` in the canonical layout for the file at `path`."""
    _order(data, model_of(path))
    _quote_yaml11(data)
    out = io.StringIO()
    _yaml().dump(data, out)
    text = out.getvalue()
    lines = text.split("\n", 1)
    header = schema_comment(path)
    if lines[0].startswith("# yaml-language-server:"):
        text = lines[1] if len(lines) > 1 else ""
    return f"{header}\n{text}"


def _same_meaning(old: str, new: str) -> bool:
    try:
        return parse(old.encode("utf-8")).data == parse(new.encode("utf-8")).data
    except YamlError:
        return False


def canonical(text: str, path: Path) -> str:
    """`text` of the file at `path` in the canonical layout; FormatError if that is not safe."""
    try:
        parse(text.encode("utf-8"))
    except YamlError as exc:
        raise FormatError(exc.message, exc.line, exc.column) from None
    new = dump(load(text), path)
    if not _same_meaning(text, new):
        raise FormatError("reformatting would change a value: fix the file by hand")
    _keeps_comments(text, new)
    return new


def edit(path: Path, change: Callable[[Any], None]) -> str:
    """The text of the file at `path` after `change(data)`, in the canonical layout."""
    old = read_text(path) if path.exists() else ""
    data = load(old) if old else CommentedMap()
    change(data)
    new = dump(data, path)
    _keeps_comments(old, new)
    return new


def data_files(data_dir: Path) -> list[Path]:
    """The files `atlas fmt` formats: the vocabulary and every record."""
    files = [data_dir / "vocabulary.yaml"] if (data_dir / "vocabulary.yaml").is_file() else []
    for folder in FOLDERS:
        files += sorted(p for p in (data_dir / folder).glob("*.yaml") if p.is_file() and not p.is_symlink())
    return files
