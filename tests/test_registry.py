"""The KPI registry (seeds/kpi_catalogue.csv) is the one list of KPIs: every entry has its dbt
model, that model's documentation and a page; every KPI model has an entry; and no other file
writes the list of KPI ids out again."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from orchestration.registry import load_registry

REPO = Path(__file__).resolve().parent.parent
KPI_MODELS = REPO / "dbt_project" / "models" / "marts" / "kpi"
GENERATED_OR_REGISTRY = {
    REPO / "seeds" / "kpi_catalogue.csv",
    REPO / "dbt_project" / "macros" / "kpi_registry.sql",
}


@pytest.fixture(scope="module")
def manifest() -> dict:
    from orchestration.prepare import prepare_dbt_manifest

    prepare_dbt_manifest()
    path = REPO / "dbt_project" / "target" / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _models(manifest: dict) -> dict[str, dict]:
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
    }


def test_every_entry_has_its_model_documented(manifest):
    models = _models(manifest)
    for kpi in load_registry():
        assert kpi.model in models, f"{kpi.kpi_id}: no model {kpi.model}"
        node = models[kpi.model]
        # One model per KPI id: the model's name starts with the id, and it lives with the KPIs.
        assert kpi.model == kpi.kpi_id or kpi.model.startswith(kpi.kpi_id + "_"), kpi.kpi_id
        assert node["original_file_path"].startswith("models/marts/kpi/"), kpi.model
        assert kpi.kpi_id in node["description"], f"{kpi.model}: its YAML description"


def test_every_kpi_model_has_an_entry():
    models = {p.stem for p in KPI_MODELS.glob("*.sql")}
    assert models == {k.model for k in load_registry()}


def test_every_entry_has_a_page():
    registry = load_registry()
    own_pages = {k.kpi_id for k in registry if k.row["page_order"]}
    with open(REPO / "seeds" / "report_pages.csv", encoding="utf-8") as handle:
        other_pages = {line.split(",")[1] for line in handle.read().splitlines()[1:]}
    for kpi in registry:
        assert kpi.report_page in own_pages | other_pages, kpi.kpi_id
    # A page of its own has a table: the standard layout (page_rows) or a model of its own.
    reporting = REPO / "dbt_project" / "models" / "reporting"
    for kpi in registry:
        if kpi.kpi_id not in own_pages:
            continue
        if kpi.page_table == "rpt_kpi_pages":
            assert kpi.page_rows and kpi.page_comparator and kpi.page_period_type, kpi.kpi_id
            assert kpi.page_period_type in kpi.windows, kpi.kpi_id
        else:
            assert (reporting / f"{kpi.page_table}.sql").exists(), kpi.kpi_id


def test_windows_and_exception_lists_are_consistent():
    for kpi in load_registry():
        assert kpi.headline_window in kpi.windows, kpi.kpi_id
        if kpi.exception_list:
            # "Counted against" needs a direction: high is good or low is good.
            assert kpi.unit == "percent" and kpi.polarity in ("high", "low"), kpi.kpi_id


def test_no_other_file_lists_the_kpi_ids():
    # Three or more quoted KPI ids on one line of code ('kpi_01', 'kpi_02', ...) is a list
    # written out again: the registry, or a file generated from it, is the only place for it.
    # (Prose that names a few KPIs is not a list.)
    ids = {k.kpi_id for k in load_registry()}
    names = "|".join(sorted(ids, key=len, reverse=True))
    pattern = re.compile(r"['\"](" + names + r")['\"]")
    offenders = []
    files = [
        *(REPO / "orchestration").rglob("*.py"),
        *(REPO / "dbt_project" / "models").rglob("*.sql"),
        *(REPO / "dbt_project" / "macros").rglob("*.sql"),
        *(REPO / "orchestration").rglob("*.j2"),
    ]
    for path in files:
        if path in GENERATED_OR_REGISTRY:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found = set(pattern.findall(line))
            if len(found) >= 3:
                offenders.append(f"{path.relative_to(REPO)}:{number}: {sorted(found)}")
    assert offenders == []


def test_dbt_tables_show_their_columns_and_row_counts_in_dagster(hand_fixture_build):
    import dagster as dg

    from tests.conftest import query

    result, warehouse = hand_fixture_build
    key = dg.AssetKey(["marts", "kpi_values"])
    (materialization,) = [
        m for m in result.get_asset_materialization_events() if m.asset_key == key
    ]
    metadata = materialization.materialization.metadata
    (rows,) = query(warehouse, "select count(*) from marts.kpi_values")[0]
    assert metadata["dagster/row_count"].value == rows
    columns = {c.name: c.type for c in metadata["dagster/column_schema"].value.columns}
    assert columns["kpi_id"] == "VARCHAR" and columns["value"] == "DOUBLE"


def test_make_docs_writes_the_data_dictionary(hand_fixture_warehouse, monkeypatch, tmp_path):
    from orchestration import docs_site

    monkeypatch.setenv("CSC_WAREHOUSE", str(hand_fixture_warehouse))
    monkeypatch.setattr(docs_site, "SITE", tmp_path / "index.html")
    assert docs_site.main() == 0
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    # One file with the manifest and the catalog inside: models, their descriptions and the
    # warehouse's column types.
    assert "kpi_01_referral_decisions" in page and "int_kpi_windows" in page
    assert "the registry" in page.lower()
