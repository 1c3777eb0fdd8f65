"""The working DuckDB database, opened from the one setting every step shares (CSC_WAREHOUSE)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb

from orchestration.settings import load_settings


class WarehouseResource(dg.ConfigurableResource):
    """Opens the working database for a step. The path is resolved when the step runs, so the
    nightly schedule, `dagster dev` and `make run` use the environment of the moment."""

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        path = load_settings().warehouse
        path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path))
        try:
            yield con
        finally:
            con.close()
