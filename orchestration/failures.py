"""A failure in one line: the message of the exception that caused it, not Dagster's wrapper.

Dagster reports a step that raised as `DagsterExecutionStepExecutionError: Error occurred while
executing op "…"`, with the exception the step raised as its cause. Operators reading the run
summary, an alert or the run list need that cause, in one line, whatever the step.
"""

from __future__ import annotations

# Error classes that only say where an error happened, never why; the cause beneath says why.
_WRAPPERS = frozenset(
    {
        "DagsterExecutionStepExecutionError",
        "DagsterUserCodeExecutionError",
        "DagsterResourceFunctionError",
        "DagsterUserCodeProcessError",
        "DagsterExecutionInterruptedError",
    }
)


def _message_line(error) -> str:
    """The first non-empty line of an error's message, without the module path Dagster adds
    before the class name (`dagster._core.definitions.events.Failure: …` reads `…`)."""
    text = (error.message or "").strip()
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    cls_name = error.cls_name or ""
    for prefix in (f"{cls_name}: ",):
        head, sep, rest = line.partition(prefix)
        if sep and (not head or head.endswith(".")):
            line = rest if cls_name == "Failure" else f"{cls_name}: {rest}"
            break
    return line


def root_cause(error) -> str:
    """One line naming why `error` (a Dagster `SerializableErrorInfo`) happened: the message of
    the first exception beneath Dagster's wrappers, or the wrapper's own message without one."""
    if error is None:
        return "(no error recorded)"
    current = error
    while current.cls_name in _WRAPPERS and (current.cause or current.context):
        current = current.cause or current.context
    return _message_line(current) or _message_line(error) or "(no message)"
