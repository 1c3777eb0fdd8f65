"""The Dagster code location: ingest assets, dbt assets with their tests as checks, the published
outputs (analyst database, exception lists, report pack), the job that materialises everything,
the nightly schedule and the source-file sensor. `make run` executes the same job; `make serve`
(and deploy/) runs the webserver and the daemon that fires the schedule and the sensors, among
them the notices of a failed or recovered build and of stale extracts (alert_sensors.py)."""

from __future__ import annotations

import dagster as dg

from orchestration.alert_sensors import (
    build_failure_sensor,
    build_recovery_sensor,
    build_stale_source_sensor,
)
from orchestration.assets.benchmarks import dfe_cin_benchmarks
from orchestration.assets.dbt import dbt_resource, warehouse_dbt_models
from orchestration.assets.exception_lists import exception_lists
from orchestration.assets.ingest import build_ingest_assets
from orchestration.assets.publish import analyst_database
from orchestration.assets.report_pack import kpi_pack
from orchestration.assets.returns import source_files, statutory_returns
from orchestration.housekeeping import prune_run_history, prune_schedule
from orchestration.pipeline_settings import PipelineSettings
from orchestration.sensors import build_source_sensor
from orchestration.settings import SCHEDULE_TIMEZONE, nightly_cron
from orchestration.warehouse import WarehouseResource

BUILD_JOB_NAME = "build_everything"
SETTINGS = PipelineSettings.configure_at_launch()

build_everything = dg.define_asset_job(
    BUILD_JOB_NAME,
    selection=dg.AssetSelection.all(),
    description=(
        "Ingest every extract, then dbt build (models and tests), then publish: analyst "
        "database, exception lists and the report pack."
    ),
)

nightly = dg.ScheduleDefinition(
    name="nightly_build",
    job=build_everything,
    # 02:00 unless CSC_NIGHTLY_CRON says otherwise; read when the webserver and daemon load the
    # definitions (the service tests fire it every minute).
    cron_schedule=nightly_cron(),
    execution_timezone=SCHEDULE_TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)

defs = dg.Definitions(
    assets=[
        statutory_returns,
        *build_ingest_assets(),
        source_files,
        dfe_cin_benchmarks,
        warehouse_dbt_models,
        analyst_database,
        exception_lists,
        kpi_pack,
    ],
    jobs=[build_everything, prune_run_history],
    schedules=[nightly, prune_schedule],
    sensors=[
        build_source_sensor(build_everything),
        build_failure_sensor([build_everything, prune_run_history]),
        build_recovery_sensor(build_everything),
        build_stale_source_sensor(),
    ],
    # One settings resource, read by every step and by the warehouse resource; the UI shows its
    # fields and a launched run may set them (orchestration/pipeline_settings.py).
    resources={
        "settings": SETTINGS,
        "warehouse": WarehouseResource(settings=SETTINGS),
        "dbt": dbt_resource(),
    },
    # One process per run: steps run one after another, so no two steps of a run ever hold the
    # DuckDB write lock together.
    executor=dg.in_process_executor,
)
