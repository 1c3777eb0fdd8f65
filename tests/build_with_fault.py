"""The real build (`python -m orchestration.run`) that stops at a named point and waits to be
killed: `python tests/build_with_fault.py POINT MARKER`. On reaching POINT it writes POINT to
the file MARKER and sleeps, so tests/test_faults.py can SIGKILL it at a known moment.

Points: `ingest:<extract>` (just after that extract is loaded into the working database) and
`publish:before-rename` (the new analyst database is complete on disk, not yet renamed over
the old one). The hooks are installed here, by wrapping the functions those steps call, so the
pipeline itself carries no fault-injection code.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _stop_here(point: str, marker: str) -> None:
    Path(marker).write_text(point)
    time.sleep(3600)


def install(point: str, marker: str) -> None:
    kind, _, name = point.partition(":")
    if kind == "ingest":
        from orchestration.assets import ingest

        load_extract = ingest.load_extract

        def load_then_stop(con, extract, *args, **kwargs):
            result = load_extract(con, extract, *args, **kwargs)
            if extract.name == name:
                _stop_here(point, marker)
            return result

        ingest.load_extract = load_then_stop
    elif point == "publish:before-rename":
        from orchestration import publish

        replace_published = publish.replace_published

        def stop_then_replace(temporary, analyst_db):
            _stop_here(point, marker)
            replace_published(temporary, analyst_db)

        publish.replace_published = stop_then_replace
    else:
        raise SystemExit(f"unknown fault point {point!r}")


if __name__ == "__main__":
    install(sys.argv[1], sys.argv[2])
    from orchestration.run import main

    sys.exit(main())
