"""The settings as a Dagster resource (orchestration/pipeline_settings.py): a field set for a
run wins over its CSC_* variable, an unset field reads the variable when the run starts, and
the value reaches every step, the warehouse resource and dbt (through --vars, never by a step
changing the environment)."""

from __future__ import annotations

import os
import shutil

import duckdb
from conftest import FIXTURES, HAND_FIXTURE_COVERAGE, _environment, failures

from orchestration.pipeline_settings import VARIABLES, PipelineSettings


def test_a_field_wins_over_its_variable_and_an_unset_one_reads_it():
    with _environment(CSC_LA_CODE="330", CSC_REPORT_MONTH="2018-12"):
        settings = PipelineSettings(la_code="331").load()
    assert settings.la_code == "331"  # the field
    assert settings.report_month == "2018-12"  # the variable, read at load()


def test_every_field_names_a_setting_of_the_pipeline():
    # A field added without its variable would be silently ignored by load().
    assert set(VARIABLES) == set(PipelineSettings.model_fields)
    assert all(name.startswith("CSC_") for name in VARIABLES.values())


def test_a_runs_config_reaches_the_steps_the_warehouse_and_dbt(tmp_path):
    """The real job on the hand fixture with the warehouse and analyst database named in the
    run's config, and CSC_WAREHOUSE / CSC_ANALYST_DB pointing elsewhere: everything must land at
    the configured paths. dbt finds the warehouse only through --vars here (its profile would
    otherwise read CSC_WAREHOUSE), so marts in the configured file prove dbt got it."""
    import dagster as dg

    from orchestration.prepare import prepare_dbt_manifest

    source = tmp_path / "extracts"
    shutil.copytree(FIXTURES / "hand_small", source)
    configured = {"warehouse": tmp_path / "configured.duckdb",
                  "analyst_db": tmp_path / "configured_analyst.duckdb"}  # fmt: skip
    from_env = {"warehouse": tmp_path / "env.duckdb", "analyst_db": tmp_path / "env_analyst.duckdb"}
    with _environment(
        CSC_SOURCE_DIR=str(source),
        CSC_WAREHOUSE=str(from_env["warehouse"]),
        CSC_ANALYST_DB=str(from_env["analyst_db"]),
        CSC_EXPORT_DIR=str(tmp_path / "exports"),
        CSC_RESTRICTED_DIR=str(tmp_path / "restricted"),
        CSC_HISTORY_DB=str(tmp_path / "history.duckdb"),
        **HAND_FIXTURE_COVERAGE,
    ):
        prepare_dbt_manifest()
        from orchestration.definitions import BUILD_JOB_NAME, defs

        job = defs.resolve_job_def(BUILD_JOB_NAME)
        with dg.DagsterInstance.ephemeral() as instance:
            result = job.execute_in_process(
                instance=instance,
                raise_on_error=False,
                run_config={
                    "loggers": {"console": {"config": {"log_level": "WARNING"}}},
                    "resources": {
                        "settings": {"config": {k: str(v) for k, v in configured.items()}}
                    },
                },
            )
        assert "CSC_WAREHOUSE" in os.environ and os.environ["CSC_WAREHOUSE"] == str(
            from_env["warehouse"]
        ), "a step changed the environment"
    assert result.success, failures(result)
    assert not from_env["warehouse"].exists() and not from_env["analyst_db"].exists()
    for path in configured.values():
        con = duckdb.connect(str(path), read_only=True)
        try:
            assert con.execute("select count(*) from marts.kpi_values").fetchone()[0] > 0
        finally:
            con.close()
