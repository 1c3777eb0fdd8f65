"""Combining returns: several years of SSDA903 (a child's episodes across years joined, the
latest return winning a record both years hold), and several return types (one supplier per
extract, every return's children). The figures are worked out by hand in the comments."""

from __future__ import annotations

from pathlib import Path

from orchestration.returns.annex_a import read_annex_a
from orchestration.returns.cin_census import read_cin_census
from orchestration.returns.combine import combine
from orchestration.returns.folder import read_folder
from orchestration.returns.ssda903_read import read_ssda903_tables

EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
)
HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
REVIEWS = "CHILD,DOB,REVIEW,REVIEW_CODE"


def _return(folder: Path, episodes: list[str], header: list[str], reviews: list[str]) -> list[Path]:
    folder.mkdir(parents=True)
    paths = []
    for name, head, rows in (
        ("episodes.csv", EPISODES, episodes),
        ("header.csv", HEADER, header),
        ("reviews.csv", REVIEWS, reviews),
    ):
        path = folder / name
        path.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def _two_years(tmp_path: Path):
    # Child 1 came into care on 10/01/2018 (S) and is still looked after on 31 March 2018: the
    # 2017-18 return has the episode open. The 2018-19 return has it again (same DECOM), now
    # ended X1 on 01/06/2018, and the next episode (P) from 01/06/2018, ended E4A 01/12/2018.
    # A review on 15/11/2018 is only in the 2018-19 return.
    # Child 2 is only in the 2017-18 return: in care 05/05/2017 to 06/06/2017.
    # Child 1's ethnicity was corrected in 2018-19 (WBRI -> WIRI).
    first = _return(
        tmp_path / "2017-18",
        ["1,10/01/2018,S,C2,N1,U1,PR1,,,,,,", "2,05/05/2017,S,V2,N1,U1,PR1,06/06/2017,E4A,,,,"],
        ["1,1,01/01/2010,WBRI,A1,,", "2,2,01/01/2011,WBRI,A2,,"],
        ["1,01/01/2010,01/03/2018,PN1"],
    )
    second = _return(
        tmp_path / "2018-19",
        [
            "1,10/01/2018,S,C2,N1,U1,PR1,01/06/2018,X1,CHILD,,,",
            "1,01/06/2018,P,C2,N1,U4,PR1,01/12/2018,E4A,,,,",
        ],
        ["1,1,01/01/2010,WIRI,A1,,"],
        ["1,01/01/2010,15/11/2018,PN1"],
    )
    return read_ssda903_tables(first), read_ssda903_tables(second)


def test_a_childs_episodes_across_years_join_into_one_period(tmp_path):
    older, newer = _two_years(tmp_path)
    assert (older.year, newer.year) == ("2017-18", "2018-19")
    combined = combine([older, newer])
    episodes = {r["clae_cla_episode_id"]: r for r in combined.tables["ssd_cla_episodes"]}
    # Three episodes: child 1's two (the first from 2018-19, which knows its end) and child 2's.
    assert set(episodes) == {"1:ep:2018-01-10", "1:ep:2018-06-01", "2:ep:2017-05-05"}
    first = episodes["1:ep:2018-01-10"]
    assert (first["clae_cla_episode_ceased_date"], first["_source_year"]) == (
        "2018-06-01",
        "2018-19",
    )
    # One period of care from 10/01/2018, entered care that day (RNE S).
    assert {episodes[e]["clae_cla_id"] for e in ("1:ep:2018-01-10", "1:ep:2018-06-01")} == {
        "1:poc:2018-01-10"
    }
    assert episodes["1:ep:2018-06-01"]["clae_entered_care_date"] == "2018-01-10"
    # Child 1's 2017-18 episode row (episodes.csv row 2) is replaced by the 2018-19 one (row 2
    # too: read without folder names, both files are "episodes.csv"; read_folder below names them).
    assert any(
        (old.file, old.row, new.row) == ("episodes.csv", 2, 2) for old, new in combined.superseded
    )


