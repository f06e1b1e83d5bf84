"""A strict, safe YAML reader that remembers where every value came from.

It reads YAML with a YAML 1.2-like core schema: only ``true``/``false``,
``null``/``~``, decimal integers and plain floats are anything but strings.
``NO``, ``yes``, ``on``, ``0700`` and ``2023-03-01`` stay strings, exactly as
written. Duplicate keys, tags, anchors and aliases, tabs, non-UTF-8 bytes and
oversized files, deep nesting, symlinks and special files are errors with a line and column.
"""

from __future__ import annotations

import errno
import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any, Iterator

import yaml

MAX_BYTES = 512 * 1024
MAX_DEPTH = 20  # records nest about six levels deep

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
    """Only its parser is used: `_compose` builds the values from events and resolves types itself."""

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


MAX_DIGITS = 15  # no field holds a longer whole number; Python refuses to read some of them


def _scalar(event: yaml.ScalarEvent) -> Any:
    value = event.value
    if event.style not in (None, ""):  # quoted or block scalar: always a string
        return value
    if value in _NULL:
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.fullmatch(value):
        if len(value.lstrip("+-")) > MAX_DIGITS:
            raise YamlError(f"a number of {len(value.lstrip('+-')):,} digits: no field takes more than {MAX_DIGITS}",
                            *_where(event))
        return int(value)
    if _FLOAT.fullmatch(value):
        number = float(value)
        if not math.isfinite(number):
            raise YamlError("a number too large to hold: check it", *_where(event))
        return number
    return value


def read(path: FilePath) -> bytes:
    """A data file's bytes: a regular file (no symlink, device or pipe), at most MAX_BYTES.

    The limit holds while reading, so ``/dev/zero`` or a growing file cannot fill memory.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise YamlError("symbolic link: commit the file itself, not a link to it") from None
        raise YamlError(f"cannot read the file: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise YamlError("not a regular file: data/ holds only YAML files and folders")
        raw = file.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        size = max(info.st_size, len(raw))
        raise YamlError(f"file is {size:,} bytes, over the limit of {MAX_BYTES:,}: split it or trim it")
    return raw


def read_text(path: FilePath) -> str:
    """A data file's text, refused as `read` and `parse` refuse it (YamlError)."""
    return _decode(read(path))


def write(path: FilePath, text: str) -> None:
    """Write a data file in place, never through a symbolic link and only into a regular file."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise YamlError("symbolic link: commit the file itself, not a link to it") from None
        raise YamlError(f"cannot write the file: {exc.strerror}") from None
    with os.fdopen(fd, "wb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise YamlError("not a regular file: data/ holds only YAML files and folders")
        file.truncate(0)
        file.write(text.encode("utf-8"))


def _where(event: yaml.Event) -> Position:
    return (event.start_mark.line + 1, event.start_mark.column + 1)


def _check_tag(event: yaml.Event, expected: str, message: str) -> None:
    if event.tag not in (None, "!", expected):
        raise YamlError(f"tag '{event.tag}' is not allowed: {message}", *_where(event))


_KINDS = {yaml.ScalarEvent: _STR, yaml.SequenceStartEvent: _SEQ, yaml.MappingStartEvent: _MAP}


@dataclass
class _Open:
    """A list or mapping being read; for a mapping, the key whose value comes next."""

    value: Any
    path: Path
    key: Any = None


def _events(loader: Any) -> Iterator[yaml.Event]:
    """The events of the one document in the stream (libyaml's parser is iterative)."""
    documents = 0
    while True:
        event = loader.get_event()
        if isinstance(event, yaml.StreamEndEvent):
            return
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise YamlError("a second document ('---'): write one record per file", *_where(event))
        if not isinstance(event, (yaml.StreamStartEvent, yaml.DocumentStartEvent, yaml.DocumentEndEvent)):
            yield event


def _key(event: yaml.Event, parent: _Open, doc: Document) -> None:
    where = _where(event)
    if not isinstance(event, yaml.ScalarEvent):
        raise YamlError("a key must be a plain word, not a list or mapping", *where)
    _check_tag(event, _STR, "remove it")
    if event.value == "<<":
        raise YamlError("merge keys (<<) are not allowed: write the fields out", *where)
    if event.value in parent.value:
        first = doc.keys[parent.path + (event.value,)]
        raise YamlError(f"duplicate key '{event.value}' (first at line {first[0]}): keep one", *where)
    doc.keys[parent.path + (event.value,)] = where
    parent.key = event.value


def _compose(loader: Any) -> Document:
    """Build plain values from parser events, with an explicit stack: depth is bounded, not recursive."""
    doc = Document(None)
    stack: list[_Open] = []
    for event in _events(loader):
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
            continue
        where = _where(event)
        if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
            raise YamlError("anchors and aliases (&, *) are not allowed: write the value out", *where)
        parent = stack[-1] if stack else None
        if parent is not None and isinstance(parent.value, dict) and parent.key is None:
            _key(event, parent, doc)
            continue
        _check_tag(event, _KINDS[type(event)], "remove it and write a plain value")
        if parent is None:
            path: Path = ()
        else:
            path = parent.path + ((parent.key,) if isinstance(parent.value, dict) else (len(parent.value),))
        doc.values[path] = where
        if isinstance(event, yaml.ScalarEvent):
            value = _scalar(event)
        elif len(path) >= MAX_DEPTH:
            raise YamlError(f"nested more than {MAX_DEPTH} levels deep: records are a few levels deep at most", *where)
        else:
            value = {} if isinstance(event, yaml.MappingStartEvent) else []
            stack.append(_Open(value, path))
        if parent is None:
            doc.data = value
        elif isinstance(parent.value, dict):
            parent.value[parent.key], parent.key = value, None
        else:
            parent.value.append(value)
    return doc


def parse(raw: bytes) -> Document:
    """Parse one YAML document from bytes; raise YamlError on anything unsafe or unclear."""
    text = _decode(raw)
    loader = _Loader(text)
    try:
        return _compose(loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlError(f"YAML syntax: {problem}", line, column) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML syntax: {exc}") from None
    finally:
        loader.dispose()
