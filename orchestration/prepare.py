"""Build the dbt manifest the Dagster definitions load (`dbt parse`), before anything imports
`orchestration.definitions`. `dagster dev` would do it on load; scripted runs and tests call this."""

from __future__ import annotations

import sys

from dagster_dbt import DbtProject

from orchestration.settings import DBT_PROJECT_DIR


def prepare_dbt_manifest() -> None:
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
    project.preparer.prepare(project)


if __name__ == "__main__":
    prepare_dbt_manifest()
    sys.exit(0)
