"""Checks made before a build does any work: every setting, the source folder and every folder the
build writes to. A bad setting then fails in seconds with its cause, instead of after the ingest
and dbt have run (a read-only export folder used to fail the last step, a minute in, with a
generic message).

`make run` calls `check_before_build` before starting Dagster; the warehouse resource calls it
again when any run starts (the nightly schedule, the sensor, `make dev`), before taking the build
lock, so no step of a run with a bad setting starts.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from orchestration.extracts import EXTRACTS_BY_NAME
from orchestration.ingest.readers import SUFFIXES
from orchestration.settings import SettingError, Settings, build_lock_timeout, load_settings


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _folder_problem(variable: str, folder: Path) -> str | None:
    """Why the build could not create or write `folder` (None if it can): tried, not guessed from
    mode bits, so read-only mounts and missing permissions are both caught."""
    existing = _nearest_existing(folder)
    if not existing.is_dir():
        return f"{variable}: cannot create {folder}: {existing} is a file, not a folder"
    try:
        handle, probe = tempfile.mkstemp(prefix=".csc-write-check-", dir=existing)
    except OSError as exc:
        what = "" if existing == folder else f" (to create {folder})"
        return f"{variable}: cannot write in {existing}{what}: {exc.strerror}"
    os.close(handle)
    os.unlink(probe)
    return None


def _file_problem(variable: str, path: Path) -> str | None:
    if path.is_dir():
        return f"{variable}: {path} is a folder, not a database file"
    if path.exists():
        try:
            with open(path, "r+b"):
                pass
        except OSError as exc:
            return f"{variable}: cannot write {path}: {exc.strerror}"
    return _folder_problem(variable, path.parent)


def _source_problem(settings: Settings) -> str | None:
    folder = settings.source_dir
    if not folder.exists():
        return f"CSC_SOURCE_DIR: {folder} does not exist"
    if not folder.is_dir():
        return f"CSC_SOURCE_DIR: {folder} is not a folder"
    try:
        names = [p.name for p in folder.iterdir()]
    except OSError as exc:
        return f"CSC_SOURCE_DIR: cannot read {folder}: {exc.strerror}"
    extracts = [
        n for n in names if Path(n).suffix.lower() in SUFFIXES and Path(n).stem.lower() in
        EXTRACTS_BY_NAME
    ]  # fmt: skip
    if not extracts and not _may_hold_returns(folder):
        hint = " (`make demo-data` generates the demo extracts)" if settings.demo else ""
        return (
            f"CSC_SOURCE_DIR: {folder} holds no extract file (such as ssd_person.csv or "
            f"ssd_contacts.xlsx) and no file a statutory return could be in (.csv, .xml or "
            f".xlsx, in it or in a folder in it): nothing to build{hint}"
        )
    return None


def _may_hold_returns(folder: Path) -> bool:
    """Whether any file could be a statutory return (what it is, the build reads from its
    content: orchestration/returns/recognise.py); links are not followed."""
    for _top, _dirs, files in os.walk(folder, followlinks=False):
        if any(Path(f).suffix.lower() in (".csv", ".xml", ".xlsx") for f in files):
            return True
    return False


def check_before_build(settings: Settings | None = None) -> Settings:
    """The settings, checked; raises SettingError listing every problem, each naming its
    variable, in one line."""
    settings = settings or load_settings()
    build_lock_timeout()
    problems = [
        _source_problem(settings),
        _file_problem("CSC_WAREHOUSE", settings.warehouse),
        _file_problem("CSC_ANALYST_DB", settings.analyst_db),
        _file_problem("CSC_HISTORY_DB", settings.history_db),
        _folder_problem("CSC_EXPORT_DIR", settings.export_dir),
        _folder_problem("CSC_RESTRICTED_DIR", settings.restricted_dir),
    ]
    commentary = os.environ.get("CSC_COMMENTARY_DIR")
    if commentary:
        from orchestration.report_pack.config import commentary_dirs

        folder = commentary_dirs(settings)[0]
        if not folder.is_dir():
            problems.append(f"CSC_COMMENTARY_DIR: {folder} is not a folder")
    problems = [p for p in problems if p]
    if problems:
        raise SettingError("; ".join(problems))
    return settings
