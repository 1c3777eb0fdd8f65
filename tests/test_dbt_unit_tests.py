"""Every dbt unit test of the project, run by `make test`: the nightly build runs only the data
tests (orchestration/assets/dbt.py, NIGHTLY_EXCLUDES), because a unit test checks a model's SQL
on rows given in its YAML, which no night's data can change."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from orchestration.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR

pytestmark = pytest.mark.slow


def _unit_tests_in_yaml() -> set[str]:
    """The unit tests the models' YAML files declare, read with PyYAML: a count that does not
    come from dbt."""
    names = set()
    for path in (DBT_PROJECT_DIR / "models").rglob("*.yml"):
        for entry in (yaml.safe_load(path.read_text()) or {}).get("unit_tests") or []:
            names.add(f"{entry['model']}.{entry['name']}")
    return names


def _dbt_unit_tests(warehouse: Path, target: Path) -> tuple[dict[str, str], str]:
    completed = subprocess.run(
        [
            str(DBT_EXECUTABLE), "test", "--resource-type", "unit_test",
            "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
            "--target-path", str(target), "--log-path", str(target),
            "--vars", json.dumps({"warehouse_path": str(warehouse)}),
        ],
        capture_output=True, text=True, cwd=DBT_PROJECT_DIR, timeout=1200,
    )  # fmt: skip
    results = json.loads((target / "run_results.json").read_text())["results"]
    return {r["unique_id"]: r["status"] for r in results}, completed.stdout


def test_every_unit_test_runs_and_passes(hand_fixture_warehouse, tmp_path):
    # A copy of the built fixture warehouse: dbt opens it for writing, the other tests read it.
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(hand_fixture_warehouse, warehouse)
    statuses, log = _dbt_unit_tests(warehouse, tmp_path / "target")
    ran = {uid.split(".", 2)[2] for uid in statuses}  # unit_test.<project>.<model>.<name>
    declared = _unit_tests_in_yaml()
    assert declared and ran == declared  # every declared unit test ran, once, and no other
    failed = sorted(uid for uid, status in statuses.items() if status != "pass")
    assert failed == [], log[-4000:]
