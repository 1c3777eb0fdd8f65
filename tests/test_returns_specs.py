"""The year specifications: every return has 2017-18 to 2025-26, the changes that affect the
mapping are where DfE made them, an unknown year is refused naming the years known, and a year
is added by adding a file."""

from __future__ import annotations

import shutil

import pytest

from orchestration.returns import year_specs
from orchestration.returns.year_specs import (
    RETURNS,
    UnknownYear,
    known_years,
    load_spec,
)

YEARS = tuple(f"{y}-{(y + 1) % 100:02d}" for y in range(2017, 2026))


@pytest.mark.parametrize("return_name", RETURNS)
def test_every_year_2017_18_to_2025_26(return_name):
    assert known_years(return_name) == YEARS
    for year in YEARS:
        spec = load_spec(return_name, year)
        assert spec.year == year and spec.date_formats


def test_ssda903_changes_by_year():
    def codes(year, table, field):
        return load_spec("ssda903", year).table(table)[field]["codes"]

    # sw_episodes from 2023-24.
    assert load_spec("ssda903", "2022-23").table("sw_episodes") is None
    assert load_spec("ssda903", "2023-24").table("sw_episodes") is not None
    # SEX 1/2 (as M/F) to 2023-24, M/F/U from 2024-25.
    assert codes("2023-24", "header", "SEX") == {"1": "M", "2": "F"}
    assert codes("2024-25", "header", "SEX") == {"M": "M", "F": "F", "U": "U"}
    # Placement codes: H5 and P2 go and K3 comes in 2024-25; Z11-Z14 in 2025-26.
    assert {"H5", "P2"} <= set(codes("2023-24", "episodes", "PLACE"))
    assert not {"H5", "P2"} & set(codes("2024-25", "episodes", "PLACE"))
    assert "K3" in codes("2024-25", "episodes", "PLACE")
    assert {"Z11", "Z12", "Z13", "Z14"} <= set(codes("2025-26", "episodes", "PLACE"))
    # E45-E48 replace E43/E44 in 2018-19.
    assert {"E43", "E44"} <= set(codes("2017-18", "episodes", "REC"))
    assert {"E45", "E48"} <= set(codes("2018-19", "episodes", "REC")) - {"E43", "E44"}


def test_cin_census_sex_from_2024_25():
    fields = load_spec("cin_census", "2024-25").record("child")["fields"]
    assert "ChildIdentifiers/Sex" in fields and "ChildIdentifiers/GenderCurrent" not in fields
    assert (
        "ChildIdentifiers/GenderCurrent"
        in load_spec("cin_census", "2023-24").record("child")["fields"]
    )


def test_unknown_year_names_the_years_known():
    with pytest.raises(UnknownYear) as caught:
        load_spec("ssda903", "2026-27")
    assert "2017-18, 2018-19, 2019-20" in str(caught.value) and "2025-26" in str(caught.value)


def test_adding_a_year_is_adding_a_file(tmp_path, monkeypatch):
    for name in RETURNS:
        shutil.copytree(year_specs.SPEC_DIR / name, tmp_path / name)
    (tmp_path / "ssda903" / "2026-27.yaml").write_text(
        "return: ssda903\nyear: 2026-27\nbased_on: 2025-26\nreference_date: 2027-03-31\n"
        'changes:\n  tables.episodes.PLACE: {kind: code, required: true, codes: ["Z99"]}\n'
    )
    monkeypatch.setattr(year_specs, "SPEC_DIR", tmp_path)
    year_specs._load.cache_clear()
    try:
        spec = load_spec("ssda903", "2026-27")
        assert spec.table("episodes")["PLACE"]["codes"] == ["Z99"]
        assert spec.table("sw_episodes") is not None  # inherited through 2025-26 from 2023-24
    finally:
        year_specs._load.cache_clear()


# Return fields copied code for code into a contract column (no translation), and that column.
_COPIED_CODES = {
    ("ssda903", "episodes", "PLACE"): ("ssd_cla_placement", "clap_cla_placement_type"),
    ("ssda903", "episodes", "REC"): ("ssd_cla_episodes", "clae_cla_episode_ceased_reason"),
    ("ssda903", "episodes", "RNE"): ("ssd_cla_episodes", "clae_cla_episode_start_reason"),
    ("ssda903", "episodes", "LS"): ("ssd_legal_status", "lega_legal_status"),
    ("ssda903", "oc3", "IN_TOUCH"): ("ext_care_leaver_outcomes", "in_touch"),
    ("ssda903", "oc3", "ACTIV"): ("ext_care_leaver_outcomes", "activity"),
    ("cin_census", "cin_details", "PrimaryNeedCode"):
        ("ssd_cin_episodes", "cine_cin_primary_need_code"),
    ("cin_census", "cin_details", "ReasonForClosure"): ("ssd_cin_episodes", "cine_close_reason"),
}  # fmt: skip


@pytest.mark.parametrize("field", sorted(_COPIED_CODES), ids="-".join)
def test_the_contract_accepts_every_years_codes(field):
    # Regression: phase 1 found codes valid in some year's return that the contract's code list
    # lacked, so ingest would reject rows the return accepts: placement K3 (2024-25) and
    # Z11-Z14 (2025-26), episode endings E43/E44 (to 2017-18), need N0, closure RC9 (2022-23).
    from orchestration import extracts as x

    return_name, table, name = field
    extract, column = _COPIED_CODES[field]
    codes = set()
    for year in YEARS:
        body = load_spec(return_name, year).body
        spec = (
            body["tables"][table] if return_name == "ssda903" else body["records"][table]["fields"]
        )
        codes |= set(spec[name]["codes"])
    assert codes and codes <= set(x.EXTRACTS_BY_NAME[extract].column(column).codes)
