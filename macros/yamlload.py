"""A strict, safe YAML reader that remembers where every value came from.

It reads YAML with a YAML 1.2-like core schema: only ``true``/``false``,
``null``/``~``, decimal integers and plain floats are anything but strings.
``NO``, ``yes``, ``on``, ``0700`` and ``2023-03-01`` stay strings, exactly as
written. Duplicate keys, tags, anchors and aliases, tabs, non-UTF-8 bytes and
oversized files are errors with a line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

MAX_BYTES = 512 * 1024

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+")
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
# Plain words that YAML 1.1 readers turn into booleans: they stay strings here,
# and the validator adds a hint when a field wanted a boolean.
YAML11_BOOLS = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF"}

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Composes nodes without resolving any implicit types: we resolve them ourselves."""

    yaml_implicit_resolvers: dict = {}


Position = tuple[int, int]
Path = tuple[Any, ...]


@dataclass
class YamlError(Exception):
    message: str
    line: int = 1
    column: int = 1


@dataclass
class Document:
    """A parsed file: its value and the (line, column) of every value and key in it."""

    data: Any
    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)

    def position(self, path: Path, key: bool = False) -> Position:
        """Where `path` is written; for a missing path, where its nearest parent is."""
        table = self.keys if key else self.values
        for end in range(len(path), -1, -1):
            prefix = tuple(path[:end])
            if end == len(path) and prefix in table:
                return table[prefix]
            if prefix in self.values:
                return self.values[prefix]
        return (1, 1)


def _decode(raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise YamlError(f"file is {len(raw):,} bytes, over the limit of {MAX_BYTES:,}: split it or trim it")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise YamlError(f"byte 0x{raw[exc.start]:02x} is not UTF-8: save the file as UTF-8", line, column) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    tab = text.find("\t")
    if tab >= 0:
        line = text.count("\n", 0, tab) + 1
        column = tab - (text.rfind("\n", 0, tab) + 1) + 1
        raise YamlError("tab character: indent with spaces and write no tabs", line, column)
    return text


def _scalar(node: yaml.ScalarNode) -> Any:
    value = node.value
    if node.style not in (None, ""):  # quoted or block scalar: always a string
        return value
    if value in _NULL:
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.fullmatch(value):
        return int(value)
    if _FLOAT.fullmatch(value):
        return float(value)
    return value


def parse(raw: bytes) -> Document:
    """Parse one YAML document from bytes; raise YamlError on anything unsafe or unclear."""
    text = _decode(raw)
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if "found undefined alias" in str(problem) or "found duplicate anchor" in str(problem):
            problem = "anchors and aliases (&, *) are not allowed: write the value out"
        raise YamlError(f"YAML syntax: {problem}", line, column) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML syntax: {exc}") from None
    doc = Document(None)
    if root is None:
        return doc
    seen: set[int] = set()

    def build(node: yaml.Node, path: Path) -> Any:
        where = (node.start_mark.line + 1, node.start_mark.column + 1)
        if id(node) in seen:
            raise YamlError("anchors and aliases (&, *) are not allowed: write the value out", *where)
        seen.add(id(node))
        doc.values[path] = where
        expected = {yaml.ScalarNode: _STR, yaml.SequenceNode: _SEQ, yaml.MappingNode: _MAP}[type(node)]
        if node.tag != expected:
            raise YamlError(f"tag '{node.tag}' is not allowed: remove it and write a plain value", *where)
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return [build(item, path + (i,)) for i, item in enumerate(node.value)]
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key_where = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError("a key must be a plain word, not a list or mapping", *key_where)
            if key_node.tag != _STR:
                raise YamlError(f"tag '{key_node.tag}' is not allowed: remove it", *key_where)
            if key_node.value == "<<":
                raise YamlError("merge keys (<<) are not allowed: write the fields out", *key_where)
            key = key_node.value
            if key in result:
                first = doc.keys[path + (key,)]
                raise YamlError(f"duplicate key '{key}' (first at line {first[0]}): keep one", *key_where)
            doc.keys[path + (key,)] = key_where
            result[key] = build(value_node, path + (key,))
        return result

    doc.data = build(root, ())
    return doc
