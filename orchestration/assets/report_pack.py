"""The monthly KPI pack: the final export, partitioned by report month (YYYY-MM).

One asset, `exports/kpi_pack`, downstream of every dbt model and test. It takes part in the
`build_everything` job (AssetSelection.all()) with the unpartitioned assets:

- a run WITHOUT a partition key (make run, the nightly schedule) builds the pack of
  CSC_REPORT_MONTH, or of the latest complete month in the data (reporting.rpt_report_months),
  and also records that month's partition as materialised, so `dagster dev` shows it;
- a run WITH a partition key (a backfill or a single partition launched from `dagster dev`)
  builds that month's pack from the current warehouse.

Output: CSC_EXPORT_DIR/<YYYY-MM>/ (orchestration/report_pack/build.py).
"""

import dagster as dg

from orchestration.assets.dbt import warehouse_dbt_models
from orchestration.assets.publish import analyst_database
from orchestration.report_pack.build import build_pack
from orchestration.report_pack.config import commentary_dirs
from orchestration.report_pack.errors import ReportPackError
from orchestration.settings import load_settings
from orchestration.warehouse import WarehouseResource

KPI_PACK_KEY = dg.AssetKey(["exports", "kpi_pack"])

# Every past calendar month from January 2010 (earlier than any extract the service holds) to the
# last complete calendar month; a month outside the data fails with the months the data covers.
report_months = dg.MonthlyPartitionsDefinition(start_date="2010-01", fmt="%Y-%m", end_offset=0)


@dg.asset(
    key=KPI_PACK_KEY,
    group_name="exports",
    kinds={"excel", "html", "pdf"},
    partitions_def=report_months,
    # Every dbt model and test: the pack is made only from a complete, tested build; and after
    # the analyst database, so a build that cannot publish it does not replace the pack either
    # (the pack and the database always come from the same build).
    deps=[warehouse_dbt_models, analyst_database],
    description=(
        "CSC_EXPORT_DIR/<YYYY-MM>/: kpi_pack.xlsx, kpi_pack.html (self-contained), kpi_pack.pdf "
        "(headless Chromium) and tables/ (CSV, Parquet) from the reporting layer; commentary from "
        "commentary/<YYYY-MM>.yaml. Without a partition key: CSC_REPORT_MONTH or the latest "
        "complete month in the data."
    ),
)
def kpi_pack(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    import shutil
    from pathlib import Path

    from orchestration import build_state

    settings = load_settings()
    requested = context.partition_key if context.has_partition_key else settings.report_month
    step = "exports/kpi_pack"
    with warehouse.connect() as con:
        dbt = build_state.last_success(con, "dbt")
        inputs = build_state.fingerprint(
            step,
            dbt["fingerprint"] if dbt else None,
            [str(settings.export_dir), requested, settings.export_mode],
            [str(d) for d in commentary_dirs(settings)],
            bool(shutil.which("chromium")),
        )
        # A month asked for by partition (a backfill) is always made.
        may_skip = warehouse.may_skip_unchanged and not context.has_partition_key
        last = build_state.unchanged(con, step, inputs, may_skip)
        made = last and last["metadata"].get("workbook")
        if last is not None and made and Path(made).is_file():
            context.log.info(f"nothing changed: the pack in {last['metadata']['folder']} stands")
            return dg.MaterializeResult(
                metadata={**last["metadata"], "unchanged_since": str(last["finished_at"])}
            )
        if not context.has_partition_key:
            build_state.forget(con, step)
    try:
        with warehouse.connect() as con:
            result = build_pack(
                con,
                settings.export_dir,
                requested,
                commentary_dirs(settings),
                log=context.log.info,
                file_mode=settings.export_mode,
            )
    except ReportPackError as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from None
    if result is None:
        context.log.warning("no complete month in the data: no KPI pack written")
        return dg.MaterializeResult(metadata={"skipped": "no complete month in the data"})
    for warning in result.warnings:
        context.log.warning(warning)
    metadata = {
        "report_month": result.month,
        "folder": dg.MetadataValue.path(str(result.folder)),
        "workbook": dg.MetadataValue.path(str(result.workbook)),
        "html": dg.MetadataValue.path(str(result.html)),
        "pdf": dg.MetadataValue.path(str(result.pdf)) if result.pdf else "not produced",
        "tables": dg.MetadataValue.path(str(result.folder / "tables")),
        "pages": result.pages,
        "commentary": str(result.commentary) if result.commentary else "none",
        "pages_without_commentary": ", ".join(result.missing_commentary) or "none",
        "warnings": "; ".join(result.warnings) or "none",
    }
    if not context.has_partition_key:
        with warehouse.connect() as con:
            build_state.record_success(
                con,
                step,
                inputs,
                context.run.run_id,
                {k: getattr(v, "value", v) for k, v in metadata.items()},
            )
        # Also record the month written as a partition of this asset, for dagster dev's view.
        context.log_event(
            dg.AssetMaterialization(
                asset_key=KPI_PACK_KEY, partition=result.month, metadata=metadata
            )
        )
    return dg.MaterializeResult(metadata={**metadata, "unchanged_since": "no: made now"})


def report_pack_summary(result) -> list[str]:
    """Lines for `make run`'s summary from a finished run of the job: where the pack of which
    month landed, pages without commentary and warnings (empty if the run made no pack)."""
    for event in result.all_events:
        if not event.is_step_materialization or event.asset_key != KPI_PACK_KEY:
            continue
        metadata = {k: getattr(v, "value", v) for k, v in event.materialization.metadata.items()}
        without = str(metadata.get("pages_without_commentary", "none"))
        if "folder" not in metadata:
            return [f"\nKPI pack: not written ({metadata.get('skipped', 'no month')})"]
        lines = [
            f"\nKPI pack for {metadata['report_month']}: {metadata['folder']}",
            f"  workbook {metadata['workbook']}",
            f"  HTML     {metadata['html']}",
            f"  PDF      {metadata['pdf']}",
            f"  tables   {metadata['tables']} (CSV and Parquet)",
            f"  commentary: {metadata['commentary']}; pages without: {_short(without)}",
        ]
        if metadata.get("warnings", "none") != "none":
            lines.append(f"  warnings: {metadata['warnings']}")
        return lines
    return []


def _short(pages: str, most: int = 6) -> str:
    names = [p for p in pages.split(", ") if p and p != "none"]
    if not names:
        return "none"
    if len(names) <= most:
        return ", ".join(names)
    return f"{len(names)} pages ({', '.join(names[:most])}, ...)"
