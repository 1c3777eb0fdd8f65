"""The person register: every child or young person any extract mentions (`ssd_person`).

Other modules add people as they need them (a newly referred child, a child only ever the subject
of a contact, a young offender) and get back row numbers into the register; ids, sex and
ethnicity are assigned once at the end, so only people some written record refers to get a row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import ids
from .calendar import NAT
from .streams import pick, stream

# DfE ethnicity codes with a large-city mix (synthetic proportions, roughly a big city's CIN
# population): the code list is what matters for the loader, not the shares.
ETHNICITY = {
    "WBRI": 0.37, "WIRI": 0.006, "WIRT": 0.003, "WROM": 0.004, "WOTH": 0.03, "MWBC": 0.07,
    "MWBA": 0.012, "MWAS": 0.012, "MOTH": 0.04, "AIND": 0.03, "APKN": 0.14, "ABAN": 0.03,
    "AOTH": 0.03, "BCRB": 0.04, "BAFR": 0.05, "BOTH": 0.02, "CHNE": 0.003, "OOTH": 0.03,
    "REFU": 0.006, "NOBT": 0.03,
}  # fmt: skip
SEX = {"M": 0.505, "F": 0.488, "U": 0.005, "I": 0.002}


class People:
    """Growing arrays of dates of birth; a row number is a person's handle everywhere else."""

    def __init__(self) -> None:
        self._dob: list[np.ndarray] = []
        self._expected: list[np.ndarray] = []
        self._death: dict[int, np.datetime64] = {}
        self.count = 0

    def add(self, dob: np.ndarray, expected_dob: np.ndarray | None = None) -> np.ndarray:
        dob = np.asarray(dob, dtype="M8[D]")
        if expected_dob is None:
            expected_dob = np.full(dob.shape, NAT)
        self._dob.append(dob)
        self._expected.append(np.asarray(expected_dob, dtype="M8[D]"))
        handles = np.arange(self.count, self.count + len(dob))
        self.count += len(dob)
        return handles

    @property
    def dob(self) -> np.ndarray:
        if len(self._dob) > 1:
            self._dob = [np.concatenate(self._dob)]
            self._expected = [np.concatenate(self._expected)]
        return self._dob[0] if self._dob else np.array([], dtype="M8[D]")

    @property
    def expected_dob(self) -> np.ndarray:
        self.dob  # noqa: B018 - consolidates the chunks
        return self._expected[0] if self._expected else np.array([], dtype="M8[D]")

    def set_dob(self, handles: np.ndarray, dob: np.ndarray) -> None:
        self.dob[np.asarray(handles)] = dob

    def record_death(self, handle: int, day: np.datetime64) -> None:
        self._death[int(handle)] = day

    def table(self, seed: int, used: np.ndarray, end: np.datetime64):
        """`ssd_person` for the people some record uses, plus the handle -> id mapping.

        A child still unborn at the extract date has only an expected date of birth; a child
        referred before birth keeps the expected date beside the real one, as systems do.
        """
        rng = stream(seed, "people")
        dob, expected = self.dob, self.expected_dob
        death = np.full(self.count, NAT)
        for handle, day in self._death.items():
            death[handle] = day
        # Sex and ethnicity are drawn for everyone so a person's values do not depend on which
        # other people happen to be written.
        sex = pick(rng, list(SEX), list(SEX.values()), self.count)
        ethnicity = pick(rng, list(ETHNICITY), list(ETHNICITY.values()), self.count)
        rows = np.flatnonzero(used)
        high = max(1_000_000, 4 * len(rows))
        person_id = np.full(self.count, None, dtype=object)
        person_id[rows] = ids.sparse(rng, "", len(rows), 1, high, len(str(high - 1)))
        born = dob[rows] <= end
        frame = pd.DataFrame(
            {
                "pers_person_id": person_id[rows],
                "pers_sex": np.where(born, sex[rows], "U"),
                "pers_ethnicity": np.where(born, ethnicity[rows], None),
                "pers_dob": np.where(born, dob[rows], NAT),
                "pers_expected_dob": expected[rows],
                "pers_death_date": np.where(death[rows] <= end, death[rows], NAT),
            }
        )
        return frame, person_id
