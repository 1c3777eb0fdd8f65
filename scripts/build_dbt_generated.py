"""Write what dbt needs from the extract contract (orchestration/extracts.py) and the KPI
registry (seeds/kpi_catalogue.csv): dbt_project/models/staging/csc/_csc__sources.yml,
dbt_project/macros/extract_contract.sql and dbt_project/macros/kpi_registry.sql, and the column
descriptions of dbt_project/models/staging/csc/_csc__models.yml; or check that the committed
files are up to date (--check)."""

from __future__ import annotations

import argparse
import sys

from seed_output import write_or_check

from orchestration.dbt_generated import (
    CONTRACT_MACRO,
    REGISTRY_MACRO,
    SOURCES_YAML,
    STAGING_YAML,
    render,
    render_macro,
    render_registry_macro,
    render_staging_descriptions,
)
from orchestration.extracts import EXTRACTS
from orchestration.registry import load_registry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if the file is out of date")
    args = parser.parse_args(argv)
    outputs = [
        (SOURCES_YAML, render(), len(EXTRACTS)),
        (CONTRACT_MACRO, render_macro(), len(EXTRACTS)),
        (REGISTRY_MACRO, render_registry_macro(), len(load_registry())),
        (
            STAGING_YAML,
            render_staging_descriptions(STAGING_YAML.read_text(encoding="utf-8")),
            len(EXTRACTS),
        ),
    ]
    statuses = [write_or_check(path, text, n, args.check, __file__) for path, text, n in outputs]
    return max(statuses)


if __name__ == "__main__":
    sys.exit(main())
