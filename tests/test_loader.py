"""The strict YAML reader: what stays text, and what is refused, with line and column."""

from __future__ import annotations

import pytest

import os

from macros.yamlload import MAX_BYTES, YamlError, parse, read


def test_yaml11_surprises_stay_as_written() -> None:
    doc = parse(b"country: NO\nanswer: yes\nswitch: on\nmode: 0700\ndate: 2023-03-01\nsexagesimal: 1:20\n")
    assert doc.data == {"country": "NO", "answer": "yes", "switch": "on", "mode": "0700", "date": "2023-03-01", "sexagesimal": "1:20"}


def test_core_schema_values() -> None:
    doc = parse(b'a: [1, -3, 2.5, .5, 1e3, true, false, null, ~, "1", 1_000, 0x1f]\n')
    assert doc.data == {"a": [1, -3, 2.5, 0.5, 1000.0, True, False, None, None, "1", "1_000", "0x1f"]}


def test_positions_of_values_and_keys() -> None:
    doc = parse(b"name: Taipei\nrelationships:\n  - with: houston\n    type: sister\n")
    assert doc.values[("relationships", 0, "type")] == (4, 11)
    assert doc.keys[("relationships", 0, "type")] == (4, 5)
    assert doc.position(("relationships", 0, "missing")) == (3, 5)


@pytest.mark.parametrize(
    "raw, message, line, column",
    [
        (b"a: 1\na: 2\n", "duplicate key 'a' (first at line 1): keep one", 2, 1),
        (b"a: !!python/object/apply:os.system [ls]\n", "tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed: remove it and write a plain value", 1, 4),
        (b"a: !custom x\n", "tag '!custom' is not allowed: remove it and write a plain value", 1, 4),
        (b"a: &x [1]\nb: *x\n", "anchors and aliases (&, *) are not allowed: write the value out", 1, 4),
        (b"a: *nothing\n", "anchors and aliases (&, *) are not allowed: write the value out", 1, 4),
        (b"a:\n\t- 1\n", "tab character: indent with spaces and write no tabs", 2, 1),
        (b"name: Caf\xe9\n", "byte 0xe9 is not UTF-8: save the file as UTF-8", 1, 10),
        (b"a: [1\n", "YAML syntax: did not find expected ',' or ']'", 2, 1),
        (b"<<: {a: 1}\n", "merge keys (<<) are not allowed: write the fields out", 1, 1),
        (b"? [a]\n: 1\n", "a key must be a plain word, not a list or mapping", 1, 3),
        (b"a: 1\n---\nb: 2\n", "a second document ('---'): write one record per file", 2, 1),
        (b"a:\n" + b"".join(b"  " * i + b"- \n" for i in range(1, 30)), "nested more than 20 levels deep: records are a few levels deep at most", 21, 41),
    ],
)
def test_refused_input(raw: bytes, message: str, line: int, column: int) -> None:
    with pytest.raises(YamlError) as caught:
        parse(raw)
    assert (caught.value.message, caught.value.line, caught.value.column) == (message, line, column)


def test_alias_bomb_is_refused_quickly() -> None:
    lines = [b'a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i-1}'] * 9)}]".encode())
    with pytest.raises(YamlError) as caught:
        parse(b"\n".join(lines) + b"\n")
    assert caught.value.message == "anchors and aliases (&, *) are not allowed: write the value out"


def test_oversized_file() -> None:
    with pytest.raises(YamlError) as caught:
        parse(b"a: " + b"x" * MAX_BYTES + b"\n")
    assert caught.value.message == f"file is {MAX_BYTES + 4:,} bytes, over the limit of {MAX_BYTES:,}: split it or trim it"


def test_byte_order_mark_is_accepted() -> None:
    assert parse("\ufeffname: 横浜\n".encode()).data == {"name": "横浜"}


def test_empty_document() -> None:
    assert parse(b"# nothing\n").data is None


def test_deep_flow_nesting_is_refused_without_a_crash() -> None:
    # libyaml's own composer recurses in C and crashed the process on this file.
    with pytest.raises(YamlError) as caught:
        parse(b"a: " + b"[" * 100_000 + b"1" + b"]" * 100_000 + b"\n")
    assert (caught.value.message, caught.value.line, caught.value.column) == (
        "nested more than 20 levels deep: records are a few levels deep at most", 1, 23)


def test_read_refuses_symlinks_and_special_files(tmp_path) -> None:
    (tmp_path / "real.yaml").write_bytes(b"a: 1\n")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "real.yaml")
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "pipe.yaml")
    assert read(tmp_path / "real.yaml") == b"a: 1\n"
    for name, message in [
        ("link.yaml", "symbolic link: commit the file itself, not a link to it"),
        ("zero.yaml", "symbolic link: commit the file itself, not a link to it"),
        ("pipe.yaml", "not a regular file: data/ holds only YAML files and folders"),
    ]:
        with pytest.raises(YamlError) as caught:
            read(tmp_path / name)
        assert caught.value.message == message


def test_read_stops_at_the_limit(tmp_path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (3 * MAX_BYTES))
    with pytest.raises(YamlError) as caught:
        read(big)
    assert caught.value.message == f"file is {3 * MAX_BYTES:,} bytes, over the limit of {MAX_BYTES:,}: split it or trim it"
