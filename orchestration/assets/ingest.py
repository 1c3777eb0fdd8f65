"""One Dagster asset per source extract: read, validate and load it into `raw.<extract>`.

The extract comes from its SSD extract file (`<extract>.csv`, `.xlsx` or `.parquet`) when there is
one, else from the statutory returns staged by the `returns/statutory_returns` asset (through the
same validation). Where both supply it, the SSD extract is loaded and the differences go to
`audit.source_reconciliation` (orchestration/returns/reconcile.py).

A file identical to the one its raw table was last loaded from, by the same ingest rules, is not
read again (orchestration/build_state.py has the whole rule): the asset reports "unchanged
since" that load."""

import datetime as dt

import dagster as dg

from orchestration.extracts import EXTRACTS, Extract
from orchestration.ingest.load import load_extract
from orchestration.ingest.readers import ExtractFileError, find_extract_file
from orchestration.pipeline_settings import PipelineSettings
from orchestration.warehouse import WarehouseResource


def _ingest_asset(extract: Extract) -> dg.AssetsDefinition:
    key = dg.AssetKey(["raw", extract.name])

    @dg.asset(
        key=key,
        deps=[dg.AssetKey(["returns", "statutory_returns"])],
        group_name="ingest",
        kinds={"duckdb", "pandera"},
        description=(
            f"{extract.grain.capitalize()}: `{extract.name}` from CSC_SOURCE_DIR (its SSD "
            "extract, else the statutory returns), validated against the source contract. Clean "
            "rows in raw, rejected rows in audit.rejected_rows."
        ),
        check_specs=[
            dg.AssetCheckSpec(
                "rows_accounted_for",
                asset=key,
                description="loaded + rejected + blank = read, and raw and audit hold exactly that",
            )
        ],
    )
    def ingest(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource, settings: PipelineSettings
    ):
        run_settings = settings.load()
        loaded_at = dt.datetime.now().replace(microsecond=0)
        with warehouse.connect() as con:
            try:
                result = _load(con, extract, run_settings.source_dir, loaded_at, warehouse)
            except ExtractFileError as exc:
                # The whole file is unusable: fail this extract only, with the file and column
                # named; the other extracts' assets still run.
                raise dg.Failure(
                    description=str(exc),
                    metadata={"source_file": exc.path.name, "column": exc.column or ""},
                    allow_retries=False,
                ) from None
            in_raw = con.execute(f"select count(*) from raw.{extract.name}").fetchone()[0]
            # Rows of several files (the returns) are told apart by file and place in it.
            in_audit = con.execute(
                "select count(distinct (source_file, source_ref, source_row)) "
                "from audit.rejected_rows where extract = ?",
                [extract.name],
            ).fetchone()[0]
        if result.unchanged_since is not None:
            context.log.info(
                f"{extract.name}: {result.source_file} unchanged since {result.unchanged_since}: "
                "not read again"
            )
        for warning in result.warnings:
            context.log.warning(warning)
        if result.rejected:
            context.log.warning(
                f"{extract.name}: {result.rejected} rows rejected (see audit.rejected_rows)"
            )
        yield dg.MaterializeResult(
            metadata={
                "source_file": result.source_file or "(missing: loaded as empty)",
                "rows_read": result.read,
                "rows_loaded": result.loaded,
                "rows_rejected": result.rejected,
                "rows_blank": result.blank,
                "dagster/row_count": result.loaded,
                "unchanged_since": str(result.unchanged_since or "no: loaded now"),
            },
            data_version=dg.DataVersion(result.content_sha256 or "missing"),
        )
        yield dg.AssetCheckResult(
            check_name="rows_accounted_for",
            passed=result.balanced and in_raw == result.loaded and in_audit == result.rejected,
            metadata={"in_raw": in_raw, "rejected_in_audit": in_audit},
        )

    return ingest


def _load(con, extract: Extract, source_dir, loaded_at, warehouse: WarehouseResource):
    """The SSD extract file when there is one (then compared with the returns' rows of the same
    extract, if any), else the returns' rows; neither: loaded as empty."""
    from orchestration.returns import reconcile
    from orchestration.returns import warehouse as returns

    in_returns = returns.returns_rows(con, extract.name)
    path, _ = find_extract_file(source_dir, extract.name)
    if path is None and in_returns:
        result = returns.load_from_returns(
            con, extract, source_dir, loaded_at, collect_rejections=False
        )
        reconcile.reconcile(con, extract, None)
        return result
    try:
        result = load_extract(
            con,
            extract,
            source_dir,
            loaded_at,
            collect_rejections=False,
            # After a failed or killed build, or with CSC_FULL_REBUILD, every file loads.
            skip_unchanged=warehouse.may_skip_unchanged,
        )
    except ExtractFileError:
        returns.record_supplier(con, extract.name, None, [])
        raise
    files = [result.source_file] if result.source_file else []
    returns.record_supplier(con, extract.name, returns.SSD if files else None, files)
    table = f"{returns.SCHEMA}.{extract.name}" if in_returns and files else None
    found = reconcile.reconcile(con, extract, table)
    if found:
        result.warnings.append(
            f"{extract.name}: the SSD extract is loaded; the statutory returns supply it too and "
            f"differ on {found} records or values (audit.source_reconciliation)"
        )
    return result


def ingest_asset_keys() -> list[dg.AssetKey]:
    return [dg.AssetKey(["raw", extract.name]) for extract in EXTRACTS]


def build_ingest_assets() -> list[dg.AssetsDefinition]:
    return [_ingest_asset(extract) for extract in EXTRACTS]
