"""`csc-demo-data`: write synthetic source extracts for the warehouse (all data is invented)."""

from __future__ import annotations

import argparse
import sys
import time

from .generator import FAULTS_FILE, ArgumentError, generate
from .writer import FORMATS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="csc-demo-data",
        description="Write one synthetic file per source extract (Standard Safeguarding Dataset "
        "layout plus ext_ extracts), with volumes and KPI values near a large city's.",
    )
    parser.add_argument("--out", required=True, help="folder to write the extracts to")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--months", type=int, default=60, help="months of history (default 60)")
    parser.add_argument("--end", default="2018-12", help="last month, YYYY-MM (default 2018-12)")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="volume multiplier (1.0 = ~288,000 children)"
    )
    parser.add_argument(
        "--dirty",
        type=float,
        default=0.0,
        metavar="RATE",
        help=f"inject faults into about RATE of each extract's rows, listed in {FAULTS_FILE}",
    )
    parser.add_argument(
        "--as-at",
        metavar="YYYY-MM-DD",
        help="write the extracts as they stood on this date: records and end dates keyed "
        "after it are absent (default: the end of the last month)",
    )
    parser.add_argument("--format", choices=FORMATS, default="csv", dest="fmt")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    started = time.perf_counter()
    try:
        rows = generate(
            args.out,
            seed=args.seed,
            months=args.months,
            end=args.end,
            scale=args.scale,
            dirty=args.dirty,
            fmt=args.fmt,
            progress=not args.quiet,
            as_at=args.as_at,
        )
    except ArgumentError as exc:
        print(f"csc-demo-data: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        for name, count in rows.items():
            print(f"  {name:28} {count:>9,} rows")
        took = time.perf_counter() - started
        print(f"Wrote {len(rows)} extracts to {args.out} in {took:.1f}s (synthetic data).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
