"""Statutory returns in the build: read before the extracts' ingest assets, accounted for after
them (orchestration/returns/warehouse.py has the whole account)."""

import dagster as dg

from orchestration.assets.ingest import ingest_asset_keys
from orchestration.pipeline_settings import PipelineSettings
from orchestration.warehouse import WarehouseResource

STATUTORY_RETURNS = dg.AssetKey(["returns", "statutory_returns"])
SOURCE_FILES = dg.AssetKey(["audit", "source_files"])


@dg.asset(
    key=STATUTORY_RETURNS,
    group_name="ingest",
    kinds={"duckdb", "python"},
    description=(
        "Every file in CSC_SOURCE_DIR recognised by its content; the statutory returns among "
        "them (SSDA903 tables or XML, CIN census XML, Annex A workbooks, workforce census XML) "
        "read by their year's specification, mapped into the contract's extracts and combined "
        "across years into the working warehouse's `returns` schema, for the extracts' ingest "
        "assets to load where no SSD extract supplies them. Values that break a year's "
        "specification are in audit.rejected_rows."
    ),
)
def statutory_returns(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, settings: PipelineSettings
):
    from orchestration.returns.warehouse import stage_returns

    with warehouse.connect() as con:
        result = stage_returns(con, settings.load().source_dir)
    for line in result.summary_lines():
        context.log.info(line)
    returns = [a for a in result.accounts if not a.error]
    failed = [a for a in result.accounts if a.error]
    for account in failed:
        context.log.warning(account.summary())
    return dg.MaterializeResult(
        metadata={
            "files": len(result.recognised),
            "return_files_read": len(returns),
            "return_files_failed": len(failed),
            "extracts_mapped": ", ".join(sorted(result.combined.tables)) or "none",
            "rows_rejected_by_year_specs": len(result.combined.rejections),
        }
    )


@dg.asset(
    key=SOURCE_FILES,
    group_name="ingest",
    kinds={"duckdb"},
    deps=ingest_asset_keys(),
    description=(
        "audit.source_files: every file in CSC_SOURCE_DIR with what it was recognised as (or "
        "ignored and why), and its rows read = loaded + rejected + blank + not loaded; "
        "audit.extract_sources: which source (SSD extract or statutory returns) each raw table "
        "holds, which the KPI coverage reads."
    ),
    check_specs=[
        dg.AssetCheckSpec(
            "rows_accounted_for",
            asset=SOURCE_FILES,
            description="per file: loaded + rejected + blank + not loaded = read",
        )
    ],
)
def source_files(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    from orchestration.returns.warehouse import write_source_files

    with warehouse.connect() as con:
        write_source_files(con)
        rows = con.execute(
            "select source_file, recognised_as, status, reason, rows_read, rows_loaded, "
            "rows_rejected, rows_blank, rows_not_loaded from audit.source_files order by 1"
        ).fetchall()
    unbalanced = [
        r[0]
        for r in rows
        if r[4] is not None and r[4] != (r[5] or 0) + (r[6] or 0) + (r[7] or 0) + (r[8] or 0)
    ]
    for name, kind, status, reason, *_ in rows:
        context.log.info(
            f"{name}: {kind or 'not recognised'}: {status}{': ' + reason if reason else ''}"
        )
    yield dg.MaterializeResult(
        metadata={
            "files": len(rows),
            "ignored": sum(1 for r in rows if r[2] == "ignored"),
            "failed": sum(1 for r in rows if r[2] == "failed"),
        }
    )
    yield dg.AssetCheckResult(
        check_name="rows_accounted_for",
        passed=not unbalanced,
        metadata={"unbalanced_files": ", ".join(unbalanced) or "none"},
    )
