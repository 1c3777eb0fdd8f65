"""A sensor that starts a build when the source extracts change.

It hashes every extract file in CSC_SOURCE_DIR, and every file a statutory return could be in
(.csv, .xlsx, .xml, in the folder or a folder in it: the build recognises returns by content,
not by name), rehashing only files whose size or modification time moved (remembered in the
cursor), and requests a `build_everything` run keyed by the hash of
all of them: unchanged files never rerun (Dagster drops a repeated run key), and while a build is
queued or running it waits, so requests do not pile up.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import dagster as dg

from orchestration.extracts import EXTRACTS_BY_NAME
from orchestration.ingest.load import file_sha256
from orchestration.ingest.readers import SUFFIXES
from orchestration.settings import load_settings

ACTIVE = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


_RETURN_SUFFIXES = (".csv", ".xlsx", ".xml")


def _source_files(source_dir: Path) -> list[tuple[str, Path]]:
    """(name relative to the folder, path) of the extract files and the possible returns; links
    are not followed."""
    found = []
    for top, _dirs, files in os.walk(source_dir, followlinks=False):
        for name in files:
            path = Path(top) / name
            suffix = path.suffix.lower()
            extract = (
                path.parent == source_dir
                and suffix in SUFFIXES
                and (path.stem.lower() in EXTRACTS_BY_NAME)
            )
            if (extract or suffix in _RETURN_SUFFIXES) and path.is_file() and not path.is_symlink():
                found.append((path.relative_to(source_dir).as_posix(), path))
    return sorted(found)


def extract_fingerprints(source_dir, known: dict) -> dict:
    """{file name: [size, mtime_ns, sha256]} for the extract files and possible returns."""
    fingerprints = {}
    if not source_dir.is_dir():
        return fingerprints
    for name, path in _source_files(source_dir):
        stat = path.stat()
        previous = known.get(name)
        if previous and previous[:2] == [stat.st_size, stat.st_mtime_ns]:
            fingerprints[name] = previous
        else:
            fingerprints[name] = [stat.st_size, stat.st_mtime_ns, file_sha256(path)]
    return fingerprints


def combined_hash(fingerprints: dict) -> str:
    digest = hashlib.sha256()
    for name, (_, _, sha) in sorted(fingerprints.items()):
        digest.update(f"{name}\0{sha}\n".encode())
    return digest.hexdigest()


def build_source_sensor(job: dg.JobDefinition | dg.UnresolvedAssetJobDefinition):
    @dg.sensor(
        name="source_extracts_changed",
        job=job,
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=(
            "Starts a build when an extract file or a statutory return in CSC_SOURCE_DIR changes."
        ),
    )
    def source_extracts_changed(context: dg.SensorEvaluationContext):
        state = json.loads(context.cursor) if context.cursor else {"files": {}, "requested": None}
        fingerprints = extract_fingerprints(load_settings().source_dir, state["files"])
        if not fingerprints:
            return dg.SkipReason("no extract files in CSC_SOURCE_DIR")
        content = combined_hash(fingerprints)
        if content == state["requested"]:
            context.update_cursor(json.dumps({"files": fingerprints, "requested": content}))
            return dg.SkipReason("no extract has changed since the last request")
        active = context.instance.get_run_records(
            dg.RunsFilter(job_name=job.name, statuses=ACTIVE), limit=1
        )
        if active:
            # Ask again on a later tick, once the current build is done.
            return dg.SkipReason("a build is queued or running; will check again")
        context.update_cursor(json.dumps({"files": fingerprints, "requested": content}))
        return dg.RunRequest(run_key=content, tags={"csc/source_hash": content})

    return source_extracts_changed
