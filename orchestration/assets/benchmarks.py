"""Published benchmarks: DfE's "Characteristics of children in need" main-tables workbooks, every
edition in CSC_BENCHMARKS_DIR, parsed into `raw.dfe_cin_benchmarks` for national, regional and
per-LA comparators."""

import dagster as dg

from orchestration.benchmarks.dfe_cin import (
    BENCHMARK_COLUMNS,
    WorkbookLayoutError,
    parse_benchmarks_folder,
)
from orchestration.settings import load_settings
from orchestration.warehouse import WarehouseResource


@dg.asset(
    key=["raw", "dfe_cin_benchmarks"],
    group_name="ingest",
    kinds={"duckdb", "excel"},
    description=(
        "DfE Characteristics of children in need main tables (Open Government Licence v3.0): "
        "referrals, assessments, S47, ICPC, CIN and CP figures for England, regions and LAs."
    ),
)
def dfe_cin_benchmarks(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    from orchestration import build_state

    folder = load_settings().benchmarks_dir
    step = "raw/dfe_cin_benchmarks"
    workbooks = sorted(folder.glob("*.xlsx")) if folder.is_dir() else []
    inputs = build_state.fingerprint(step, str(folder), build_state.files_fingerprint(workbooks))
    with warehouse.connect() as con:
        last = build_state.unchanged(con, step, inputs, warehouse.may_skip_unchanged)
        if last is not None and _table_exists(con):
            context.log.info(f"DfE workbooks unchanged since {last['finished_at']}: not read again")
            return dg.MaterializeResult(
                metadata={**last["metadata"], "unchanged_since": str(last["finished_at"])},
                data_version=dg.DataVersion(inputs),
            )
        build_state.forget(con, step)
    try:
        frame = parse_benchmarks_folder(folder)
    except (WorkbookLayoutError, ValueError) as exc:
        # A drifted layout must stop the benchmarks, never load wrong numbers.
        raise dg.Failure(description=f"{folder}: {exc}", allow_retries=False) from None
    if frame.empty:
        context.log.warning(f"no DfE workbook in {folder}: benchmarks are empty")
    frame = frame[BENCHMARK_COLUMNS].astype(
        {"la_code": "str", "area_name": "str", "measure": "str", "period": "str"}
    )
    with warehouse.connect() as con:
        con.execute("create schema if not exists raw")
        con.register("benchmarks", frame)
        con.execute(
            "create or replace table raw.dfe_cin_benchmarks as select geography_level, "
            "la_code, area_name, region_name, measure, cast(value as double) as value, period, "
            "source_table, source_heading from benchmarks"
        )
        con.unregister("benchmarks")
    metadata = {
        "workbooks": ", ".join(sorted(p.name for p in folder.glob("*.xlsx"))),
        "periods": ", ".join(sorted(frame["period"].unique())),
        "dagster/row_count": len(frame),
    }
    with warehouse.connect() as con:
        build_state.record_success(con, step, inputs, warehouse.run_id, metadata)
    return dg.MaterializeResult(
        metadata={**metadata, "unchanged_since": "no: read now"},
        data_version=dg.DataVersion(inputs),
    )


def _table_exists(con) -> bool:
    return bool(
        con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'raw' "
            "and table_name = 'dfe_cin_benchmarks' and database_name = current_database()"
        ).fetchone()[0]
    )
