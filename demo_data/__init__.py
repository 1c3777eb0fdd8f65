"""Synthetic source extracts for the warehouse: every extract of the source contract, consistent
across tables, with volumes and KPI values near the reference report's (December 2018).

`generate(out_dir, ...)` writes them; `csc-demo-data` / `python -m demo_data` is
the command line. All data is invented.
"""

from .generator import generate

__all__ = ["generate"]
