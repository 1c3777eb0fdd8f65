"""Child-level exception lists for practice managers, in the restricted folder."""

from pathlib import Path

import dagster as dg

from orchestration.assets.dbt import warehouse_dbt_models
from orchestration.assets.publish import analyst_database
from orchestration.exception_lists import write_exception_lists
from orchestration.report_pack.errors import ReportPackError
from orchestration.report_pack.tables import resolve_report_month
from orchestration.settings import load_settings
from orchestration.warehouse import WarehouseResource


@dg.asset(
    key=["restricted", "exception_lists"],
    group_name="publish",
    kinds={"csv"},
    # After the analyst database, as the pack is: all of a build's outputs or none of them.
    deps=[warehouse_dbt_models, analyst_database],
    description=(
        "CSC_RESTRICTED_DIR/<YYYY-MM>/<kpi_id>.csv: the records behind each missed measure in "
        "the report month (CSC_REPORT_MONTH, else the latest complete month, as for the pack), "
        "with child id, team and dates. Owner-only permissions."
    ),
)
def exception_lists(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    from orchestration import build_state

    settings = load_settings()
    step = "restricted/exception_lists"
    with warehouse.connect() as con:
        dbt = build_state.last_success(con, "dbt")
        inputs = build_state.fingerprint(
            step,
            dbt["fingerprint"] if dbt else None,
            [str(settings.restricted_dir), settings.report_month],
        )
        last = build_state.unchanged(con, step, inputs, warehouse.may_skip_unchanged)
        folder = last and last["metadata"].get("folder")
        if last is not None and folder and Path(folder).is_dir():
            context.log.info(f"nothing changed: the exception lists in {folder} stand")
            return dg.MaterializeResult(
                metadata={**last["metadata"], "unchanged_since": str(last["finished_at"])}
            )
        build_state.forget(con, step)
        try:
            month = resolve_report_month(con, settings.report_month)
        except ReportPackError as exc:
            raise dg.Failure(description=str(exc), allow_retries=False) from None
        if month is None:
            context.log.warning("no complete month in the data: no exception lists written")
            return dg.MaterializeResult(metadata={"skipped": "no complete month in the data"})
        counts = write_exception_lists(con, settings.restricted_dir, month.period_end)
        folder = settings.restricted_dir / month.month
        build_state.record_success(
            con, step, inputs, context.run.run_id, {"folder": str(folder), **counts}
        )
    context.log.info(f"exception lists for {month.month} in {folder}")
    return dg.MaterializeResult(
        metadata={
            "folder": dg.MetadataValue.path(str(folder)),
            **counts,
            "unchanged_since": "no: written now",
        }
    )
