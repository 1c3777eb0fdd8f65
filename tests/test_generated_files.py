"""Files generated from other files in the repository are up to date: what dbt reads from the
extract contract and the KPI registry, the docs written from them and from the model YAML, and
the seeds built by scripts/ (from the public data in reference/).
Each script's --check rebuilds its output in memory and fails when the committed file differs,
so a change to the contract or a source file cannot land without its regenerated output."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "script",
    [
        "build_dbt_generated.py",
        "build_docs.py",
        "build_population_seed.py",
        "build_population_10_17_seed.py",
        "build_bank_holidays_seed.py",
    ],
)
def test_generated_file_is_up_to_date(script):
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / script), "--check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_birmingham_10_17_population_matches_the_published_figures():
    # reference/ons README: ONS mid-2017 Birmingham ages 10-17 = 119,924 (its 0-17 sum to the
    # 288,082 in DfE's annex, which the script checks for every authority).
    with open(REPO / "seeds" / "population_10_17.csv", newline="", encoding="utf-8") as handle:
        rows = {(r["la_code"], r["mid_year"]): int(r["population"]) for r in csv.DictReader(handle)}
    assert rows[("330", "2017")] == 119_924


def test_population_script_refuses_a_mismatch_with_the_dfe_annex(tmp_path, monkeypatch):
    # A district whose 0-17 sum disagrees with DfE's figure for the LA is a wrong match or a
    # changed file: the script stops, naming the authority.
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import build_population_10_17_seed as script
    finally:
        sys.path.remove(str(REPO / "scripts"))
    source = script.MID_2017.read_text(encoding="utf-8").splitlines()
    changed = [
        line.replace("Birmingham,2017,1137123,17029,", "Birmingham,2017,1137123,17030,")
        for line in source
    ]
    broken = tmp_path / "mid2017.csv"
    broken.write_text("\n".join(changed) + "\n", encoding="utf-8")
    monkeypatch.setattr(script, "MID_2017", broken)
    with pytest.raises(
        script.CheckFailed, match="Birmingham: ONS mid-2017 ages 0-17 sum to 288,083"
    ):
        script.build_rows()


def test_every_contract_column_is_described_and_nothing_else():
    # The descriptions the staging YAML, the sources YAML and docs/extract-contract.md show are
    # kept beside the contract: a column added to the contract without one, or a description
    # left behind for a column removed from it, fails here.
    from orchestration.extract_descriptions import DESCRIPTIONS
    from orchestration.extracts import EXTRACTS

    contract = {e.name: {c.name for c in e.columns} for e in EXTRACTS}
    described = {name: set(columns) for name, columns in DESCRIPTIONS.items()}
    assert described == contract
    assert all(text.strip() for columns in DESCRIPTIONS.values() for text in columns.values())
