"""What `openapiopenai focus` writes passes the FinOps Foundation's own FOCUS 1.2 validator (`focus-validator`).

The validator needs Python 3.12 or later and its own environment: set FOCUS_VALIDATOR_PYTHON to that
environment's interpreter (`.ci/run` makes one). It runs offline, from the directory holding its package (it
opens its currency list relative to the working directory).

A rule may fail only as the failing alternative of an OR rule that passes: InvoiceId's nullability is "null
when there is no invoice" OR "not null when there is one", and whatever the column holds one of the two fails.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from openapiopenai import UsageResponse, UsageResult
from openapiopenai.focus import FocusExport, write_csv, write_parquet

from focus_exports import generated_export

PYTHON = os.environ.get("FOCUS_VALIDATOR_PYTHON")
pytestmark = pytest.mark.skipif(
    not PYTHON, reason="set FOCUS_VALIDATOR_PYTHON to a Python 3.12+ with focus-validator installed (see .ci/run)"
)

CRITERIA = ",".join(
    (
        "ACCOUNT_NAMING_SUPPORTED",  # the organization's name
        "SUB_ACCOUNT_SUPPORTED",  # projects
        "USAGE_MEASUREMENT_SUPPORTED",  # quantities
        "BILLING_BASED_ON_PROVISIONED_RESOURCES_SUPPORTED",  # API keys as resources
        "RESOURCE_TYPE_ASSIGNMENT_SUPPORTED",
    )
)
"""The validator's applicability criteria that hold for OpenAI's costs: their conditional rules are checked too."""

_RESULT = re.compile(r"^\S+\s+(?P<rule>[A-Za-z]+-[A-Z]-\d{3}-[A-Z]): (?P<status>PASS|FAIL|SKIPPED)\b", re.MULTILINE)
_TOTALS = re.compile(r"^Total: (\d+) \| Pass: (\d+) \| Fail: (\d+) \| Skipped: (\d+)$", re.MULTILINE)


def package_folder() -> Path:
    assert PYTHON
    found = subprocess.run(
        [PYTHON, "-c", "import focus_validator, os; print(os.path.dirname(os.path.dirname(focus_validator.__file__)))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(found.stdout.strip())


def or_alternatives(folder: Path) -> dict[str, list[str]]:
    """Each OR rule of the validator's FOCUS 1.2 model, with the rules that are its alternatives."""
    (model,) = sorted((folder / "focus_validator" / "rules").glob("model-1.2*.json"))
    rules = json.loads(model.read_text(encoding="utf-8"))["ModelRules"]
    found: dict[str, list[str]] = {}
    for name, rule in rules.items():
        requirement = rule.get("ValidationCriteria", {}).get("Requirement", {})
        if requirement.get("CheckFunction") == "OR":
            found[name] = [item["ModelRuleId"] for item in requirement["Items"] if "ModelRuleId" in item]
    return found


def validate(data: Path) -> tuple[dict[str, str], str]:
    """Each rule's status, and the validator's whole output."""
    assert PYTHON
    folder = package_folder()
    options = ["--data-file", str(data), "--validate-version", "1.2", "--block-download"]
    done = subprocess.run(
        [
            PYTHON,
            "-c",
            "import sys; from focus_validator.main import main; sys.exit(main())",
            *options,
            "--applicability-criteria",
            CRITERIA,
        ],
        capture_output=True,
        text=True,
        cwd=folder,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        check=False,
        timeout=600,
    )
    output = done.stdout + done.stderr
    assert _TOTALS.search(output), output[-3000:]
    return {found["rule"]: found["status"] for found in _RESULT.finditer(output)}, output


def unexplained_failures(data: Path) -> list[str]:
    """The rules that fail, other than the failing alternative of an OR rule that passes."""
    statuses, output = validate(data)
    assert sum(status == "PASS" for status in statuses.values()) > 100, output[-3000:]
    excused = {
        alternative
        for rule, alternatives in or_alternatives(package_folder()).items()
        if statuses.get(rule) == "PASS"
        for alternative in alternatives
    }
    return sorted(rule for rule, status in statuses.items() if status == "FAIL" and rule not in excused)


def write(export: FocusExport, path: Path) -> Path:
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as stream:
            write_csv(export.iter_rows(), stream)
    else:
        write_parquet(export.iter_rows(), str(path))
    return path


def sample_export() -> FocusExport:
    from importlib import resources

    export = FocusExport("org-SampleQ4TzL8wX7KcHm3Ye", "Sample Organization", {"proj_q4TzL8wX": "Main app"})
    for number in (1, 2):
        text = (resources.files("openapiopenai") / "data" / f"costs-page-{number}.json").read_text()
        export.add(UsageResponse[UsageResult].from_json(text))
    return export


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_the_sample(tmp_path: Path, suffix: str) -> None:
    assert unexplained_failures(write(sample_export(), tmp_path / f"sample{suffix}")) == []


@pytest.mark.parametrize(
    ("first_day", "days", "currencies", "group_by", "suffix"),
    [
        pytest.param("2024-11-20", 75, ("usd",), (), ".csv", id="three-months-by-line-item"),
        pytest.param("2024-12-25", 40, ("usd", "eur", "jpy"), ("project_id",), ".csv", id="currencies-by-project"),
        pytest.param(
            "2025-02-20", 20, ("usd", "gbp"), ("project_id", "api_key_id"), ".parquet", id="by-project-and-key"
        ),
        pytest.param("2024-02-26", 8, ("eur",), ("api_key_id",), ".csv", id="leap-february-by-key"),
    ],
)
def test_generated_exports(
    tmp_path: Path, first_day: str, days: int, currencies: tuple[str, ...], group_by: tuple[str, ...], suffix: str
) -> None:
    text, _ = generated_export(first_day, days, currencies, group_by, seed=days)
    export = FocusExport("org-Test", "Test Org", {"proj_q4TzL8wX": "Main app", "key_AbCdEf012345": "batch jobs"})
    for line in text.splitlines():
        export.add(UsageResponse[UsageResult].from_json(line))
    assert unexplained_failures(write(export, tmp_path / f"export{suffix}")) == []


def test_the_check_finds_a_broken_export(tmp_path: Path) -> None:
    """The same sample with a lower-case currency and no ChargeCategory fails rules of its own."""
    good = write(sample_export(), tmp_path / "good.csv").read_text(encoding="utf-8").splitlines()
    header = good[0].split(",")
    at = header.index("ChargeCategory")
    broken = [good[0]] + [line.replace(",USD,", ",usd,").replace(",Usage,", ",,", 1) for line in good[1:]]
    assert all(line.split(",")[at] == "" for line in broken[1:2])
    (tmp_path / "broken.csv").write_text("\n".join(broken) + "\n", encoding="utf-8")
    failed = unexplained_failures(tmp_path / "broken.csv")
    assert any(rule.startswith("BillingCurrency-") for rule in failed), failed
    assert any(rule.startswith("ChargeCategory-") for rule in failed), failed
