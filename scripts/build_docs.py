"""Write docs/kpi-definitions.md (from the KPI registry and the KPI models' YAML) and
docs/extract-contract.md (from orchestration/extracts.py), or check that the committed files are
up to date (--check)."""

from __future__ import annotations

import argparse
import sys

from seed_output import write_or_check

from orchestration.definitions_doc import (
    CONTRACT_MD,
    DEFINITIONS_MD,
    render_contract,
    render_definitions,
)
from orchestration.extracts import EXTRACTS
from orchestration.registry import load_registry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if a file is out of date")
    args = parser.parse_args(argv)
    outputs = [
        (DEFINITIONS_MD, render_definitions(), len(load_registry())),
        (CONTRACT_MD, render_contract(), len(EXTRACTS)),
    ]
    return max(write_or_check(p, text, n, args.check, __file__) for p, text, n in outputs)


if __name__ == "__main__":
    sys.exit(main())
