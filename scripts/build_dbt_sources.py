"""Write the dbt side of the extract contract (dbt_project/models/staging/csc/_csc__sources.yml
and dbt_project/macros/extract_contract.sql) from orchestration/extracts.py, or check that the
committed files are up to date (--check)."""

from __future__ import annotations

import argparse
import sys

from seed_output import write_or_check

from orchestration.dbt_sources import CONTRACT_MACRO, SOURCES_YAML, render, render_macro
from orchestration.extracts import EXTRACTS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if the file is out of date")
    args = parser.parse_args(argv)
    status = write_or_check(SOURCES_YAML, render(), len(EXTRACTS), args.check, __file__)
    return status or write_or_check(
        CONTRACT_MACRO, render_macro(), len(EXTRACTS), args.check, __file__
    )


if __name__ == "__main__":
    sys.exit(main())
