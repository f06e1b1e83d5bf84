"""The `atlas` command: check the data, write the JSON Schemas, export the data.

    atlas check [DATA_DIR] [--format text|github]
    atlas schema [OUT_DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Optional, Sequence

from .schema import write_schemas
from .validate import load


def check(data_dir: str, fmt: str) -> int:
    atlas, findings = load(data_dir)
    for finding in findings:
        print(finding.github() if fmt == "github" else str(finding))
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    summary = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    if atlas is not None:
        summary += (
            f"; {len(atlas.places)} places, {len(atlas.links)} links, {len(atlas.networks)} networks,"
            f" {len(atlas.programs)} programmes, {len(atlas.sources)} sources"
        )
    print(summary, file=sys.stderr)
    return 1 if errors else 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="atlas", description="Check and export the City Diplomacy Atlas data.")
    commands = parser.add_subparsers(dest="command", required=True)
    check_cmd = commands.add_parser("check", help="check every file in the data folder")
    check_cmd.add_argument("data_dir", nargs="?", default="data", help="the data folder (default: data)")
    check_cmd.add_argument("--format", choices=["text", "github"], default="text", help="text (default) or GitHub annotations")
    schema_cmd = commands.add_parser("schema", help="write the JSON Schema files for editors")
    schema_cmd.add_argument("out_dir", nargs="?", default="schemas", help="where to write them (default: schemas)")
    args = parser.parse_args(argv)
    if args.command == "check":
        return check(args.data_dir, args.format)
    written = write_schemas(Path(args.out_dir))
    print(json.dumps([str(p) for p in written]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
