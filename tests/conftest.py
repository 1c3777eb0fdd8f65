"""Shared test helpers: run the real `build_everything` job against a folder of extracts into a
temporary warehouse, with an ephemeral Dagster instance."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


# The hand fixture covers April 2015 to March 2018 completely: said with the two coverage
# settings, because a fixture this small has too few events a month to infer it from.
HAND_FIXTURE_COVERAGE = {"CSC_DATA_FROM": "2015-04-01", "CSC_DATA_AS_AT": "2018-03-31"}


def run_build(source_dir: Path, work_dir: Path, **settings: str):
    """Materialise every asset of the code location, as `make run` and the schedule do; extra
    keyword arguments are CSC_* settings for this build."""
    import dagster as dg

    from orchestration.prepare import prepare_dbt_manifest

    warehouse = work_dir / "warehouse.duckdb"
    with _environment(
        CSC_SOURCE_DIR=str(source_dir),
        CSC_WAREHOUSE=str(warehouse),
        CSC_EXPORT_DIR=str(work_dir / "exports"),
        CSC_ANALYST_DB=str(work_dir / "analyst.duckdb"),
        CSC_RESTRICTED_DIR=str(work_dir / "restricted"),
        CSC_DATA_FROM=settings.pop("CSC_DATA_FROM", ""),
        CSC_DATA_AS_AT=settings.pop("CSC_DATA_AS_AT", ""),
        **settings,
    ):
        prepare_dbt_manifest()
        from orchestration.definitions import BUILD_JOB_NAME, defs

        job = defs.resolve_job_def(BUILD_JOB_NAME)
        with dg.DagsterInstance.ephemeral() as instance:
            result = job.execute_in_process(
                instance=instance,
                raise_on_error=False,
                run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
            )
    return result, warehouse


# The fixtures that build a warehouse, generate demo data for one or start the services: a
# minute or more each on a small machine. A test that uses one is marked `slow` (below), as are
# the tests that build by themselves (`@pytest.mark.slow` on the test or its module), so that
# `pytest -m "not slow"` is the quick part and `make test` still runs everything.
BUILD_FIXTURES = frozenset(
    {
        "hand_fixture_build",  # this file
        "hand_fixture_warehouse",
        "pack",  # test_report_pack.py
        "hostile_pack",
        "build",  # test_privacy.py
        "copied_build",  # test_publication.py
        "workforce_yj",  # test_coverage.py
        "looked_after_only",
        "part_months",
        "service",  # test_service.py
    }
)


@pytest.fixture(scope="session", autouse=True)
def dbt_manifest() -> None:
    """dbt's manifest, parsed once before any test. The Dagster definitions read it when they
    are imported (orchestration/assets/dbt.py), and a fresh clone has none until `dbt parse` has
    run. Most tests that import them parse first, but not all: on a fresh clone with
    pytest-randomly's seed 874078664, test_report_pack.py's `pack` fixture imported the pack
    asset before it parsed, and its twelve tests errored (DagsterDbtManifestNotFoundError)."""
    from orchestration.prepare import prepare_dbt_manifest

    prepare_dbt_manifest()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if BUILD_FIXTURES.intersection(item.fixturenames):
            item.add_marker(pytest.mark.slow)
    _keep_file_order(items)


def _keep_file_order(items) -> None:
    """pytest-randomly shuffles the tests of each module (before this hook). A module that sets
    KEEP_FILE_ORDER = True gets its tests back in file order, in the places they were shuffled
    to: tests/test_service.py's last test stops the running service the others use (a random
    order once ran it first and the other two failed)."""
    places: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        module = getattr(item, "module", None)
        if module is not None and getattr(module, "KEEP_FILE_ORDER", False):
            places.setdefault(module.__name__, []).append(index)
    for indexes in places.values():
        in_file_order = sorted((items[i] for i in indexes), key=lambda item: item.location[1])
        for index, item in zip(indexes, in_file_order, strict=True):
            items[index] = item


def failures(result) -> list[str]:
    messages = []
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            messages.append(f"{event.step_key}: {error.message if error else ''}")
    return messages


@pytest.fixture(scope="session")
def hand_fixture_build(tmp_path_factory):
    """The hand fixture built once per session: (the run's result, the warehouse path)."""
    work = tmp_path_factory.mktemp("hand_small")
    result, warehouse = run_build(FIXTURES / "hand_small", work, **HAND_FIXTURE_COVERAGE)
    assert result.success, failures(result)
    return result, warehouse


@pytest.fixture(scope="session")
def hand_fixture_warehouse(hand_fixture_build) -> Path:
    return hand_fixture_build[1]


def query(warehouse: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def pack_tables(warehouse: Path) -> set[str]:
    """The report tables a pack exports (each as CSV and Parquet): the scorecard summary, the
    trends, every page's table, as reporting.rpt_report_pages lists them (from the KPI
    registry and seeds/report_pages.csv), the month's breakdowns and the revisions."""
    pages = query(
        warehouse,
        "select distinct table_name from reporting.rpt_report_pages where table_name is not null",
    )
    fixed = {"rpt_scorecard_summary", "rpt_kpi_trends", "rpt_kpi_breakdowns", "kpi_revisions"}
    return fixed | {name for (name,) in pages}
