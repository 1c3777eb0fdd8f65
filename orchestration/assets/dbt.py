"""The dbt project as Dagster assets: staging, intermediate, facts, KPI marts and their tests.

dbt sources point at the ingest assets (`meta.dagster.asset_key` in the sources YAML), so lineage
runs unbroken from each extract file to `marts.kpi_values`; dbt tests surface as asset checks.
"""

import json
import os
from collections import Counter
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration.pipeline_settings import PipelineSettings
from orchestration.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR
from orchestration.warehouse import WarehouseResource

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# Under `dagster dev` the manifest is rebuilt on load; `make run` and the tests build it first
# (orchestration.prepare).
dbt_project.prepare_if_dev()


class WarehouseDbtTranslator(DagsterDbtTranslator):
    """Keys and groups by warehouse schema (`marts/kpi_values`), as analysts see the tables."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project):
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        if props["resource_type"] in ("model", "seed", "snapshot"):
            schema = props["config"].get("schema") or "main"
            return spec.replace_attributes(
                key=dg.AssetKey([schema, props["name"]]), group_name=schema
            )
        return spec


def dbt_test_summary(run_results: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    """Counts of dbt results by kind (model, seed, test, unit_test) and status."""
    counts: dict[str, Counter] = {}
    for result in run_results.get("results", []):
        kind = result["unique_id"].split(".", 1)[0]
        counts.setdefault(kind, Counter())[result["status"]] += 1
    return {kind: dict(sorted(c.items())) for kind, c in sorted(counts.items())}


def _with_table_metadata(context: dg.AssetExecutionContext, con, event):
    """A model's or seed's Output with its table's column types and row count, as the Dagster
    UI shows them (dagster/column_schema, dagster/row_count); other events unchanged."""
    if not isinstance(event, dg.Output):
        return event
    key = context.asset_key_for_output(event.output_name)
    if len(key.path) != 2:
        return event
    schema, table = key.path
    columns = con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where schema_name = ? and table_name = ? order by column_index",
        [schema, table],
    ).fetchall()
    if not columns:
        return event
    quoted = f'"{schema}"."{table}"'
    row_count = con.execute(f"select count(*) from {quoted}").fetchone()[0]
    schema_value = dg.TableSchema(
        columns=[dg.TableColumn(name=name, type=kind) for name, kind in columns]
    )
    return event.with_metadata(
        {
            **event.metadata,
            "dagster/column_schema": dg.MetadataValue.table_schema(schema_value),
            "dagster/row_count": dg.MetadataValue.int(row_count),
        }
    )


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(
        project_dir=dbt_project, profiles_dir=DBT_PROJECT_DIR, dbt_executable=str(DBT_EXECUTABLE)
    )


STEP = "dbt"

# The nightly build runs the data tests, not the unit tests. A unit test checks a model's SQL on
# rows given in its YAML, never the warehouse's data, so a night cannot change its result: it is
# a test of the code, run by `make test` (tests/test_dbt_unit_tests.py) whenever the code
# changes, as dbt's own guidance on unit tests advises (run them in development and CI, not in
# production). They cost little: at scale 1, on a quiet machine, dbt build took 52.2 s wall and
# 76.6 CPU s with them, 51.0 s and 68.7 CPU s without (README, "Benchmark").
NIGHTLY_EXCLUDES = ("--exclude-resource-type", "unit_test")


def dbt_threads() -> int:
    """dbt's threads: one per core (CSC_DBT_THREADS to choose). They share dbt's one DuckDB
    process, so this overlaps dbt's own work between queries; DuckDB itself already uses every
    core within a query."""
    text = (os.environ.get("CSC_DBT_THREADS") or "").strip()
    return max(1, int(text)) if text.isdigit() else max(1, os.cpu_count() or 1)


def _unchanged_since(last: dict | None, inputs: dict, may_skip: bool) -> str | None:
    """The run of the last successful dbt build if dbt need not run: nothing it is made from
    (code, settings, the loads of the extracts, the benchmarks) changed since, and the previous
    run finished. Otherwise None: dbt builds everything, as nearly every mart depends on nearly
    every extract."""
    if may_skip and last is not None and last["metadata"] == json.loads(json.dumps(inputs)):
        return last["run_id"]
    return None


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=WarehouseDbtTranslator(),
)
def warehouse_dbt_models(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    settings: PipelineSettings,
):
    # dbt runs as a subprocess: the warehouse path (profiles.yml), the LA code and the
    # coverage dates go in as --vars, from the settings the other steps use.
    from orchestration import build_state

    run_settings = settings.load()
    with warehouse.connect() as con:
        benchmarks = build_state.last_success(con, "raw/dfe_cin_benchmarks")
        inputs = {
            "code": build_state.code_version(),
            "vars": run_settings.dbt_vars(),
            "benchmarks": benchmarks["fingerprint"] if benchmarks else None,
            "loads": build_state.loads_fingerprint(con),
        }
        last = build_state.last_success(con, STEP)
        since = _unchanged_since(last, inputs, warehouse.may_skip_unchanged)
        if since is None:
            build_state.forget(con, STEP)  # a dbt build killed part way is no success
    outputs = _in_dependency_order(context)
    if since is not None:
        context.log.info(f"no input changed since dbt build {since}: dbt not run")
        with warehouse.connect() as con:
            for event in _unchanged(context, outputs, since):
                yield _with_table_metadata(context, con, event)
        return
    # One target folder, replaced by each build, rather than a new one per run piling up.
    invocation = dbt.cli(
        ["build", "--threads", str(dbt_threads()), *NIGHTLY_EXCLUDES,
         "--vars", json.dumps(run_settings.dbt_vars())],
        context=context,
        target_path=dbt_target_dir(),
    )  # fmt: skip
    # dbt's events are held until it has finished: the column types and row counts each
    # table's materialization carries are read from the warehouse, which dbt's process holds
    # for writing while it runs (DuckDB: one writer). A failed build still reports what it
    # built before the failure, without them.
    events = []
    try:
        for event in invocation.stream():
            events.append(event)
    except Exception:
        yield from events
        raise
    with warehouse.connect() as con:
        yield from (_with_table_metadata(context, con, event) for event in events)
    # Reached only when every test of severity error passed (stream() raises otherwise): keep
    # the test summary for the published build's meta.build_info.
    summary = dbt_test_summary(invocation.get_artifact("run_results.json"))
    with warehouse.connect() as con:
        con.execute("create schema if not exists audit")
        con.execute(
            "create or replace table audit.dbt_build_summary as "
            "select ? as dagster_run_id, ? as summary_json",
            [context.run.run_id, json.dumps(summary)],
        )
        build_state.record_success(con, STEP, build_state.fingerprint(STEP, inputs),
                                   context.run.run_id, inputs)  # fmt: skip


def _unchanged(context, outputs, since: str):
    """Outputs, and results of the tests, of models that were not rebuilt: they stand as the
    build `since` made and tested them, from the same inputs and code."""
    metadata = {"unchanged_since": since}
    for name in outputs:
        yield dg.Output(None, output_name=name, metadata=metadata)
    for key in sorted(context.selected_asset_check_keys, key=str):
        yield dg.AssetCheckResult(
            asset_key=key.asset_key,
            check_name=key.name,
            passed=True,
            metadata={**metadata, "note": "not run again: its model is unchanged"},
        )


def _in_dependency_order(context) -> list[str]:
    """The selected models' output names, each after those it depends on (Dagster requires a
    multi-asset to yield them so)."""
    by_key = {
        key: name
        for name, key in context.assets_def.keys_by_output_name.items()
        if name in context.selected_output_names
    }
    deps = {key: set(context.assets_def.asset_deps.get(key, ())) & set(by_key) for key in by_key}
    ordered, done = [], set()
    while len(ordered) < len(by_key):
        ready = sorted((k for k in by_key if k not in done and deps[k] <= done), key=str)
        if not ready:  # a cycle cannot happen in dbt; keep the rest in name order
            ready = sorted((k for k in by_key if k not in done), key=str)
        for key in ready:
            ordered.append(by_key[key])
            done.add(key)
    return ordered


def dbt_target_dir():
    """Where dbt writes its artifacts and log: CSC_DBT_TARGET_DIR, else dbt_project/target/build
    (the benchmark keeps its own)."""
    from pathlib import Path

    value = os.environ.get("CSC_DBT_TARGET_DIR")
    return Path(value) if value else DBT_PROJECT_DIR / "target" / "build"
