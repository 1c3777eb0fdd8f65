"""A sensor that starts a build when the source extracts change.

It hashes every extract file in CSC_SOURCE_DIR (rehashing only files whose size or modification
time moved, remembered in the cursor) and requests a `build_everything` run keyed by the hash of
all of them: unchanged files never rerun (Dagster drops a repeated run key), and while a build is
queued or running it waits, so requests do not pile up.
"""

from __future__ import annotations

import hashlib
import json

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


def extract_fingerprints(source_dir, known: dict) -> dict:
    """{file name: [size, mtime_ns, sha256]} for the extract files in the folder."""
    fingerprints = {}
    if not source_dir.is_dir():
        return fingerprints
    for path in sorted(source_dir.iterdir()):
        if not (path.is_file() and path.suffix.lower() in SUFFIXES):
            continue
        if path.stem.lower() not in EXTRACTS_BY_NAME:
            continue
        stat = path.stat()
        previous = known.get(path.name)
        if previous and previous[:2] == [stat.st_size, stat.st_mtime_ns]:
            fingerprints[path.name] = previous
        else:
            fingerprints[path.name] = [stat.st_size, stat.st_mtime_ns, file_sha256(path)]
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
        description="Starts a build when an extract file in CSC_SOURCE_DIR changes.",
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
