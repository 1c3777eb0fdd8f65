"""`make docs`: dbt's documentation site as one static file, docs/site/index.html - the data
dictionary (every source, model, column and test, with the lineage graph and the column types
and row counts of the warehouse the last build left) that analysts open without a server.

dbt reads the working warehouse for the column types, so this takes the build lock first: it
never runs while a build writes the database, and a build waits for it (seconds).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from orchestration.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR, REPO_ROOT, load_settings
from orchestration.warehouse import BuildLock, BuildLockTimeout

SITE = REPO_ROOT / "docs" / "site" / "index.html"


def main() -> int:
    settings = load_settings()
    if not settings.warehouse.exists():
        print(
            f"No warehouse at {settings.warehouse}: run `make run` first, so the data dictionary "
            "has the tables' columns and row counts.",
            file=sys.stderr,
        )
        return 2
    lock = BuildLock(settings.warehouse)
    try:
        lock.acquire(float(os.environ.get("CSC_BUILD_LOCK_TIMEOUT") or 600))
    except BuildLockTimeout as exc:
        print(str(exc), file=sys.stderr)
        return 1
    target = DBT_PROJECT_DIR / "target" / "docs"
    try:
        completed = subprocess.run(
            [
                str(DBT_EXECUTABLE),
                "docs",
                "generate",
                "--static",
                "--quiet",
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
                "--target-path",
                str(target),
                "--vars",
                json.dumps(settings.dbt_vars()),
            ],  # fmt: skip
            env={**os.environ, "CSC_WAREHOUSE": str(settings.warehouse)},
            capture_output=True,
            text=True,
        )
    finally:
        lock.release()
    if completed.returncode != 0:
        print("dbt docs generate failed:", file=sys.stderr)
        print((completed.stdout + completed.stderr)[-3000:], file=sys.stderr)
        return 1
    SITE.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(target / "static_index.html", SITE)
    print(f"Data dictionary: {SITE} (open it in a browser; no server needed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
