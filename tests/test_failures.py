"""The one-line root cause of a failed step (orchestration/failures.py): what the run summary,
the alerts and the run list print instead of Dagster's "Error occurred while executing op"."""

from __future__ import annotations

import dagster as dg

from orchestration.failures import root_cause


class ExtractBroken(Exception):
    pass


def _step_error(asset):
    result = dg.materialize([asset], raise_on_error=False)
    (event,) = [e for e in result.all_events if e.is_step_failure]
    return event.step_failure_data.error


def test_the_exception_the_step_raised_not_the_dagster_wrapper():
    @dg.asset
    def chained():
        try:
            raise KeyError("inner detail")
        except KeyError as exc:
            raise ExtractBroken("ssd_person.csv: the header row is missing\nmore text") from exc

    error = _step_error(chained)
    assert "Error occurred while executing op" in error.message  # what used to be printed
    assert root_cause(error) == "ExtractBroken: ssd_person.csv: the header row is missing"


def test_a_failure_reads_as_its_description():
    @dg.asset
    def failing():
        raise dg.Failure(description="ssd_contacts.csv, column 'cont_contact_id': missing")

    assert root_cause(_step_error(failing)) == (
        "ssd_contacts.csv, column 'cont_contact_id': missing"
    )


def test_an_exception_without_a_message_is_named_by_its_class():
    @dg.asset
    def silent():
        raise RuntimeError()

    assert root_cause(_step_error(silent)) == "RuntimeError"
    assert root_cause(None) == "(no error recorded)"
