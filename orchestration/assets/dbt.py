"""The dbt project as Dagster assets: staging, intermediate, facts, KPI marts and their tests.

dbt sources point at the ingest assets (`meta.dagster.asset_key` in the sources YAML), so lineage
runs unbroken from each extract file to `marts.kpi_values`; dbt tests surface as asset checks.
"""

import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration.assets.ingest import WAREHOUSE_POOL
from orchestration.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR, load_settings

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


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(
        project_dir=dbt_project, profiles_dir=DBT_PROJECT_DIR, dbt_executable=str(DBT_EXECUTABLE)
    )


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=WarehouseDbtTranslator(),
    pool=WAREHOUSE_POOL,
)
def warehouse_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    # dbt runs as a subprocess and reads the warehouse path from the environment (profiles.yml);
    # set it from the same setting the ingest used, as an absolute path.
    os.environ["CSC_WAREHOUSE"] = str(load_settings().warehouse)
    yield from dbt.cli(["build"], context=context).stream()
