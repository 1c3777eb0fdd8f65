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
    folder = load_settings().benchmarks_dir
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
    return dg.MaterializeResult(
        metadata={
            "workbooks": dg.MetadataValue.text(
                ", ".join(sorted(p.name for p in folder.glob("*.xlsx")))
            ),
            "periods": dg.MetadataValue.text(", ".join(sorted(frame["period"].unique()))),
            "dagster/row_count": len(frame),
        }
    )
