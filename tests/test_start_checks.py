"""Checks before any work (issue 16, deliverables 4 and 6): a setting that cannot be used stops
`make run` in seconds with a message naming the variable, before the warehouse, the demo data or
Dagster is touched; the same checks stop a run started any other way (the schedule, the sensor,
`make dev`) before its first step. Case numbers are those of the December 2026 review.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from orchestration import run, settings
from tests.conftest import FIXTURES, _environment

SETTINGS = (
    "CSC_SOURCE_DIR",
    "CSC_WAREHOUSE",
    "CSC_EXPORT_DIR",
    "CSC_ANALYST_DB",
    "CSC_RESTRICTED_DIR",
    "CSC_LA_CODE",
    "CSC_REPORT_MONTH",
    "CSC_EXPORT_MODE",
    "CSC_COMMENTARY_DIR",
    "DAGSTER_HOME",
)


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    """Every output in a temporary folder, the hand fixture as the source; the umask that
    `run.main` sets is put back afterwards."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CSC_SOURCE_DIR", str(FIXTURES / "hand_small"))
    monkeypatch.setenv("CSC_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("CSC_EXPORT_DIR", str(tmp_path / "exports"))
    monkeypatch.setenv("CSC_ANALYST_DB", str(tmp_path / "analyst.duckdb"))
    monkeypatch.setenv("CSC_RESTRICTED_DIR", str(tmp_path / "restricted"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))

    def no_demo(*args, **kwargs):
        raise AssertionError("the demo data must not be generated")

    monkeypatch.setattr("demo_data.generator.generate", no_demo)
    umask = os.umask(0o022)
    os.umask(umask)
    yield tmp_path
    os.umask(umask)


def refused(capsys) -> str:
    """Run `make run`'s main: it must stop with exit status 2 before doing any work; returns
    what it printed."""
    assert run.main() == 2
    err = capsys.readouterr().err
    assert err.startswith("Cannot start the build: "), err
    assert len(err.strip().splitlines()) == 1, err
    return err


def nothing_written(work: Path) -> None:
    assert sorted(p.name for p in work.iterdir()) == [], "work was done before the check"


def test_c11_la_code_that_is_sql_never_reaches_sql(workspace, monkeypatch, capsys):
    # Was: pasted into dbt's SQL as '330' and '1'='1', and the build succeeded.
    monkeypatch.setenv("CSC_LA_CODE", "330' and '1'='1")
    err = refused(capsys)
    assert "CSC_LA_CODE must be the authority's three-digit DfE LA code" in err
    nothing_written(workspace)


def test_c33_la_code_not_on_the_dfe_list(workspace, monkeypatch, capsys):
    # Was: "Failure in test not_null_int_population..." after the whole ingest; the LA code was
    # not mentioned.
    monkeypatch.setenv("CSC_LA_CODE", "999")
    err = refused(capsys)
    assert "CSC_LA_CODE 999 is not the DfE code of an English local authority" in err
    nothing_written(workspace)
    monkeypatch.setenv("CSC_LA_CODE", " 331 ")
    assert settings.load_settings().la_code == "331"  # Coventry: on the list


def test_c36_empty_source_dir_is_an_error_not_the_demo(workspace, monkeypatch, capsys):
    # Was: an empty CSC_SOURCE_DIR= switched to synthetic demo data, which a misconfigured
    # night would have published as the authority's figures.
    monkeypatch.setenv("CSC_SOURCE_DIR", "")
    err = refused(capsys)
    assert "CSC_SOURCE_DIR is set but empty" in err
    nothing_written(workspace)
    monkeypatch.setenv("CSC_SOURCE_DIR", "  ")
    with pytest.raises(settings.SettingError, match="CSC_SOURCE_DIR is set but empty"):
        settings.load_settings()
    monkeypatch.delenv("CSC_SOURCE_DIR")
    assert settings.load_settings().demo  # the demo only when the variable is unset


def test_c31_report_month_is_checked_at_start(workspace, monkeypatch, capsys):
    # Was: a clear error, but from the pack step, ~50 s in, after the analyst database had been
    # replaced.
    monkeypatch.setenv("CSC_REPORT_MONTH", "2018-13")
    err = refused(capsys)
    assert "CSC_REPORT_MONTH must be a month as YYYY-MM, not '2018-13'" in err
    nothing_written(workspace)


def test_c34_export_folder_that_cannot_be_written_fails_at_start(workspace, monkeypatch, capsys):
    # Was: "Error occurred while executing op" from the last step, ~50 s in. A folder inside a
    # file cannot be created even by root, so this runs whoever runs the tests.
    blocker = workspace / "not_a_folder"
    blocker.write_text("")
    monkeypatch.setenv("CSC_EXPORT_DIR", str(blocker / "exports"))
    err = refused(capsys)
    assert f"CSC_EXPORT_DIR: cannot create {blocker / 'exports'}: {blocker} is a file" in err
    assert sorted(p.name for p in workspace.iterdir()) == ["not_a_folder"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_c34_read_only_export_folder_fails_at_start(workspace, monkeypatch, capsys):
    exports = workspace / "exports"
    exports.mkdir(mode=0o555)
    try:
        err = refused(capsys)
    finally:
        exports.chmod(0o755)
    assert f"CSC_EXPORT_DIR: cannot write in {exports}: Permission denied" in err


def test_c37_empty_source_folder_fails_at_start(workspace, monkeypatch, capsys):
    # Was: every extract loaded as empty, the warehouse emptied, and publish failed with a
    # generic message.
    empty = workspace / "extracts"
    empty.mkdir()
    monkeypatch.setenv("CSC_SOURCE_DIR", str(empty))
    err = refused(capsys)
    assert f"CSC_SOURCE_DIR: {empty} holds no extract file" in err
    assert sorted(p.name for p in workspace.iterdir()) == ["extracts"]


def test_every_problem_is_named_at_once(workspace, monkeypatch, capsys):
    monkeypatch.setenv("CSC_SOURCE_DIR", str(workspace / "missing"))
    blocker = workspace / "file"
    blocker.write_text("")
    monkeypatch.setenv("CSC_RESTRICTED_DIR", str(blocker / "restricted"))
    err = refused(capsys)
    assert f"CSC_SOURCE_DIR: {workspace / 'missing'} does not exist; " in err
    assert "CSC_RESTRICTED_DIR: cannot create" in err


def test_export_mode_must_be_an_octal_mode(workspace, monkeypatch):
    monkeypatch.setenv("CSC_EXPORT_MODE", "rw-r-----")
    with pytest.raises(settings.SettingError, match="CSC_EXPORT_MODE must be an octal file mode"):
        settings.load_settings()
    monkeypatch.setenv("CSC_EXPORT_MODE", "0755")
    assert settings.load_settings().export_mode == 0o644  # files are never made executable


def test_a_run_started_by_dagster_checks_before_its_first_step(workspace):
    """The schedule, the sensor and `make dev` start runs without `make run`: the warehouse
    resource makes the same checks when the run starts, so no step runs."""
    import dagster as dg

    from orchestration.prepare import prepare_dbt_manifest

    prepare_dbt_manifest()
    from orchestration.definitions import BUILD_JOB_NAME, defs

    with _environment(CSC_LA_CODE="33O"), dg.DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def(BUILD_JOB_NAME).execute_in_process(
            instance=instance, raise_on_error=False
        )
    assert not result.success
    assert not [e for e in result.all_events if e.is_step_start]
    (line,) = run.failure_messages(result)
    assert "CSC_LA_CODE must be the authority's three-digit DfE LA code" in line
    assert run.outcome_lines(result, settings.load_settings()) == [
        "Nothing was changed: the run stopped before any step started."
    ]
    nothing_written(workspace)
