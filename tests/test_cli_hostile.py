"""`atlas new` and `atlas fmt` given hostile arguments and files: they change files inside data/
only, answer in one line without a traceback, print data as inert text and lose nothing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .conftest import ROOT
from .test_cli import run

DATA = ROOT / "data"
SOURCE = ["--source", "acuto-2013"]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    copy = tmp_path / "project" / "data"
    shutil.copytree(DATA, copy)
    return copy


def new(data: Path, *args: str):
    result = run("new", *args, "--data", str(data))
    assert "Traceback" not in result.stderr and result.stderr.count("\n") <= 1, result.stderr
    return result


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")}


@pytest.mark.parametrize("rid, shown", [("../../x/cities/esc", "../../x/cities/esc"), ("/tmp/abs", "/tmp/abs"),
                                        ("zz\n", "zz\\n"), ("index", "index"), ("a\x1b]52;c;aGk=\x07", "a\\x1b]52;c;aGk=\\x07")])
def test_new_refuses_an_id_that_is_not_one_before_making_any_path(data: Path, rid: str, shown: str) -> None:
    before = files_under(data.parent.parent)
    result = new(data, "place", "Aarhus", "--country", "DK", "--id", rid)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (f"atlas new: error: '{shown}' is not an id (lowercase ASCII words joined by '-', "
                             "not a reserved name), e.g. new-taipei\n")
    assert files_under(data.parent.parent) == before
    source = new(data, "source", rid, "--title", "T")
    assert source.returncode == 1 and files_under(data.parent.parent) == before


def test_new_place_with_a_name_that_makes_no_id_asks_for_one(data: Path) -> None:
    result = new(data, "place", "臺北")
    assert result.stderr == ("atlas new: error: no id can be made from '臺北' (ids are lowercase ASCII): "
                             "give one with --id, e.g. --id taipei\n")
    assert not (data / "cities" / ".yaml").exists()


@pytest.mark.parametrize("command", [["event", "linked", "Visit", "--kind", "visit"], ["membership", "linked", "c40"],
                                     ["link", "linked", "houston", "--type", "sister"]])
def test_new_never_writes_through_a_symbolic_link(data: Path, tmp_path: Path, command: list[str]) -> None:
    target = tmp_path / "target.yaml"
    shutil.copy(data / "cities" / "taipei.yaml", target)
    (data / "cities" / "linked.yaml").symlink_to(target)
    result = new(data, *command, *SOURCE)
    assert result.returncode == 1
    assert result.stderr == (f"atlas new: error: {data}/cities/linked.yaml is a symbolic link or not a regular file: "
                             "atlas changes only the files themselves\n")
    assert target.read_bytes() == (data / "cities" / "taipei.yaml").read_bytes()


def test_new_never_writes_into_a_symlinked_folder(data: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (data / "sources").rename(outside)
    (data / "sources").symlink_to(outside)
    before = files_under(outside)
    result = new(data, "source", "fresh", "--title", "T")
    assert result.stderr == (f"atlas new: error: {data}/sources is not a folder of the data (missing, or a symbolic link): "
                             "is --data the data folder?\n")
    assert files_under(outside) == before


@pytest.mark.parametrize("text, found", [
    ("name: X\ncountry: JP\ncoordinates: [1, 2]\nevents: null\n", "{path}: events is not a list"),
    ("- a list\n", "{path}: not a mapping of fields"),
    ("a:\n" + "".join("  " * i + "- \n" for i in range(1, 60)),
     "{path}:21:41: nested more than 20 levels deep: records are a few levels deep at most"),
    ("name: Caf\udce9\n", "{path}:1:10: byte 0xe9 is not UTF-8: save the file as UTF-8"),
])
def test_new_on_a_broken_file_says_what_is_wrong_in_one_line(data: Path, text: str, found: str) -> None:
    path = data / "cities" / "broken.yaml"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    result = new(data, "event", "broken", "Visit", "--kind", "visit", *SOURCE)
    assert result.returncode == 1
    assert result.stderr.startswith("atlas new: error: " + found.format(path=path)), result.stderr


def test_fmt_never_rewrites_through_a_symbolic_link(data: Path, tmp_path: Path) -> None:
    target = tmp_path / "vocabulary.yaml"
    target.write_text("relationship_types: [ ]\n# kept as it is\n", encoding="utf-8")
    (data / "vocabulary.yaml").unlink()
    (data / "vocabulary.yaml").symlink_to(target)
    result = run("fmt", str(data))
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == f"{data}/vocabulary.yaml:1:1: error: symbolic link: commit the file itself, not a link to it"
    assert target.read_text(encoding="utf-8") == "relationship_types: [ ]\n# kept as it is\n"


def test_fmt_check_of_a_file_that_is_not_utf8_is_one_line(data: Path) -> None:
    path = data / "cities" / "latin.yaml"
    path.write_bytes(b"name: Caf\xe9\n")
    result = run("fmt", "--check", str(data))
    assert (result.returncode, result.stdout, result.stderr) == (
        1, f"{path}:1:10: error: byte 0xe9 is not UTF-8: save the file as UTF-8\n", "")


def test_fmt_check_prints_no_line_that_data_starts(data: Path) -> None:
    key = "\n::error file=README.md,line=1::pwned\n::stop-commands::x"
    (data / "cities" / "keys.yaml").write_text(f'"{key.encode("unicode_escape").decode()}": 1\n' * 2, encoding="utf-8")
    (data / "cities" / "a\n::warning file=README.md::named.yaml").write_text("name: X\n", encoding="utf-8")
    result = run("fmt", "--check", str(data))
    assert result.returncode == 1 and len(result.stdout.splitlines()) == 2
    assert all(line.startswith(str(data)) for line in result.stdout.splitlines()), result.stdout
    assert "keys.yaml:2:1: error: duplicate key '\\n::error file=README.md,line=1::pwned\\n::stop-commands::x'" in result.stdout


@pytest.mark.parametrize("text, line, column, comment", [
    ("title: T\nlanguage: [ja, # the Japanese edition\n  en]\n", 2, 16, "# the Japanese edition"),
    ("title: T\n...\n# after the end\n", 3, 1, "# after the end"),
])
def test_fmt_refuses_a_rewrite_that_would_drop_a_comment(data: Path, text: str, line: int, column: int, comment: str) -> None:
    path = data / "sources" / "commented.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("fmt", str(data))
    assert result.returncode == 1
    assert result.stdout == (f"{path}:{line}:{column}: error: the canonical layout would drop the comment '{comment}': "
                             "comments inside [...] or {...} or after a '...' line are not kept, "
                             "so move it to a line of its own within the record\n")
    assert path.read_text(encoding="utf-8") == text


def test_fmt_keeps_words_yaml_1_1_reads_as_booleans_or_numbers_quoted(data: Path) -> None:
    path = data / "sources" / "words.yaml"
    path.write_text('title: "NO"\npublisher: "yes"\nauthor: "1:20"\n', encoding="utf-8")
    assert run("fmt", str(data)).returncode == 0
    assert path.read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../../schemas/source.schema.json\n"
        "title: 'NO'\nauthor: '1:20'\npublisher: 'yes'\n")
    assert run("check", str(data)).returncode == 0


def test_new_keeps_a_comment_the_layout_cannot_hold_by_writing_nothing(data: Path) -> None:
    path = data / "cities" / "houston.yaml"
    text = path.read_text(encoding="utf-8").replace("coordinates: [", "coordinates: [  # city hall\n  ", 1)
    path.write_text(text, encoding="utf-8")
    result = new(data, "event", "houston", "Visit", "--kind", "visit", *SOURCE)
    assert result.returncode == 1 and "would drop the comment '# city hall'" in result.stderr
    assert path.read_text(encoding="utf-8") == text


def test_a_fifo_in_data_is_refused_without_waiting(data: Path) -> None:
    os.mkfifo(data / "cities" / "fifo.yaml")
    result = new(data, "event", "fifo", "Visit", "--kind", "visit", *SOURCE)
    assert result.stderr == (f"atlas new: error: {data}/cities/fifo.yaml is a symbolic link or not a regular file: "
                             "atlas changes only the files themselves\n")


@pytest.mark.parametrize("form", ["text", "github"])
def test_check_shows_terminal_escapes_from_data_as_text(data: Path, form: str) -> None:
    path = data / "cities" / "houston.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("name: Houston", 'name: "Hou\\e]52;c;aGk=\\aston\\r::error file=README.md::x"'), encoding="utf-8")
    result = run("check", str(data), "--format", form)
    assert result.returncode == 1
    assert not any(c in result.stdout for c in "\x1b\x07\r")
    assert all(line.startswith(("data/", str(data), "::error file=", "::warning file=")) for line in result.stdout.splitlines())
    assert sum("README.md" in line.split("::")[1] for line in result.stdout.splitlines() if line.startswith("::")) == 0
