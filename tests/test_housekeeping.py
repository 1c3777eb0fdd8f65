"""Run history that does not grow forever (orchestration/housekeeping.py): finished runs older
than CSC_RUN_HISTORY_DAYS go with their event logs, step logs and notices; the latest successful
build stays whatever its age; nothing is deleted when the setting is 0."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import dagster as dg
import pytest

from orchestration.housekeeping import prune_history, prune_run_history
from orchestration.settings import REPO_ROOT


@pytest.fixture
def instance(tmp_path, monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO_ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.from_config(str(home)) as instance:
        yield instance


def _run(instance, job_name: str, fails: bool = False) -> str:
    @dg.asset(name=f"step_{job_name}")
    def step():
        print("a line of step output, kept in the step logs")
        if fails:
            raise dg.Failure(description="broken on purpose")

    job = dg.define_asset_job(job_name)
    defs = dg.Definitions(assets=[step], jobs=[job])
    result = defs.resolve_job_def(job_name).execute_in_process(
        instance=instance, raise_on_error=False
    )
    return result.run_id


def _files_of(instance, run_id: str) -> list[str]:
    home = instance.root_directory
    return [
        path
        for path in (
            os.path.join(home, "history", "runs", f"{run_id}.db"),
            os.path.join(home, "storage", run_id, "compute_logs"),
        )
        if os.path.exists(path)
    ]


def test_old_runs_go_with_their_logs_and_the_latest_good_build_stays(instance, tmp_path):
    earlier_build = _run(instance, "build_everything")
    good_build = _run(instance, "build_everything")
    failed_build = _run(instance, "build_everything", fails=True)
    other = _run(instance, "prune_run_history_lookalike")
    for run_id in (earlier_build, good_build, failed_build, other):
        assert len(_files_of(instance, run_id)) == 2, "each run has an event log and step logs"
    notices = tmp_path / "notices"
    notices.mkdir()
    old_notice, new_notice = notices / "old-failure.txt", notices / "new-failure.txt"
    old_notice.write_text("old")
    new_notice.write_text("new")
    forty_days_ago = (dt.datetime.now() - dt.timedelta(days=40)).timestamp()
    os.utime(old_notice, (forty_days_ago, forty_days_ago))

    # Nothing is older than 30 days yet: nothing goes but the 40-day-old notice.
    counts = prune_history(instance, 30, "build_everything", notices_dir=notices)
    assert counts == {"runs_deleted": 0, "notices_deleted": 1}
    assert not old_notice.exists() and new_notice.exists()
    assert len(instance.get_run_records()) == 4
    key = dg.AssetKey("step_build_everything")
    assert len(instance.fetch_materializations(key, limit=10).records) == 2

    # 31 days on, every run is old; the latest successful build is kept.
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=31)
    counts = prune_history(instance, 30, "build_everything", now=later, notices_dir=notices)
    assert counts == {"runs_deleted": 3, "notices_deleted": 1}
    assert [r.dagster_run.run_id for r in instance.get_run_records()] == [good_build]
    assert len(_files_of(instance, good_build)) == 2
    for run_id in (earlier_build, failed_build, other):
        assert instance.get_run_by_id(run_id) is None
        assert _files_of(instance, run_id) == []
    # The asset catalogue (the event index) forgets the deleted runs too.
    [materialization] = instance.fetch_materializations(key, limit=10).records
    assert materialization.run_id == good_build


def test_zero_days_keeps_everything(instance):
    run_id = _run(instance, "build_everything", fails=True)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=3650)
    assert prune_history(instance, 0, "build_everything", now=later)["runs_deleted"] == 0
    assert instance.get_run_by_id(run_id) is not None


def test_the_prune_job_reads_its_setting_and_keeps_its_own_run(instance, monkeypatch):
    old = _run(instance, "build_everything", fails=True)
    monkeypatch.setenv("CSC_RUN_HISTORY_DAYS", "1")
    # Make the failed build two days old in the run storage's eyes.
    record = instance.get_run_record_by_id(old)
    two_days_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    instance.run_storage.delete_run(old)
    instance.run_storage.add_historical_run(record.dagster_run, two_days_ago)
    result = prune_run_history.execute_in_process(instance=instance)
    assert result.success
    assert instance.get_run_by_id(old) is None
    assert instance.get_run_by_id(result.run_id) is not None
    messages = [e.message for e in instance.all_logs(result.run_id) if e.message]
    assert any("deleted 1 runs" in m for m in messages)
