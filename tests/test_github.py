"""The GitHub side: workflows (actionlint, pinned actions), Dependabot, issue forms and the pull-request template."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT

GITHUB = ROOT / ".github"
CONTRIBUTE_PAGE = "https://city-diplomacy-atlas.github.io/atlas/contributing/"


def test_workflows_pass_actionlint() -> None:
    actionlint = Path(sys.executable).parent / "actionlint"
    workflows = sorted(str(p) for p in (GITHUB / "workflows").glob("*.yml"))
    assert workflows
    # shellcheck and pyflakes only when installed would make the result depend on the machine: off.
    result = subprocess.run([str(actionlint), "-shellcheck=", "-pyflakes=", "-no-color", *workflows],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


# `uses: owner/repo@<full commit> # vX.Y.Z`: a tag can be moved to other code, a commit cannot,
# and the comment tells a reader (and Dependabot) which release that commit is.
PINNED_USE = re.compile(r"(?:- )?uses: (?P<action>[\w.-]+/[\w.-]+)@(?P<sha>[0-9a-f]{40}) # (?P<version>v\d+\.\d+\.\d+)")


def uses_lines() -> list[tuple[str, str]]:
    """Each workflow line that names an action, with the file it is in, read as raw text."""
    return [(path.name, line.strip()) for path in sorted((GITHUB / "workflows").glob("*.yml"))
            for line in path.read_text(encoding="utf-8").splitlines() if "uses:" in line]


def test_every_action_is_pinned_by_commit_sha_with_its_version_in_a_comment() -> None:
    lines = uses_lines()
    assert len(lines) >= 9  # checkout, setup-python and setup-node twice; the three Pages actions
    unpinned = [f"{name}: {line}" for name, line in lines if not PINNED_USE.fullmatch(line)]
    assert not unpinned, "\n".join(unpinned)


def test_an_action_is_pinned_to_one_commit_and_version_in_all_workflows() -> None:
    pins: dict[str, set[tuple[str, str]]] = {}
    for _, line in uses_lines():
        match = PINNED_USE.fullmatch(line)
        assert match, line
        pins.setdefault(match["action"], set()).add((match["sha"], match["version"]))
    assert {action: len(found) for action, found in pins.items()} == dict.fromkeys(pins, 1), pins


def test_dependabot_keeps_actions_pip_and_npm_current() -> None:
    config = yaml.safe_load((GITHUB / "dependabot.yml").read_text(encoding="utf-8"))
    assert config["version"] == 2
    updates = {update["package-ecosystem"]: update for update in config["updates"]}
    assert len(updates) == len(config["updates"]), "one entry per ecosystem"
    assert set(updates) == {"github-actions", "pip", "npm"}
    for ecosystem, update in updates.items():
        assert update["directory"] == "/", ecosystem
        assert update["schedule"]["interval"] == "weekly", ecosystem


def workflow(name: str) -> dict:
    return yaml.safe_load((GITHUB / "workflows" / name).read_text(encoding="utf-8"))


def runs(job: dict) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def test_ci_checks_formats_tests_and_builds_with_read_only_rights() -> None:
    ci = workflow("ci.yml")
    assert ci["permissions"] == {"contents": "read"}
    commands = runs(ci["jobs"]["check-and-test"])
    for command in (".venv/bin/atlas check data --format github", ".venv/bin/atlas fmt --check data",
                    ".venv/bin/python -m playwright install --with-deps chromium", "make test CHROMIUM=", "make build"):
        assert command in commands


def test_pages_deploys_with_write_rights_only_where_it_deploys() -> None:
    pages = workflow("pages.yml")
    assert pages["permissions"] == {}
    build, deploy = pages["jobs"]["build"], pages["jobs"]["deploy"]
    assert build["permissions"] == {"contents": "read", "pages": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    uses = [step.get("uses", "").split("@")[0] for job in (build, deploy) for step in job["steps"]]
    for action in ("actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"):
        assert action in uses
    assert "SOURCE_DATE_EPOCH" in "".join(runs(build)) and "make build" in "".join(runs(build))
    assert any("ATLAS_SITE_URL" in step.get("env", {}) for step in build["steps"])  # site_url: the Pages address


@pytest.mark.parametrize("name", ["addition.yml", "correction.yml"])
def test_issue_form_asks_for_places_and_a_required_source_url(name: str) -> None:
    form = yaml.safe_load((GITHUB / "ISSUE_TEMPLATE" / name).read_text(encoding="utf-8"))
    assert form["name"] and form["description"]
    fields = {item["id"]: item for item in form["body"] if "id" in item}
    assert len(fields) == sum("id" in item for item in form["body"]), "ids must be unique"
    assert all(item["type"] in {"markdown", "input", "textarea", "dropdown", "checkboxes"} for item in form["body"])
    assert fields["places"]["validations"]["required"] is True
    source = fields["source-url"]
    assert source["type"] == "input" and "URL" in source["attributes"]["label"]
    assert source["validations"]["required"] is True


def test_blank_issues_are_off_and_point_to_the_contribute_page() -> None:
    config = yaml.safe_load((GITHUB / "ISSUE_TEMPLATE" / "config.yml").read_text(encoding="utf-8"))
    assert config["blank_issues_enabled"] is False
    assert [link["url"] for link in config["contact_links"]] == [CONTRIBUTE_PAGE]


def test_pull_request_template_has_the_checklist() -> None:
    template = (GITHUB / "pull_request_template.md").read_text(encoding="utf-8")
    for item in ("source", "make check", "atlas fmt", "own words", "guessed"):
        assert item in template
    assert template.count("- [ ]") >= 5
