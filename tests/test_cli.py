"""The `atlas` command as contributors run it: output lines, formats and exit codes."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

from macros.cli import main

from .conftest import ROOT, TAIPEI, DataDir

ATLAS = [sys.executable, "-m", "macros.cli"]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(ATLAS + list(args), cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_clean_data_exits_zero(data: DataDir) -> None:
    result = run("check", str(data.root))
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr.startswith("0 errors, 0 warnings; 2 places, 1 links")


def test_errors_are_one_line_each_and_exit_one(data: DataDir) -> None:
    data.write("cities/taipei.yaml", TAIPEI.replace("with: houston", "with: houstn").replace("signed: 1961-06-15", "signed: 1961-02-30"))
    result = run("check", str(data.root))
    assert result.returncode == 1
    path = data.display("cities/taipei.yaml")
    assert result.stdout.splitlines() == [f"{path}:8:13: error: relationships[0].signed: '1961-02-30' does not exist"]
    data.write("cities/taipei.yaml", TAIPEI.replace("with: houston", "with: houstn"))
    result = run("check", str(data.root))
    assert result.stdout.splitlines() == [  # sorted by file, line, column
        f"{data.display('cities/houston.yaml')}:1:1: warning: place 'houston' has no links, programmes or events: record one, or remove the file",
        f"{path}:6:11: error: relationships[0].with: no place 'houstn' (did you mean 'houston'?)",
    ]
    assert result.stderr.startswith("1 error, 1 warning")


def test_github_annotations(data: DataDir) -> None:
    data.write("cities/taipei.yaml", TAIPEI.replace("with: houston", "with: houstn"))
    result = run("check", str(data.root), "--format", "github")
    assert result.returncode == 1
    path = data.display("cities/taipei.yaml")
    assert result.stdout.splitlines()[1] == (
        f"::error file={path},line=6,col=11::relationships[0].with: no place 'houstn' (did you mean 'houston'?)"
    )


def test_warnings_alone_exit_zero(data: DataDir) -> None:
    data.write("cities/taipei.yaml", TAIPEI.replace("    signed: 1961-06-15\n", ""))
    result = run("check", str(data.root))
    assert result.returncode == 0
    assert "warning: relationships[0]: link with 'houston' has no date" in result.stdout


def test_default_data_dir_is_data(data: DataDir) -> None:
    result = run("check", cwd=data.root.parent)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_traceback_whatever_the_bytes(data: DataDir, capsys) -> None:
    rng = random.Random(20261122)
    seeds = [TAIPEI.encode(), b"\x00\x01\xff\xfe", b"- - - [", b"{a: [}", b"a: !!binary AAAA", "名前: 横浜\n".encode()]
    for i in range(40):
        base = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 6)):
            base.insert(rng.randrange(len(base) + 1), rng.randrange(256))
        (data.root / "cities/taipei.yaml").write_bytes(bytes(base))
        assert main(["check", str(data.root)]) in (0, 1)  # an exception here fails the test
        out = capsys.readouterr()
        assert "Traceback" not in out.out + out.err


def test_schema_files_are_up_to_date(tmp_path: Path) -> None:
    result = run("schema", str(tmp_path))
    assert result.returncode == 0
    for generated in sorted(tmp_path.glob("*.json")):
        committed = ROOT / "schemas" / generated.name
        assert committed.read_text(encoding="utf-8") == generated.read_text(encoding="utf-8"), f"run `make schema`: {committed.name} is stale"


def test_hostile_files_get_findings_not_a_crash_or_a_stall(data: DataDir) -> None:
    (data.root / "cities" / "zero.yaml").symlink_to("/dev/zero")
    data.write("cities/deep.yaml", "name: " + "[" * 100_000 + "\n")
    data.write("stray.yaml", "name: Stray\n")
    result = run("check", str(data.root))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stdout.splitlines() == [
        f"{data.display('cities/deep.yaml')}:1:26: error: nested more than 20 levels deep: records are a few levels deep at most",
        f"{data.display('cities/zero.yaml')}:1:1: error: symbolic link: commit the file itself, not a link to it",
        f"{data.display('stray.yaml')}:1:1: error: not read: records go in cities, networks, programs, sources, one file each",
    ]
