"""The GitHub side: workflows (actionlint), issue forms and the pull-request template."""

from __future__ import annotations

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
