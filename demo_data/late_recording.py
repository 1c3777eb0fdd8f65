"""Late recording, and the extracts as they stood on a date (`--as-at`).

Practitioners key what happened days or weeks after it happened: a referral received on the 28th
may be on the system on the 3rd of next month, an assessment authorised in the last week of a
month shows as authorised only when the manager signs it off. An extract taken on a date holds
what had been keyed by then: a record keyed later is absent, and a completion or end date keyed
later is blank, so the record looks open (with the values that go with its end: a closure
reason, an enquiry's outcome, an episode's reason for ending). Successive monthly extracts
therefore differ in their earlier months, and the KPI values published from them are revised.

When each event was keyed: its date plus a lag drawn from a hash of the seed, the person and the
event's date (most the same day, about one in sixteen a week or more late, one in seventy a
month or more; none more than eight weeks). A child's record is keyed in order, so an event is
never on the system before an earlier event of the same child (its keyed date is the latest of
its own and of every earlier event of the child's): an assessment is never there without its
referral, an episode of care without its placement, a second referral before the first was
closed. Two tables of the same event (a conference and the plan it decided, the end of one
episode and the start of the next) share the child and the day, and so their keyed date.
Contacts (logged by the front door as they arrive; nothing in the extracts hangs on them),
supervision records and month-end workforce snapshots are on the system on their day; a
referral's decision is recorded with the referral.

Deterministic and vectorised: the frames are built whole, then cut, so the same seed gives the
same records (and ids) whatever the as-at date, and a record present on an earlier date is
present, unchanged but for its later dates, on a later one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from orchestration.extracts import EXTRACTS_BY_NAME

from .calendar import add_years

# Lag in days after the event: (share, shortest, longest).
LAG_BUCKETS = ((0.85, 0, 0), (0.09, 1, 6), (0.045, 7, 27), (0.015, 28, 56))

# Per child-level extract: (person column, the column whose keying creates the row, then
# (date column, columns blanked with it) for each later date the row can gain).
CHILD_EVENTS = {
    "ssd_cin_episodes": (
        "cine_person_id",
        "cine_referral_date",
        (("cine_close_date", ("cine_close_reason",)),),
    ),
    "ssd_cin_assessments": (
        "cina_person_id",
        "cina_assessment_start_date",
        (("cina_assessment_auth_date", ()),),
    ),
    "ssd_s47_enquiry": (
        "s47e_person_id",
        "s47e_s47_start_date",
        (("s47e_s47_end_date", ("s47e_s47_nfa",)),),
    ),
    "ssd_initial_cp_conference": ("icpc_person_id", "icpc_icpc_date", ()),
    "ssd_cp_plans": ("cppl_person_id", "cppl_cp_plan_start_date", (("cppl_cp_plan_end_date", ()),)),
    "ssd_cla_episodes": (
        "clae_person_id",
        "clae_cla_episode_start_date",
        (("clae_cla_episode_ceased_date", ("clae_cla_episode_ceased_reason",)),),
    ),
    "ssd_cla_placement": (
        "clap_person_id",
        "clap_cla_placement_start_date",
        (("clap_cla_placement_end_date", ("clap_cla_placement_change_reason",)),),
    ),
    "ssd_legal_status": (
        "lega_person_id",
        "lega_legal_status_start_date",
        (("lega_legal_status_end_date", ()),),
    ),
    "ssd_involvements": (
        "invo_person_id",
        "invo_involvement_start_date",
        (("invo_involvement_end_date", ()),),
    ),
    "ext_yj_outcomes": ("yj_person_id", "outcome_date", ()),
}
# An adoption row is created by its first date (the agency decision, or the order for a
# special guardianship or child arrangements row); each later date is keyed on its own.
# Its dates, in contract order (the agency decision first), from the extract contract.
PERMANENCE_DATES = tuple(
    column.name for column in EXTRACTS_BY_NAME["ssd_permanence"].columns if column.kind == "date"
)
PROMPT = {
    "ssd_contacts": "cont_contact_date",
    "ext_workforce_snapshots": "snapshot_date",
    "ext_supervisions": "supervision_date",
}
WORKER_COLUMNS = {
    "ssd_involvements": "invo_professional_id",
    "ext_workforce_snapshots": "prof_professional_id",
    "ext_supervisions": "prof_professional_id",
}


def _day(values) -> np.ndarray:
    """Day numbers (int64) of a date or datetime column with no blanks."""
    return pd.to_datetime(pd.Series(values)).to_numpy().astype("M8[D]").astype(np.int64)


def lag_days(seed: int, who: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days between an event and its keying, from a hash of the seed, who and the day."""
    who_hash = pd.util.hash_array(np.asarray(who, dtype=object))
    key = who_hash ^ pd.util.hash_array(np.asarray(day, dtype=np.int64))
    h = pd.util.hash_array(key ^ pd.util.hash_array(np.array([seed], dtype=np.int64))[0])
    u = (h >> np.uint64(32)).astype(np.float64) / 2**32
    within = (h & np.uint64(0xFFFFFFFF)).astype(np.float64) / 2**32
    shares = np.array([b[0] for b in LAG_BUCKETS])
    bucket = np.searchsorted(np.cumsum(shares) / shares.sum(), u, side="right")
    bucket = bucket.clip(0, len(LAG_BUCKETS) - 1)
    low = np.array([b[1] for b in LAG_BUCKETS])[bucket]
    high = np.array([b[2] for b in LAG_BUCKETS])[bucket]
    return low + np.floor(within * (high - low + 1)).astype(np.int64)


