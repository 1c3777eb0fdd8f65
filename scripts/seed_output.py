"""Writing a generated seed CSV, or checking that the committed one is up to date (--check).
Shared by the seed build scripts in this folder."""

from __future__ import annotations

import sys
from pathlib import Path


def write_or_check(out: Path, text: str, rows: int, check: bool, script: str) -> int:
    """Exit status: 0 written or up to date, 1 when --check finds the file out of date."""
    if check:
        current = out.read_text(encoding="utf-8") if out.exists() else None
        if current != text:
            print(f"{out} is out of date; run {Path(script).name}", file=sys.stderr)
            return 1
        print(f"{out} is up to date")
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8", newline="")
    print(f"wrote {out} ({rows} rows)")
    return 0
