"""Child-level exception lists for practice managers, in the restricted folder."""

import dagster as dg

from orchestration.assets.dbt import warehouse_dbt_models
from orchestration.assets.ingest import WAREHOUSE_POOL
from orchestration.exception_lists import write_exception_lists
from orchestration.report_month import resolve_report_month
from orchestration.settings import load_settings
from orchestration.warehouse import WarehouseResource


@dg.asset(
    key=["restricted", "exception_lists"],
    group_name="publish",
    kinds={"csv"},
    pool=WAREHOUSE_POOL,
    deps=[warehouse_dbt_models],
    description=(
        "CSC_RESTRICTED_DIR/<YYYY-MM>/<kpi_id>.csv: the records behind each missed measure in "
        "the report month, with child id, team and dates. Owner-only permissions."
    ),
)
def exception_lists(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    settings = load_settings()
    with warehouse.connect() as con:
        period_end = resolve_report_month(con, settings.report_month)
        counts = write_exception_lists(con, settings.restricted_dir, period_end)
    folder = settings.restricted_dir / f"{period_end:%Y-%m}"
    context.log.info(f"exception lists for {period_end:%Y-%m} in {folder}")
    return dg.MaterializeResult(metadata={"folder": dg.MetadataValue.path(str(folder)), **counts})
