"""The synthetic extract generator: contract headers, determinism, cross-table consistency and
dirty mode. Small runs (scale 0.05, 24 months) written to temporary folders."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from demo_data import generate
from demo_data.calendar import Window, add_months
from demo_data.cli import main
from demo_data.faults import FAULT_TYPES
from orchestration.extracts import EXTRACTS, EXTRACTS_BY_NAME

SMALL = {"seed": 7, "months": 24, "end": "2018-12", "scale": 0.05, "progress": False}
END = pd.Timestamp("2018-12-31")
ADOPTIVE = {"A3", "A4", "A5", "A6"}


def _read(folder, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


def _dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series.replace("", None))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clean")
    rows = generate(folder, **SMALL)
    return folder, rows


@pytest.fixture(scope="module")
def data(run):
    folder, _ = run
    return {e.name: _read(folder, e.name) for e in EXTRACTS}


def test_every_extract_is_written_with_the_contract_header(run):
    folder, rows = run
    assert set(rows) == {e.name for e in EXTRACTS}
    for extract in EXTRACTS:
        path = folder / f"{extract.name}.csv"
        lines = path.read_text("utf-8").splitlines()
        assert lines[0].split(",") == list(extract.column_names), extract.name
        assert rows[extract.name] == len(_read(folder, extract.name)) > 0, extract.name
    assert not (folder / "_faults.json").exists()


def test_same_seed_gives_identical_bytes_and_another_seed_differs(run, tmp_path):
    folder, _ = run
    generate(tmp_path / "again", **SMALL)
    generate(tmp_path / "other", **{**SMALL, "seed": 8})
    for extract in EXTRACTS:
        name = f"{extract.name}.csv"
        assert (tmp_path / "again" / name).read_bytes() == (folder / name).read_bytes(), name
    differ = [
        e.name
        for e in EXTRACTS
        if (tmp_path / "other" / f"{e.name}.csv").read_bytes()
        != (folder / f"{e.name}.csv").read_bytes()
    ]
    assert len(differ) == len(EXTRACTS)


def test_clean_values_follow_the_text_rules(data):
    for extract in EXTRACTS:
        frame = data[extract.name]
        for column in extract.columns:
            values = frame[column.name]
            filled = values[values != ""]
            if column.required:
                assert len(filled) == len(values), (extract.name, column.name)
            if column.kind == "date":
                assert filled.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all(), column.name
                if column.name not in ("pers_expected_dob", "clar_cla_review_due_date"):
                    assert (pd.to_datetime(filled) <= END).all(), column.name
            elif column.kind == "datetime":
                assert filled.str.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}").all()
            elif column.kind == "flag":
                assert filled.isin(["Y", "N"]).all(), column.name
            elif column.kind == "code":
                assert filled.isin(column.codes).all(), column.name
            elif column.kind == "id":
                assert (filled == filled.str.strip()).all() and not filled.str.endswith(".0").any()
        key = frame[list(extract.key)]
        assert not key.duplicated().any(), extract.name
        for start, end in extract.date_order:
            both = (frame[start] != "") & (frame[end] != "")
            assert (frame.loc[both, start].str[:10] <= frame.loc[both, end].str[:10]).all()


def test_ids_are_strings_some_with_leading_zeros(data):
    people = data["ssd_person"]["pers_person_id"]
    assert people.str.startswith("0").any()
    assert data["ssd_cin_assessments"]["cina_assessment_id"].str.startswith("0").all()
    one_of = (data["ssd_person"]["pers_dob"] != "") | (
        data["ssd_person"]["pers_expected_dob"] != ""
    )
    assert one_of.all()


def test_every_person_in_any_extract_is_in_ssd_person(data):
    people = set(data["ssd_person"]["pers_person_id"])
    person_columns = [
        (e.name, c.name)
        for e in EXTRACTS
        for c in e.columns
        if c.name.endswith("person_id") and e.name != "ssd_person"
    ]
    # 13 record extracts and the disability extract (issue 13)
    assert len(person_columns) == 14
    for name, column in person_columns:
        assert set(data[name][column]) <= people, (name, column)
    dob = data["ssd_person"].set_index("pers_person_id")["pers_dob"]
    for name, column in (
        ("ext_care_leaver_outcomes", "person_id"),
        ("ext_yj_outcomes", "yj_person_id"),
    ):
        frame = data[name]
        assert (dob.reindex(frame[column]).to_numpy() == frame["date_of_birth"].to_numpy()).all()


def test_front_door_records_belong_to_a_referral_of_the_same_child(data):
    referrals = data["ssd_cin_episodes"].set_index("cine_referral_id")
    child = referrals["cine_person_id"]
    received = referrals["cine_referral_date"].str[:10]
    assessments = data["ssd_cin_assessments"]
    assert (
        child.reindex(assessments["cina_referral_id"]).to_numpy()
        == assessments["cina_person_id"].to_numpy()
    ).all()
    assert (
        assessments["cina_assessment_start_date"].to_numpy()
        >= received.reindex(assessments["cina_referral_id"]).to_numpy()
    ).all()
    s47 = data["ssd_s47_enquiry"]
    assert (
        child.reindex(s47["s47e_referral_id"]).to_numpy() == s47["s47e_person_id"].to_numpy()
    ).all()
    # No further action referrals are closed and have no assessment.
    nfa = referrals.index[referrals["cine_referral_nfa"] == "Y"]
    assert not assessments["cina_referral_id"].isin(nfa).any()
    # A child's referrals never overlap (each is closed before the next arrives).
    frame = data["ssd_cin_episodes"].sort_values(["cine_person_id", "cine_referral_date"])
    previous_close = frame.groupby("cine_person_id")["cine_close_date"].shift()
    later = previous_close.notna()
    assert (previous_close[later] != "").all()
    assert (previous_close[later] < frame.loc[later, "cine_referral_date"].str[:10]).all()


def test_conferences_link_to_enquiries_and_plans(data):
    icpc = data["ssd_initial_cp_conference"]
    s47 = data["ssd_s47_enquiry"].set_index("s47e_s47_enquiry_id")
    referrals = data["ssd_cin_episodes"].set_index("cine_referral_id")
    plans = data["ssd_cp_plans"].set_index("cppl_cp_plan_id")
    transfer = icpc["icpc_icpc_transfer_in"] == "Y"
    assert transfer.any() and (~transfer).any()
    ours = icpc[~transfer]
    assert (
        s47["s47e_person_id"].reindex(ours["icpc_s47_enquiry_id"]).to_numpy()
        == ours["icpc_person_id"].to_numpy()
    ).all()
    assert (
        s47["s47e_s47_start_date"].reindex(ours["icpc_s47_enquiry_id"]).to_numpy()
        <= ours["icpc_icpc_date"].to_numpy()
    ).all()
    moved_in = icpc[transfer]
    assert (moved_in["icpc_s47_enquiry_id"] == "").all()
    assert (
        referrals["cine_person_id"].reindex(moved_in["icpc_referral_id"]).to_numpy()
        == moved_in["icpc_person_id"].to_numpy()
    ).all()
    with_plan = icpc["icpc_icpc_outcome_cp_flag"] == "Y"
    assert ((icpc["icpc_cp_plan_id"] != "") == with_plan).all()
    assert (~with_plan).any()
    linked = icpc[with_plan]
    plan = plans.reindex(linked["icpc_cp_plan_id"])
    assert (plan["cppl_cp_plan_start_date"].to_numpy() == linked["icpc_icpc_date"].to_numpy()).all()
    assert (plan["cppl_person_id"].to_numpy() == linked["icpc_person_id"].to_numpy()).all()
    # Every plan of ours follows a conference; the exceptions are other-LA plans and plans that
    # began before the extract's history (their conference is older than the extract holds,
    # as in a real SSD extract, which keeps what was open or happened in its window).
    history_start = str(Window.ending(SMALL["end"], SMALL["months"]).history_start)
    unlinked = plans.index.difference(pd.Index(linked["icpc_cp_plan_id"]))
    assert (
        (plans.loc[unlinked, "cppl_cp_plan_ola"] == "Y")
        | (plans.loc[unlinked, "cppl_cp_plan_start_date"] < history_start)
    ).all()
    assert (icpc["icpc_icpc_date"] >= history_start).all()


def test_cla_episodes_chain_within_periods_of_care(data):
    episodes = data["ssd_cla_episodes"].sort_values(
        ["clae_cla_id", "clae_cla_episode_start_date", "clae_cla_episode_id"]
    )
    groups = episodes.groupby("clae_cla_id", sort=False)
    assert (groups["clae_person_id"].nunique() == 1).all()
    first_start = groups["clae_cla_episode_start_date"].transform("first")
    assert (episodes["clae_entered_care_date"] == first_start).all()
    assert (episodes.groupby("clae_cla_id")["clae_cla_episode_start_reason"].first() == "S").all()
    next_start = groups["clae_cla_episode_start_date"].shift(-1)
    chained = next_start.notna()
    assert chained.any()
    assert (episodes.loc[chained, "clae_cla_episode_ceased_date"] == next_start[chained]).all()
    assert (episodes.loc[chained, "clae_cla_episode_ceased_reason"] == "X1").all()
    last = episodes[~chained]
    closed = last["clae_cla_episode_ceased_date"] != ""
    assert closed.any() and (~closed).any()
    assert (last.loc[closed, "clae_cla_episode_ceased_reason"] != "X1").all()
    assert (last.loc[~closed, "clae_cla_episode_ceased_reason"] == "").all()
    later_episode = groups.cumcount() > 0
    assert (episodes.loc[later_episode, "clae_cla_episode_start_reason"] != "S").all()
    # A child's periods of care do not overlap.
    periods = groups.agg(
        person=("clae_person_id", "first"),
        start=("clae_cla_episode_start_date", "first"),
        end=("clae_cla_episode_ceased_date", "last"),
    ).sort_values(["person", "start"])
    previous_end = periods.groupby("person")["end"].shift()
    later = previous_end.notna()
    assert (
        (previous_end[later] != "") & (previous_end[later] <= periods.loc[later, "start"])
    ).all()


def test_placements_sit_inside_their_period_and_episodes_point_to_them(data):
    episodes = data["ssd_cla_episodes"]
    placements = data["ssd_cla_placement"].set_index("clap_cla_placement_id")
    bounds = episodes.groupby("clae_cla_id").agg(
        start=("clae_cla_episode_start_date", "min"),
        end=("clae_cla_episode_ceased_date", lambda s: "" if (s == "").any() else s.max()),
    )
    period = bounds.reindex(placements["clap_cla_id"])
    assert (placements["clap_cla_placement_start_date"].to_numpy() >= period["start"]).all()
    open_ = period["end"].to_numpy() == ""
    p_end = placements["clap_cla_placement_end_date"].to_numpy()
    assert (p_end[open_ == False] <= period["end"].to_numpy()[open_ == False]).all()  # noqa: E712
    assert (p_end[open_ == False] != "").all()  # noqa: E712
    # Placements of a period follow one another without gaps.
    ordered = placements.sort_values(["clap_cla_id", "clap_cla_placement_start_date"])
    following = ordered.groupby("clap_cla_id")["clap_cla_placement_start_date"].shift(-1)
    has_next = following.notna()
    assert (ordered.loc[has_next, "clap_cla_placement_end_date"] == following[has_next]).all()
    # Each episode's placement exists, is in the same period and covers the episode start.
    placement = placements.reindex(episodes["clae_cla_placement_id"])
    assert placement["clap_cla_id"].notna().all()
    assert (placement["clap_cla_id"].to_numpy() == episodes["clae_cla_id"].to_numpy()).all()
    assert (placement["clap_person_id"].to_numpy() == episodes["clae_person_id"].to_numpy()).all()
    start = episodes["clae_cla_episode_start_date"].to_numpy()
    assert (placement["clap_cla_placement_start_date"].to_numpy() <= start).all()
    ends = placement["clap_cla_placement_end_date"].to_numpy()
    assert ((ends == "") | (ends > start) | (ends == start)).all()


def test_legal_status_spells_cover_every_episode(data):
    legal = data["ssd_legal_status"]
    episodes = data["ssd_cla_episodes"]
    merged = episodes.merge(legal, left_on="clae_person_id", right_on="lega_person_id")
    start = merged["clae_cla_episode_start_date"]
    covers = (merged["lega_legal_status_start_date"] <= start) & (
        (merged["lega_legal_status_end_date"] == "")
        | (merged["lega_legal_status_end_date"] > start)
    )
    covered = set(merged.loc[covers, "clae_cla_episode_id"])
    assert covered == set(episodes["clae_cla_episode_id"])
    assert legal["lega_legal_status"].isin(["V3", "V4"]).any()


def test_reviews_follow_regulation_33(data):
    reviews = data["ssd_cla_reviews"]
    episodes = data["ssd_cla_episodes"]
    start = episodes.groupby("clae_cla_id")["clae_entered_care_date"].first()
    assert set(reviews["clar_cla_id"]) <= set(start.index)
    held = reviews[reviews["clar_cla_review_cancelled"] == "N"].sort_values(
        ["clar_cla_id", "clar_cla_review_date"]
    )
    number = held.groupby("clar_cla_id").cumcount()
    win = Window.ending("2018-12", 60)  # its bank holidays cover every period's start
    first = held[number == 0]
    expected = win.add_working_days(
        start.reindex(first["clar_cla_id"]).to_numpy().astype("M8[D]"), 20
    )
    assert (first["clar_cla_review_due_date"].to_numpy().astype("M8[D]") == expected).all()
    previous = held.groupby("clar_cla_id")["clar_cla_review_date"].shift()
    for n, months in ((1, 3), (2, 6), (3, 6)):
        rows = number == n
        due = add_months(previous[rows].to_numpy().astype("M8[D]"), months)
        assert (held.loc[rows, "clar_cla_review_due_date"].to_numpy().astype("M8[D]") == due).all()
    on_time = (held["clar_cla_review_date"] <= held["clar_cla_review_due_date"]).mean()
    assert 0.9 < on_time < 1.0
    assert (reviews["clar_cla_review_cancelled"] == "Y").any()


def test_adoptions_match_an_adoptive_placement(data):
    permanence = data["ssd_permanence"]
    placements = data["ssd_cla_placement"]
    adopted = permanence[permanence["perm_placed_for_adoption_date"] != ""]
    assert len(adopted) > 0
    assert (permanence["perm_permanence_order_type"] == "Special Guardianship").any()
    merged = adopted.merge(
        placements,
        left_on=["perm_cla_id", "perm_placed_for_adoption_date"],
        right_on=["clap_cla_id", "clap_cla_placement_start_date"],
    )
    assert len(merged) == len(adopted)
    assert merged["clap_cla_placement_type"].isin(ADOPTIVE).all()
    assert (merged["perm_person_id"] == merged["clap_person_id"]).all()
    order = [
        "perm_adm_decision_date",
        "perm_placement_order_date",
        "perm_placed_for_adoption_date",
        "perm_permanence_order_date",
    ]
    for before, after in zip(order, order[1:], strict=False):
        both = (adopted[before] != "") & (adopted[after] != "")
        assert (adopted.loc[both, before] <= adopted.loc[both, after]).all()
    granted = adopted[adopted["perm_permanence_order_date"] != ""]
    last = (
        data["ssd_cla_episodes"]
        .sort_values("clae_cla_episode_start_date")
        .groupby("clae_cla_id")
        .last()
    )
    ended = last.reindex(granted["perm_cla_id"])
    assert (
        ended["clae_cla_episode_ceased_date"].to_numpy()
        == granted["perm_permanence_order_date"].to_numpy()
    ).all()
    assert ended["clae_cla_episode_ceased_reason"].isin(["E11", "E12"]).all()


def test_workers_exist_and_are_in_post_at_each_month_end(data):
    professionals = set(data["ssd_professionals"]["prof_professional_id"])
    snapshots = data["ext_workforce_snapshots"]
    involvements = data["ssd_involvements"]
    supervisions = data["ext_supervisions"]
    assert set(snapshots["prof_professional_id"]) == professionals
    assert set(involvements["invo_professional_id"]) <= professionals
    assert set(supervisions["prof_professional_id"]) <= professionals
    # Involvements are written for the window: started in it or open at its first month end.
    first_month_end = snapshots["snapshot_date"].min()
    window_start = first_month_end[:8] + "01"
    ended = involvements["invo_involvement_end_date"].replace("", "9999")
    started_in_window = involvements["invo_involvement_start_date"] >= window_start
    assert ((ended >= first_month_end) | started_in_window).all()
    in_post = set(zip(snapshots["snapshot_date"], snapshots["prof_professional_id"], strict=True))
    month_ends = sorted(snapshots["snapshot_date"].unique())
    assert len(month_ends) == len(set(month_ends)) >= 6
    checked = 0
    for month_end in month_ends:
        open_ = involvements[
            (involvements["invo_involvement_start_date"] <= month_end)
            & (
                (involvements["invo_involvement_end_date"] == "")
                | (involvements["invo_involvement_end_date"] >= month_end)
            )
        ]
        for worker in open_["invo_professional_id"]:
            assert (month_end, worker) in in_post
            checked += 1
    assert checked > 1000
    # The worker is in post at the end of the month the involvement starts in.
    started = involvements[started_in_window]
    start_month_end = (
        pd.to_datetime(started["invo_involvement_start_date"]) + pd.offsets.MonthEnd(0)
    ).dt.strftime("%Y-%m-%d")
    assert all(
        (m, w) in in_post
        for m, w in zip(start_month_end, started["invo_professional_id"], strict=True)
    )
    month_end_of = (
        pd.to_datetime(supervisions["supervision_date"]) + pd.offsets.MonthEnd(0)
    ).dt.strftime("%Y-%m-%d")
    assert all(
        (m, w) in in_post
        for m, w in zip(month_end_of, supervisions["prof_professional_id"], strict=True)
    )
    qualified = snapshots[snapshots["role"].isin(["social_worker", "senior_practitioner"])]
    assert (qualified["qualified_social_worker"] == "Y").all()
    assert (involvements["invo_professional_role_id"] == "ALLOCATED_CASE_WORKER").mean() > 0.8


def test_care_leavers_were_looked_after_and_offending_dates_are_ordered(data):
    looked_after = set(data["ssd_cla_episodes"]["clae_person_id"])
    leavers = data["ext_care_leaver_outcomes"]
    assert len(leavers) > 0 and set(leavers["person_id"]) <= looked_after
    assert leavers["birthday_age"].astype(int).between(17, 21).all()
    offending = data["ext_yj_outcomes"]
    assert (offending["offence_date"] <= offending["outcome_date"]).all()
    age = (_dates(offending["outcome_date"]) - _dates(offending["date_of_birth"])).dt.days / 365.25
    assert age.min() >= 10 and age.between(10, 18).mean() > 0.9


def test_volumes_scale_with_the_scale_factor(data):
    referrals = _dates(data["ssd_cin_episodes"]["cine_referral_date"])
    last_year = ((referrals > END - pd.DateOffset(years=1)) & (referrals <= END)).sum()
    assert 0.8 * 14_513 * 0.05 < last_year < 1.2 * 14_513 * 0.05
    contacts = _dates(data["ssd_contacts"]["cont_contact_date"])
    assert contacts.min() >= pd.Timestamp("2017-01-01")
    assert 0.8 * 2_818 * 0.05 * 24 < len(contacts) < 1.2 * 2_818 * 0.05 * 24
    month_end = data["ext_workforce_snapshots"].groupby("snapshot_date").size()
    assert month_end.between(0.8 * 611 * 0.05, 1.2 * 611 * 0.05).all()


def test_dirty_mode_injects_every_fault_type_and_records_it(tmp_path):
    rows = generate(tmp_path, **{**SMALL, "seed": 11}, dirty=0.05)
    summary = json.loads((tmp_path / "_faults.json").read_text("utf-8"))
    found = {record["fault"] for record in summary["faults"]}
    assert found == set(FAULT_TYPES)
    assert summary["expected"]["excel_float_id"] == "accept"
    for name, count in rows.items():
        recorded = sum(summary["counts"].get(name, {}).values())
        assert 0.03 * count <= recorded <= 0.08 * count + 8, name
    frames = {e.name: _read(tmp_path, e.name) for e in EXTRACTS}
    cells = {name: frame.to_numpy() for name, frame in frames.items()}
    for record in summary["faults"]:
        name = record["extract"]
        columns = list(EXTRACTS_BY_NAME[name].column_names)
        row = dict(zip(columns, cells[name][record["row"] - 2], strict=True))
        if record["fault"] == "duplicate_key":
            original = cells[name][record["duplicate_of_row"] - 2]
            assert list(row.values()) == list(original)
            continue
        assert row[record["column"]] == record["value"], record
        if record["fault"] == "excel_float_id":
            assert record["value"] == record["original"] + ".0"
        elif record["fault"] == "padded_id":
            assert record["value"].strip() == record["original"] != record["value"]
        elif record["fault"] == "uk_date":
            day, month, year = record["value"][:10].split("/")
            assert f"{year}-{month}-{day}" == record["original"][:10]
        elif record["fault"] == "impossible_date":
            with pytest.raises(ValueError):
                pd.Timestamp(pd.to_datetime(record["value"], format="%d/%m/%Y"))
        elif record["fault"] == "unknown_code":
            codes = EXTRACTS_BY_NAME[name].column(record["column"]).codes
            assert record["value"] not in codes
        elif record["fault"] == "reversed_dates":
            pairs = dict((end, start) for start, end in EXTRACTS_BY_NAME[name].date_order)
            assert row[record["column"]][:10] < row[pairs[record["column"]]][:10]
        elif record["fault"] == "blank_id":
            assert record["value"] == "" and record["original"] != ""
    assert frames["ssd_person"]["pers_person_id"].duplicated().any()


def test_every_recorded_fault_of_the_dirty_demo_ends_as_recorded_in_the_loader(tmp_path):
    # The --dirty extracts through the real loader: each fault `_faults.json` expects to be
    # rejected is in audit.rejected_rows at its file row (and column), never in raw; each it
    # expects to be accepted is loaded, an id or date with its original value.
    import datetime as dt

    import duckdb

    from orchestration.ingest.load import load_extract

    generate(tmp_path, **{**SMALL, "seed": 11, "scale": 0.02}, dirty=0.05)
    summary = json.loads((tmp_path / "_faults.json").read_text("utf-8"))
    con = duckdb.connect()
    for extract in EXTRACTS:
        load_extract(con, extract, tmp_path, dt.datetime(2019, 1, 1))
    rejected: dict[tuple[str, int], set] = {}
    for name, row, column in con.execute(
        "select extract, source_row, column_name from audit.rejected_rows"
    ).fetchall():
        rejected.setdefault((name, row), set()).add(column)
    # A duplicated row's original is rejected with its copy: the key is ambiguous.
    originals = {
        (r["extract"], r["duplicate_of_row"])
        for r in summary["faults"]
        if r["fault"] == "duplicate_key"
    }
    outcomes = {"accept": 0, "reject": 0}
    for record in summary["faults"]:
        name, row, column = record["extract"], record["row"], record.get("column")
        expected = summary["expected"][record["fault"]]
        loaded = con.execute(f"select * from raw.{name} where _source_row = ?", [row]).fetchdf()
        if expected == "reject":
            assert (name, row) in rejected, record
            if record["fault"] != "duplicate_key":
                assert column in rejected[(name, row)], record
            assert loaded.empty, record
        elif (name, row) not in originals:
            assert (name, row) not in rejected, (record, rejected.get((name, row)))
            assert len(loaded) == 1, record
            value = loaded.at[0, column]
            if record["fault"] in ("excel_float_id", "padded_id"):
                assert str(value) == record["original"], record
            elif record["fault"] == "uk_date":
                assert str(value)[:10] == record["original"][:10], record
        outcomes[expected] += 1
    assert outcomes["accept"] > 0 and outcomes["reject"] > 0


def test_cli_writes_every_format(tmp_path, capsys):
    assert (
        main(["--out", str(tmp_path / "csv"), "--scale", "0.02", "--months", "6", "--quiet"]) == 0
    )
    assert capsys.readouterr().out == ""
    assert len(list((tmp_path / "csv").glob("*.csv"))) == len(EXTRACTS)
    for fmt in ("parquet", "xlsx"):
        rows = generate(tmp_path / fmt, seed=3, months=6, scale=0.02, fmt=fmt, progress=False)
        again = generate(
            tmp_path / f"{fmt}2", seed=3, months=6, scale=0.02, fmt=fmt, progress=False
        )
        assert rows == again
        path = tmp_path / fmt / f"ssd_cin_episodes.{fmt}"
        assert path.read_bytes() == (tmp_path / f"{fmt}2" / f"ssd_cin_episodes.{fmt}").read_bytes()
        frame = pd.read_parquet(path) if fmt == "parquet" else pd.read_excel(path, dtype=str)
        assert list(frame.columns) == list(EXTRACTS_BY_NAME["ssd_cin_episodes"].column_names)
        assert len(frame) == rows["ssd_cin_episodes"]
    assert main(["--out", str(tmp_path / "bad"), "--end", "2018-13", "--quiet"]) == 2


def test_window_and_month_arithmetic():
    win = Window.ending("2018-12", 60)
    assert str(win.start) == "2014-01-01" and str(win.end) == "2018-12-31"
    assert str(win.history_start) == "2012-01-01"
    assert len(win.month_ends) == 60 and str(win.month_ends[1]) == "2014-02-28"
    jan31 = np.array(["2018-01-31", "2019-08-31"], dtype="M8[D]")
    assert [str(d) for d in add_months(jan31, 1)] == ["2018-02-28", "2019-09-30"]
    # Good Friday and Easter Monday 2018 are not working days; same day is 0 working days.
    start = np.array(["2018-03-29", "2018-03-29"], dtype="M8[D]")
    end = np.array(["2018-04-03", "2018-03-29"], dtype="M8[D]")
    assert win.working_days_between(start, end).tolist() == [1, 0]


def test_cases_are_with_the_teams_of_the_childs_locality(data):
    from demo_data.teams import CASE_TEAMS, LOCALITIES

    referrals = data["ssd_cin_episodes"]
    assert set(referrals["cine_referral_team"]) == {"MASH", "Emergency Duty Team"}
    # Every post is in a case-holding team, and every such team has workers.
    snapshots = data["ext_workforce_snapshots"]
    assert set(snapshots["team"]) == set(CASE_TEAMS)
    # An allocation's team is its worker's team.
    team_of_worker = snapshots.drop_duplicates("prof_professional_id").set_index(
        "prof_professional_id"
    )["team"]
    involvements = data["ssd_involvements"]
    assert (
        team_of_worker.reindex(involvements["invo_professional_id"]).to_numpy()
        == involvements["invo_professional_team"].to_numpy()
    ).all()
    # A child lives in one locality: their first assessments are with that locality's
    # assessment team, and their allocations (other than Disabled Children's, or a worker
    # borrowed when a small team has nobody in post) with that locality's teams.
    assessments = data["ssd_cin_assessments"]
    first = assessments[assessments["cina_assessment_team"].str.startswith("Assessment ")]
    assert len(first) > 0.9 * len(assessments)
    locality = first.groupby("cina_person_id")["cina_assessment_team"].agg(
        lambda teams: {team.split()[-1] for team in teams}
    )
    assert (locality.map(len) == 1).all()
    home = locality.map(lambda places: next(iter(places)))
    assert set(home) == set(LOCALITIES)
    placed = involvements[involvements["invo_person_id"].isin(home.index)]
    placed = placed[placed["invo_professional_team"] != "Disabled Children"]
    same_place = (
        placed["invo_professional_team"].str.split().str[-1]
        == home.reindex(placed["invo_person_id"]).to_numpy()
    )
    assert same_place.mean() > 0.9
    # Looked-after children's allocations include the children in care teams.
    assert involvements["invo_professional_team"].str.startswith("Children in Care").any()


def test_disability_is_recorded_for_most_referred_children(data):
    disability = data["ssd_disability"]
    assert set(disability["disa_person_id"]) <= set(data["ssd_person"]["pers_person_id"])
    codes = disability.groupby("disa_person_id")["disa_disability_code"].agg(set)
    # NONE is never beside a disability code.
    assert not codes.map(lambda c: "NONE" in c and len(c) > 1).any()
    disabled = codes.index[codes.map(lambda c: "NONE" not in c)]
    assert codes.map(len).max() <= 3 and (codes.map(len) > 1).any()
    referred = pd.Index(data["ssd_cin_episodes"]["cine_person_id"].unique())
    # disability.RECORDED_REFERRED: 12% of referred children have no record, 5% a disability
    # (more with the disabled children's path, where every child has one).
    recorded = referred.isin(codes.index).mean()
    assert 0.8 < recorded < 0.95
    assert 0.04 < referred.isin(disabled).mean() < 0.12
