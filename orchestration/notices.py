"""Notices for whoever looks after the nightly build: a failed night, a recovered night, a source
that has stopped changing.

A notice is a few lines of text: which job, which step, the root cause in one line, where to look
(run id, the run's page in the webserver, the log folder). It never carries a row value or an
identifier from the extracts: the cause is the one-line message of the step's error
(`orchestration.failures.root_cause`), which names files, rows and columns, never their contents.

Every notice is written to `DAGSTER_HOME/notices/` whether or not email is configured, then sent
by email when CSC_ALERT_SMTP_HOST is set. A failure to send is logged and recorded in the notice
file; it never raises, so the sensor that sent it keeps running.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from orchestration.settings import (
    AlertSettings,
    SettingError,
    dagster_home,
    load_alert_settings,
)

SUBJECT_PREFIX = "[CSC KPI warehouse]"
# A root cause longer than this is cut, with a note: a notice is a pointer, the full message is
# on the run's page.
MAX_CAUSE_CHARS = 300
SMTP_TIMEOUT_SECONDS = 30

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    kind: str  # "failure", "recovery", "stale-source"
    subject: str
    body: str
    # Ties the notice file to what it is about (a run id, an episode of a stale source).
    reference: str


def one_line(text: str, limit: int = MAX_CAUSE_CHARS) -> str:
    """Whitespace folded to single spaces, cut at `limit` characters."""
    line = re.sub(r"\s+", " ", text or "").strip()
    if len(line) > limit:
        line = line[: limit - 1].rstrip() + "… (cut; full message on the run's page)"
    return line


def notices_dir() -> Path:
    return dagster_home() / "notices"


def _owner_only_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def write_notice(notice: Notice, now: dt.datetime | None = None) -> Path:
    """The notice as a file of its own, owner-only, named by time, kind and reference."""
    now = now or dt.datetime.now(dt.UTC)
    folder = _owner_only_dir(notices_dir())
    safe_reference = re.sub(r"[^A-Za-z0-9_.-]", "_", notice.reference)[:40]
    path = folder / f"{now:%Y%m%dT%H%M%SZ}-{notice.kind}-{safe_reference}.txt"
    text = (
        f"Subject: {notice.subject}\n"
        f"Written: {now.astimezone():%Y-%m-%d %H:%M:%S %Z}\n\n"
        f"{notice.body.rstrip()}\n\n"
    )
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)
    return path


def _record_delivery(path: Path, line: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line.rstrip() + "\n")


def send_email(notice: Notice, settings: AlertSettings) -> None:
    """Send the notice through the configured SMTP server; raises on any failure."""
    message = EmailMessage()
    message["Subject"] = notice.subject
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.recipients)
    message.set_content(notice.body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
        if settings.smtp_starttls:
            # Raises SMTPNotSupportedError when the server does not offer STARTTLS: never fall
            # back to sending the password or the notice in the clear.
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(message)


class NoticeUndelivered(Exception):
    """A notice could be neither written to its file nor emailed."""


def deliver(notice: Notice, logger: logging.Logger | None = None) -> Path | None:
    """Write the notice to its file, then email it if configured. A failure to email is logged
    and appended to the file, never raised; a file that cannot be written (a full disk) is
    logged and said in the email. Only when neither worked does it raise, so the sensor's tick
    fails visibly and is tried again."""
    logger = logger or log
    path = None
    try:
        path = write_notice(notice)
        logger.info(f"notice written: {path}")
    except OSError as exc:
        file_problem = f"the notice file could not be written in {notices_dir()}: {exc}"
        logger.error(f"{notice.kind} notice: {file_problem}")
        notice = Notice(
            kind=notice.kind,
            subject=notice.subject,
            body=f"{notice.body.rstrip()}\n\n(Not in the notices folder: {file_problem})",
            reference=notice.reference,
        )
    outcome, sent = _email(notice, logger)
    if path is not None:
        _record_delivery(path, outcome)
    elif not sent:
        raise NoticeUndelivered(f"{notice.subject}: no file written, and {outcome}")
    return path


def _email(notice: Notice, logger: logging.Logger) -> tuple[str, bool]:
    """(the line recorded in the notice file, whether the email went)."""
    try:
        settings = load_alert_settings()
    except SettingError as exc:
        outcome = f"Email: not sent: {exc}"
        logger.warning(f"{notice.kind} notice: {outcome}")
        return outcome, False
    if not settings.email_configured:
        return "Email: not configured (CSC_ALERT_SMTP_HOST is not set)", False
    try:
        send_email(notice, settings)
    except Exception as exc:  # noqa: BLE001 - any failure to send must leave the sensor running
        reason = one_line(f"{type(exc).__name__}: {exc}", limit=200)
        outcome = (
            f"Email: NOT SENT to {', '.join(settings.recipients)} via "
            f"{settings.smtp_host}:{settings.smtp_port}: {reason}"
        )
        logger.warning(f"{notice.kind} notice: {outcome}")
        return outcome, False
    sent_at = dt.datetime.now().astimezone()
    logger.info(f"{notice.kind} notice emailed to {', '.join(settings.recipients)}")
    return (
        f"Email: sent to {', '.join(settings.recipients)} via {settings.smtp_host}:"
        f"{settings.smtp_port} at {sent_at:%Y-%m-%d %H:%M:%S %Z}",
        True,
    )
