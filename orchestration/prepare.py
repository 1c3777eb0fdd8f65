"""Build the dbt manifest that the Dagster definitions load (`dbt parse`).

`dagster dev` rebuilds it on load (DbtProject.prepare_if_dev); `make run` and the tests call this
before importing `orchestration.definitions`, with the venv's own dbt so PATH does not matter.
"""

from __future__ import annotations

from dagster_dbt import DbtCliResource, DbtProject

from orchestration.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR


def prepare_dbt_manifest() -> None:
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
    dbt = DbtCliResource(
        project_dir=project, profiles_dir=DBT_PROJECT_DIR, dbt_executable=str(DBT_EXECUTABLE)
    )
    dbt.cli(["parse", "--quiet"], target_path=project.target_path).wait()


if __name__ == "__main__":
    prepare_dbt_manifest()
