"""The last step of a build: publish the analyst database from a complete, tested build."""

import datetime as dt
import json

import dagster as dg

from orchestration.assets.dbt import warehouse_dbt_models
from orchestration.publish import BuildInfo, publish
from orchestration.settings import load_settings
from orchestration.warehouse import WarehouseResource


@dg.asset(
    key=["published", "analyst_database"],
    group_name="publish",
    kinds={"duckdb"},
    # Every dbt model and test: this runs only after `dbt build` succeeded as a whole.
    deps=[warehouse_dbt_models],
    description=(
        "CSC_ANALYST_DB: marts, reporting and audit of the last complete, tested build, with "
        "meta.build_info; written to a new file and renamed over the old one."
    ),
)
def analyst_database(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    from orchestration import build_state

    settings = load_settings()
    step = "published/analyst_database"
    with warehouse.connect() as con:
        dbt = build_state.last_success(con, "dbt")
        inputs = build_state.fingerprint(
            step,
            dbt["fingerprint"] if dbt else None,
            [str(settings.analyst_db), str(settings.source_dir)],
            [settings.data_as_at, settings.data_from],
        )
        last = build_state.unchanged(con, step, inputs, warehouse.may_skip_unchanged)
        if last is not None and _holds_build(settings.analyst_db, last["metadata"].get("build_id")):
            context.log.info(f"nothing changed: {settings.analyst_db} still holds this build")
            return dg.MaterializeResult(
                metadata={**last["metadata"], "unchanged_since": str(last["finished_at"])}
            )
        build_state.forget(con, step)
    stats = context.instance.get_run_stats(context.run.run_id)
    started = dt.datetime.fromtimestamp(stats.start_time) if stats.start_time else None
    with warehouse.connect() as con:
        sources = [
            dict(
                zip(
                    (
                        "extract",
                        "source_file",
                        "content_sha256",
                        "rows_read",
                        "rows_loaded",
                        "rows_rejected",
                        "rows_blank",
                    ),
                    row,
                    strict=True,
                )
            )  # fmt: skip
            for row in con.execute(
                """
                select extract, source_file, content_sha256, rows_read, rows_loaded,
                    rows_rejected, rows_blank
                from audit.ingest_log
                qualify row_number() over (partition by extract order by loaded_at desc) = 1
                order by extract
                """
            ).fetchall()
        ]
        summary = con.execute("select summary_json from audit.dbt_build_summary").fetchone()
    info = BuildInfo(
        build_id=context.run.run_id,
        started_at=started or dt.datetime.now(),
        finished_at=dt.datetime.now().replace(microsecond=0),
        source_dir=str(settings.source_dir),
        sources=sources,
        dbt_summary=json.loads(summary[0]) if summary else {},
        data_as_at_setting=settings.data_as_at,
        data_from_setting=settings.data_from,
    )
    checksums = publish(settings.warehouse, settings.analyst_db, info)
    metadata = {
        "path": str(settings.analyst_db),
        "build_id": info.build_id,
        "tables": len(checksums),
        "kpi_values_checksum": checksums.get("marts.kpi_values", ""),
    }
    with warehouse.connect() as con:
        build_state.record_success(con, step, inputs, context.run.run_id, metadata)
    return dg.MaterializeResult(
        metadata={
            **metadata,
            "path": dg.MetadataValue.path(str(settings.analyst_db)),
            "unchanged_since": "no: published now",
        }
    )


def _holds_build(analyst_db, build_id) -> bool:
    """The published file is there and is the build recorded (not replaced or removed since)."""
    import duckdb

    if not build_id or not analyst_db.exists():
        return False
    try:
        con = duckdb.connect(str(analyst_db), read_only=True)
        try:
            return con.execute("select build_id from meta.build_info").fetchone()[0] == build_id
        finally:
            con.close()
    except Exception:  # noqa: BLE001 - damaged or foreign: publish again
        return False
