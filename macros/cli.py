"""The `atlas` command: check the data, scaffold records, format files, write the JSON Schemas.

    atlas check [DATA_DIR] [--format text|github]
    atlas new place|link|membership|event|source ...
    atlas fmt [DATA_DIR] [--check]
    atlas schema [OUT_DIR]

Every command explains itself with `--help`. Errors are one message naming what is wrong
(and, for data, the file, line and column), with exit status 1; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable, Optional, Sequence

from pydantic import ValidationError

from .schema import write_schemas
from . import i18n
from .validate import Finding, inert, load
from .yamlload import YamlError, read_text, write


def check(args: argparse.Namespace) -> int:
    atlas, findings = load(args.data_dir)
    # The translators' catalogues (macros/locale): a key missing, untranslated or used nowhere.
    findings += [Finding(file, line, 1, severity, message) for file, line, severity, message in i18n.catalogue_findings()]
    for finding in findings:
        print(finding.github() if args.format == "github" else str(finding))
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


def fmt(args: argparse.Namespace) -> int:
    from . import yamledit  # ruamel.yaml: only for the commands that write files (`check` starts faster)

    failed = 0
    for path in yamledit.data_files(Path(args.data_dir)):
        shown = inert(str(path))  # a file name may hold a newline: every line printed starts with data/
        try:
            text = read_text(path)
            new = yamledit.canonical(text, path)
            if new != text and not args.check:
                write(path, new)
        except YamlError as exc:
            print(f"{shown}:{exc.line}:{exc.column}: error: {inert(exc.message)}")
            failed += 1
            continue
        if new == text:
            continue
        if args.check:
            print(f"{shown}: not in the canonical layout: run `atlas fmt`")
            failed += 1
        else:
            print(f"formatted {shown}")
    return 1 if failed else 0


def schema(args: argparse.Namespace) -> int:
    try:
        written = write_schemas(Path(args.out_dir), Path(args.data))
    except ValidationError:
        print(f"atlas schema: error: {inert(str(Path(args.data) / 'vocabulary.yaml'))} is not valid: run `atlas check`", file=sys.stderr)
        return 1
    print(json.dumps([str(p) for p in written]))
    return 0


def _scaffolded(make: str, *args: object) -> int:
    """Run scaffold.<make>(*args) and report what it wrote."""
    from . import scaffold  # ruamel.yaml and GeoNames: only for the commands that write records

    try:
        written = getattr(scaffold, make)(*args)
    except scaffold.ScaffoldError as exc:
        print(f"atlas new: error: {inert(str(exc), lines=True)}", file=sys.stderr)
        return 1
    print(f"wrote {inert(str(written.path))}")
    for note in written.notes:
        print(f"  note: {inert(note)}")
    for finding in written.warnings:
        print(f"  {finding}")
    return 0


def new_place(args: argparse.Namespace) -> int:
    return _scaffolded("new_place", args.data, args.name, args.country, args.geonames, args.id, args.kind, args.coordinates)


def new_link(args: argparse.Namespace) -> int:
    return _scaffolded("new_link", args.data, args.place, args.partner, args.type, args.source, args.title,
                       args.signed, args.ended, args.status, args.note)


def new_membership(args: argparse.Namespace) -> int:
    return _scaffolded("new_membership", args.data, args.place, args.network, args.source, args.title,
                       args.since, args.role)


def new_event(args: argparse.Namespace) -> int:
    return _scaffolded("new_event", args.data, args.place, args.what, args.kind, args.source, args.title,
                       args.date, args.with_)


def new_source(args: argparse.Namespace) -> int:
    return _scaffolded("new_source", args.data, args.id, args.title, args.url, args.publisher, args.date,
                       args.author, args.language)


def _command(commands: argparse._SubParsersAction, name: str, run: Callable[[argparse.Namespace], int],
             summary: str, example: str, parents: Sequence[argparse.ArgumentParser] = ()) -> argparse.ArgumentParser:
    parser = commands.add_parser(name, help=summary, description=summary, epilog=f"example:\n  {example}",
                                 formatter_class=argparse.RawDescriptionHelpFormatter, parents=list(parents))
    parser.set_defaults(run=run)
    return parser


def _source_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", required=True, metavar="URL_OR_ID",
                        help="the page that says so (http or https URL), or the id of a data/sources/ entry")
    parser.add_argument("--title", help="the title of that page (needed with a URL)")


def _new_commands(commands: argparse._SubParsersAction) -> None:
    data = argparse.ArgumentParser(add_help=False)
    data.add_argument("--data", type=Path, default=Path("data"), help="the data folder (default: data)")

    def new(*args: object) -> argparse.ArgumentParser:
        return _command(commands, *args, parents=[data])  # type: ignore[arg-type]

    place = new("place", new_place, "add a place, with its coordinates, population and native name from GeoNames",
                'atlas new place "Aarhus" --country DK')
    place.add_argument("name", help="the English name, e.g. Aarhus")
    place.add_argument("--country", help="ISO 3166-1 code, e.g. DK (needed when the name is ambiguous)")
    place.add_argument("--geonames", type=int, metavar="ID", help="the GeoNames id, to choose among places of one name")
    place.add_argument("--id", help="the file name to use (default: from the name)")
    place.add_argument("--kind", default="city", help="a place kind id from data/vocabulary.yaml (default: city), e.g. prefecture")
    place.add_argument("--coordinates", type=float, nargs=2, metavar=("LAT", "LON"),
                       help="for a place GeoNames' city list lacks (a prefecture, a small town): its point, with --country")

    link = new("link", new_link, "add a link between two places, to the first place's file",
               "atlas new link kaohsiung aarhus --type sister --signed 2025-09-14 --source https://… --title 'Kaohsiung and Aarhus sign'")
    link.add_argument("place", help="the place whose file gets the link")
    link.add_argument("partner", help="the other place")
    link.add_argument("--type", required=True, help="a relationship type id from data/vocabulary.yaml, e.g. sister")
    link.add_argument("--signed", metavar="DATE", help="YYYY, YYYY-MM or YYYY-MM-DD; leave out when no source gives it")
    link.add_argument("--ended", metavar="DATE", help="when it ended")
    link.add_argument("--status", choices=["active", "ended", "suspended", "disputed"])
    link.add_argument("--note", help="caveats and context (Markdown)")
    _source_options(link)

    membership = new("membership", new_membership, "add a place's membership of a network",
                     "atlas new membership kaohsiung iclei --since 2006 --source kaohsiung-gov")
    membership.add_argument("place")
    membership.add_argument("network", help="a network id (a file name in data/networks/)")
    membership.add_argument("--since", metavar="DATE")
    membership.add_argument("--role", help="a role id from data/vocabulary.yaml (default: member)")
    _source_options(membership)

    event = new("event", new_event, "add an event (a visit, an award, a milestone) to a place",
                'atlas new event taipei "Mayor visits Houston" --kind visit --date 2024-05 --with houston --source https://… --title …')
    event.add_argument("place")
    event.add_argument("what", help="one line saying what happened")
    event.add_argument("--kind", required=True, help="an event kind id from data/vocabulary.yaml, e.g. visit")
    event.add_argument("--date", metavar="DATE")
    event.add_argument("--with", dest="with_", nargs="+", default=[], metavar="PLACE", help="other places involved")
    _source_options(event)

    source = new("source", new_source, "add a bibliography entry that several records can cite by id",
                 "atlas new source aarhus-gov --title 'Aarhus international partners' --url https://… --publisher 'Aarhus Municipality'")
    source.add_argument("id", help="the id records will cite, e.g. aarhus-gov")
    source.add_argument("--title", required=True)
    source.add_argument("--url")
    source.add_argument("--publisher")
    source.add_argument("--date", metavar="DATE")
    source.add_argument("--author")
    source.add_argument("--language", help="BCP 47 tag of the work's language, e.g. ja, zh-Hant")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="atlas", description="Check, scaffold and format the City Diplomacy Atlas data.",
                                  epilog="example:\n  atlas check\n  atlas new place \"Aarhus\" --country DK\n\n"
                                         "`atlas COMMAND --help` explains each command.",
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    checker = _command(commands, "check", check, "check every file in the data folder", "atlas check data --format github")
    checker.add_argument("data_dir", nargs="?", default="data", help="the data folder (default: data)")
    checker.add_argument("--format", choices=["text", "github"], default="text", help="text (default) or GitHub annotations")
    new = _command(commands, "new", lambda args: 0, "write a new record: place, link, membership, event or source",
               'atlas new link kaohsiung aarhus --type sister --signed 2025-09-14 --source https://… --title …')
    _new_commands(new.add_subparsers(dest="record", required=True, metavar="RECORD"))
    formatter = _command(commands, "fmt", fmt, "rewrite data files in the canonical layout, keeping comments",
                         "atlas fmt --check")
    formatter.add_argument("data_dir", nargs="?", default="data", help="the data folder (default: data)")
    formatter.add_argument("--check", action="store_true", help="change nothing: list the files that are not canonical, exit 1 if any")
    schemas = _command(commands, "schema", schema, "write the JSON Schema files for editors", "atlas schema schemas")
    schemas.add_argument("out_dir", nargs="?", default="schemas", help="where to write them (default: schemas)")
    schemas.add_argument("--data", default="data", help="the data folder whose vocabulary and countries the schemas list (default: data)")
    return top


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (OSError, YamlError) as exc:
        print(f"atlas {args.command}: error: {inert(str(exc))}", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug of ours: still one line, and a way to report it
        print(f"atlas {args.command}: internal error ({type(exc).__name__}: {inert(str(exc))}): "
              "please report it with the command you ran", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
