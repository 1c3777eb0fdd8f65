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

from orchestration.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR, load_settings
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


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(
        project_dir=dbt_project, profiles_dir=DBT_PROJECT_DIR, dbt_executable=str(DBT_EXECUTABLE)
    )


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=WarehouseDbtTranslator(),
)
def warehouse_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
):
    # dbt runs as a subprocess: the LA code and the coverage dates go in as --vars; the
    # warehouse path (profiles.yml) is read from the environment, set from the settings the
    # other steps use, absolute.
    settings = load_settings()
    os.environ["CSC_WAREHOUSE"] = str(settings.warehouse)
    # One target folder, replaced by each build, rather than a new one per run piling up.
    invocation = dbt.cli(
        ["build", "--vars", json.dumps(settings.dbt_vars())],
        context=context,
        target_path=DBT_PROJECT_DIR / "target" / "build",
    )
    yield from invocation.stream()
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