class KeyedOn:
    """When each (person, day) event of the child-level extracts was keyed: its own lag, then
    the latest over the person's events up to that day (a child's record is keyed in order)."""

    def __init__(self, seed: int, who: np.ndarray, day: np.ndarray) -> None:
        codes, people = pd.factorize(np.asarray(who, dtype=object), sort=True)
        self._people = pd.Index(people)
        self._first = int(day.min()) if len(day) else 0
        self._span = (int(day.max()) - self._first + 1) if len(day) else 1
        # One sorted int64 key per distinct (person, day): person first, so each person's
        # events are consecutive and in date order.
        keys = np.unique(codes.astype(np.int64) * self._span + (day - self._first))
        person, offset = np.divmod(keys, self._span)
        days = offset + self._first
        raw = days + lag_days(seed, people[person], days)
        self._keys = keys
        self._keyed = pd.Series(raw).groupby(person).cummax().to_numpy()

    def __call__(self, who: np.ndarray, day: np.ndarray) -> np.ndarray:
        keys = self._people.get_indexer(np.asarray(who, dtype=object)).astype(np.int64)
        keys = keys * self._span + (np.asarray(day, dtype=np.int64) - self._first)
        return self._keyed[np.searchsorted(self._keys, keys)]


def as_it_stood(
    frames: dict[str, pd.DataFrame], seed: int, as_at: np.datetime64, person_columns: dict
) -> dict[str, pd.DataFrame]:
    """The extracts (final ids) as they stood on `as_at`: see the module docstring.
    `person_columns` names each extract's person column (ssd_person is kept to the people the
    remaining records name)."""
    frames = dict(frames)
    cutoff = int(np.datetime64(as_at, "D").astype(np.int64))
    # The reviews name the period of care, not the child: the period's child is the episodes'.
    child_of_period = (
        frames["ssd_cla_episodes"]
        .drop_duplicates("clae_cla_id")
        .set_index("clae_cla_id")["clae_person_id"]
    )
    reviews = frames["ssd_cla_reviews"]
    review_child = child_of_period.reindex(reviews["clar_cla_id"]).to_numpy()
    leavers = frames["ext_care_leaver_outcomes"]
    birthday = _birthdays(leavers)

    # Every dated event of every child, to key them in order.
    who, day = [], []

    def event(people, dates) -> None:
        dates = pd.to_datetime(pd.Series(dates)).reset_index(drop=True)
        filled = dates.notna().to_numpy() & pd.notna(np.asarray(people, dtype=object))
        who.append(np.asarray(people, dtype=object)[filled])
        day.append(dates[filled].to_numpy().astype("M8[D]").astype(np.int64))

    for name, (person, created, later) in CHILD_EVENTS.items():
        frame = frames[name]
        event(frame[person], frame[created])
        for column, _ in later:
            event(frame[person], frame[column])
    perm = frames["ssd_permanence"]
    for column in PERMANENCE_DATES:
        event(perm["perm_person_id"], perm[column])
    event(review_child, reviews["clar_cla_review_date"])
    event(leavers["person_id"], birthday)
    event(frames["ssd_person"]["pers_person_id"], frames["ssd_person"]["pers_death_date"])
    keyed = KeyedOn(seed, np.concatenate(who), np.concatenate(day))

    def on_system(people, dates) -> np.ndarray:
        """True where the date is filled and was keyed by the as-at date."""
        dates = pd.to_datetime(pd.Series(dates)).reset_index(drop=True)
        filled = dates.notna().to_numpy() & pd.notna(np.asarray(people, dtype=object))
        out = np.zeros(len(dates), dtype=bool)
        if filled.any():
            days = dates[filled].to_numpy().astype("M8[D]").astype(np.int64)
            out[filled] = keyed(np.asarray(people, dtype=object)[filled], days) <= cutoff
        return out

    def blank(frame: pd.DataFrame, keep: np.ndarray, columns) -> pd.DataFrame:
        frame = frame.copy()
        for column in columns:
            frame[column] = frame[column].where(keep)
        return frame

    for name, (person, created, later) in CHILD_EVENTS.items():
        frame = frames[name]
        frame = frame[on_system(frame[person], frame[created])].reset_index(drop=True)
        for column, with_it in later:
            dated = frame[column].notna().to_numpy()
            shown = on_system(frame[person], frame[column])
            frame = blank(frame, shown | ~dated, (column, *with_it))
        if name == "ssd_cin_episodes":
            # The decision is recorded with the referral, but not before it was made.
            decided = _day(frame["cine_referral_decision_date"].fillna(pd.Timestamp(0)))
            frame = blank(frame, decided <= cutoff, ("cine_referral_decision_date",))
        frames[name] = frame

    created = pd.concat([pd.to_datetime(perm[c]) for c in PERMANENCE_DATES], axis=1).min(axis=1)
    perm = perm[on_system(perm["perm_person_id"], created)].reset_index(drop=True)
    for column in PERMANENCE_DATES:
        dated = perm[column].notna().to_numpy()
        perm = blank(perm, on_system(perm["perm_person_id"], perm[column]) | ~dated, (column,))
    frames["ssd_permanence"] = perm
    frames["ssd_cla_reviews"] = reviews[
        on_system(review_child, reviews["clar_cla_review_date"])
    ].reset_index(drop=True)
    frames["ext_care_leaver_outcomes"] = leavers[
        on_system(leavers["person_id"], birthday)
    ].reset_index(drop=True)
    persons = frames["ssd_person"]
    dead = persons["pers_death_date"].notna().to_numpy()
    persons = blank(
        persons,
        on_system(persons["pers_person_id"], persons["pers_death_date"]) | ~dead,
        ("pers_death_date",),
    )

    # Records on the system on their day: contacts, snapshots, supervisions.
    for name, column in PROMPT.items():
        frame = frames[name]
        frames[name] = frame[_day(frame[column]) <= cutoff].reset_index(drop=True)

    # The registers hold whoever the remaining records name.
    named = _names(frames, person_columns)
    frames["ssd_person"] = _kept(persons, "pers_person_id", named)
    frames["ssd_disability"] = _kept(frames["ssd_disability"], "disa_person_id", named)
    workers = _names(frames, WORKER_COLUMNS)
    frames["ssd_professionals"] = _kept(
        frames["ssd_professionals"], "prof_professional_id", workers
    )
    return frames


def _names(frames: dict[str, pd.DataFrame], columns: dict[str, str]) -> pd.Index:
    values = [frames[name][column].to_numpy(dtype=object) for name, column in columns.items()]
    return pd.Index(pd.unique(np.concatenate(values)))


def _kept(frame: pd.DataFrame, column: str, names: pd.Index) -> pd.DataFrame:
    # A hash lookup: Series.isin on Arrow-backed strings compares value by value.
    named = names.get_indexer(frame[column].to_numpy(dtype=object)) >= 0
    return frame[named].reset_index(drop=True)


def _birthdays(leavers: pd.DataFrame) -> pd.Series:
    """The birthday each care leaver outcome is recorded at (date of birth + age in years)."""
    dob = pd.to_datetime(leavers["date_of_birth"]).to_numpy().astype("M8[D]")
    return pd.Series(add_years(dob, leavers["birthday_age"].to_numpy(dtype=np.int64)))
