"""The source sensor: a run per change of extract content, none for unchanged files, none while
a build is queued or running."""

from __future__ import annotations

import os

import dagster as dg
import pytest

from orchestration.sensors import build_source_sensor

HEADER = "cont_contact_id,cont_person_id,cont_contact_date\n"


@pytest.fixture
def sensor_env(tmp_path, monkeypatch):
    source = tmp_path / "extracts"
    source.mkdir()
    monkeypatch.setenv("CSC_SOURCE_DIR", str(source))
    job = dg.define_asset_job("build_everything")
    defs = dg.Definitions(
        assets=[dg.AssetSpec("placeholder")], jobs=[job], sensors=[build_source_sensor(job)]
    )
    return source, defs.get_sensor_def("source_extracts_changed")


def evaluate(sensor, instance, cursor):
    context = dg.build_sensor_context(instance=instance, cursor=cursor)
    result = sensor.evaluate_tick(context)
    return result, result.cursor


def test_a_run_per_content_change_and_none_for_unchanged_files(sensor_env):
    source, sensor = sensor_env
    with dg.DagsterInstance.ephemeral() as instance:
        result, cursor = evaluate(sensor, instance, None)
        assert not result.run_requests and "no extract files" in result.skip_message

        (source / "ssd_contacts.csv").write_text(HEADER + "C1,P1,2018-01-02\n")
        (source / "notes.txt").write_text("not an extract")
        result, cursor = evaluate(sensor, instance, cursor)
        [first] = result.run_requests
        assert len(first.run_key) == 64

        # Touched but unchanged content: same hash, no new run.
        os.utime(source / "ssd_contacts.csv", ns=(1, 1))
        result, cursor = evaluate(sensor, instance, cursor)
        assert not result.run_requests and "no extract has changed" in result.skip_message

        (source / "ssd_contacts.csv").write_text(HEADER + "C1,P1,2018-01-03\n")
        result, cursor = evaluate(sensor, instance, cursor)
        [second] = result.run_requests
        assert second.run_key != first.run_key


def test_no_request_while_a_build_is_running(sensor_env):
    source, sensor = sensor_env
    (source / "ssd_contacts.csv").write_text(HEADER + "C1,P1,2018-01-02\n")
    with dg.DagsterInstance.ephemeral() as instance:
        run = instance.create_run_for_job(
            dg.Definitions(
                assets=[dg.AssetSpec("placeholder")],
                jobs=[dg.define_asset_job("build_everything")],
            ).resolve_job_def("build_everything"),
            status=dg.DagsterRunStatus.STARTED,
        )
        assert run.status == dg.DagsterRunStatus.STARTED
        result, cursor = evaluate(sensor, instance, None)
        assert not result.run_requests and "queued or running" in result.skip_message
        # Nothing was remembered, so the change is requested once the build has finished.
        instance.report_run_failed(run)
        result, _ = evaluate(sensor, instance, cursor)
        assert len(result.run_requests) == 1


def test_a_statutory_return_in_a_year_folder_starts_a_build(sensor_env):
    # Returns are recognised by content, so any CSV, workbook or XML in the folder or a folder
    # in it counts (an SSDA903 year's tables go in a folder of their own); other files do not.
    source, sensor = sensor_env
    with dg.DagsterInstance.ephemeral() as instance:
        (source / "readme.txt").write_text("not a source")
        result, cursor = evaluate(sensor, instance, None)
        assert not result.run_requests
        (source / "2017-18").mkdir()
        (source / "2017-18" / "episodes.csv").write_text("CHILD,DECOM\n1,01/05/2017\n")
        result, cursor = evaluate(sensor, instance, cursor)
        assert len(result.run_requests) == 1
        (source / "cin_census.xml").write_text("<Message/>")
        result, cursor = evaluate(sensor, instance, cursor)
        assert len(result.run_requests) == 1