def test_latest_return_wins_and_reviews_find_their_period(tmp_path):
    older, newer = _two_years(tmp_path)
    combined = combine([newer, older])  # the order given does not matter
    persons = {r["pers_person_id"]: r for r in combined.tables["ssd_person"]}
    assert persons["1"]["pers_ethnicity"] == "WIRI" and persons["1"]["_source_year"] == "2018-19"
    assert persons["2"]["_source_year"] == "2017-18"
    reviews = {
        r["clar_cla_review_id"]: r["clar_cla_id"] for r in combined.tables["ssd_cla_reviews"]
    }
    # Both reviews fall in child 1's one period (10/01/2018 to 01/12/2018).
    assert reviews == {"1:rv:2018-03-01": "1:poc:2018-01-10", "1:rv:2018-11-15": "1:poc:2018-01-10"}
    placements = [
        (p["clap_cla_placement_id"], p["clap_cla_placement_end_date"])
        for p in combined.tables["ssd_cla_placement"]
        if p["clap_person_id"] == "1"
    ]
    assert placements == [("1:pl:2018-01-10", "2018-06-01"), ("1:pl:2018-06-01", "2018-12-01")]


def test_read_folder_reads_one_return_per_year_folder(tmp_path):
    _two_years(tmp_path)
    result = read_folder(tmp_path)
    assert sorted(r.year for r in result.returns) == ["2017-18", "2018-19"]
    lines = result.summary_lines()
    assert any(
        line.startswith("2017-18/episodes.csv: SSDA903 table (episodes) 2017-18") for line in lines
    )
    superseded = {(old.file, old.row, new.file) for old, new in result.combined.superseded}
    assert ("2017-18/episodes.csv", 2, "2018-19/episodes.csv") in superseded
    assert ("2017-18/header.csv", 2, "2018-19/header.csv") in superseded


def test_two_episodes_tables_in_one_folder_are_refused(tmp_path):
    (tmp_path / "a_episodes.csv").write_text(EPISODES + "\n1,01/05/2017,S,C2,N1,U1,PR1,,,,,,\n")
    (tmp_path / "b_episodes.csv").write_text(EPISODES + "\n1,01/05/2018,S,C2,N1,U1,PR1,,,,,,\n")
    result = read_folder(tmp_path)
    errors = {a.file: a.error for a in result.accounts}
    assert all("a folder of its own" in e for e in errors.values()) and len(errors) == 2


def test_one_return_type_per_extract_and_every_returns_children(tmp_path):
    # A CIN census (2021-22) with child C1's referral on 01/06/2021, and an Annex A workbook with
    # the same referral (List 3) and child C9's CP plan (List 7). CIN episodes come from the
    # census only; CP plans from Annex A (the census here has none); children from both.
    import openpyxl

    census = tmp_path / "cin.xml"
    census.write_text("""<Message><Header><CollectionDetails><Collection>CIN</Collection>
<Year>2022</Year><ReferenceDate>2022-03-31</ReferenceDate></CollectionDetails></Header>
<Children><Child><ChildIdentifiers><LAchildID>C1</LAchildID><GenderCurrent>2</GenderCurrent>
</ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>
<CINdetails><CINreferralDate>2021-06-01</CINreferralDate><ReferralSource>1A</ReferralSource>
<ReferralNFA>1</ReferralNFA></CINdetails></Child></Children></Message>""")
    workbook = openpyxl.Workbook()
    workbook.active.title = "List 3"
    workbook.active.append(["Child Unique ID", "Date of Referral", "Referral Source"])
    workbook.active.append(["C1", "01/06/2021", "a) 1A: Individual"])
    plans = workbook.create_sheet("List 7")
    plans.append(["Child Unique ID", "Gender", "Child Protection Plan Start Date"])
    plans.append(["C9", "Male", "02/07/2021"])
    annex = tmp_path / "annex.xlsx"
    workbook.save(annex)
    combined = combine([read_annex_a(annex), read_cin_census(census)])
    assert combined.chosen["ssd_cin_episodes"] == "cin_census"
    assert combined.chosen["ssd_cp_plans"] == "annex_a"
    (episode,) = combined.tables["ssd_cin_episodes"]
    assert episode["_source_return"] == "cin_census" and episode["cine_referral_nfa"] == "Y"
    persons = {r["pers_person_id"]: r["_source_return"] for r in combined.tables["ssd_person"]}
    # C1 is in both, each 2021-22: the tie goes to the census (ranked before Annex A).
    assert persons == {"C1": "cin_census", "C9": "annex_a"}
