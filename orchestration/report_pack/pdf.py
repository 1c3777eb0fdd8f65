"""Headless Chromium: the PDF of the pack (A4, the HTML's page breaks), and screenshots.

Chromium is found by `config.find_chromium` (CSC_CHROMIUM, else chromium on PATH). Each call uses
a new, temporary profile and no network: the HTML is self-contained."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from orchestration.report_pack.config import find_chromium

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
]
TIMEOUT_SECONDS = 120


class ChromiumError(RuntimeError):
    pass


def run_chromium(
    args: list[str], url: str, chromium: str | None = None, timeout: int = TIMEOUT_SECONDS
) -> subprocess.CompletedProcess:
    executable = chromium or find_chromium()
    if not executable:
        raise ChromiumError(
            "Chromium not found: install it (apt-get install chromium) or set CSC_CHROMIUM"
        )
    with tempfile.TemporaryDirectory(prefix="kpi-pack-chromium-") as profile:
        command = [executable, *FLAGS, f"--user-data-dir={profile}", *args, url]
        try:
            return subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            raise ChromiumError(f"Chromium did not finish within {timeout} s") from None


def print_pdf(html_path: Path, pdf_path: Path, chromium: str | None = None) -> Path:
    pdf_path.unlink(missing_ok=True)
    result = run_chromium(
        [f"--print-to-pdf={pdf_path}", "--no-pdf-header-footer"],
        html_path.resolve().as_uri(),
        chromium,
    )
    if not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        tail = (result.stderr or "").strip().splitlines()[-3:]
        raise ChromiumError(
            f"Chromium printed no PDF (exit {result.returncode}): {' | '.join(tail)}"
        )
    return pdf_path


def screenshot(
    html_path: Path,
    png_path: Path,
    page_id: str | None = None,
    window_size: tuple[int, int] = (1280, 2000),
    chromium: str | None = None,
) -> Path:
    """A PNG of the pack, or of one page of it (`kpi_pack.html#<page_id>` shows that page only)."""
    png_path.unlink(missing_ok=True)
    url = html_path.resolve().as_uri() + (f"#{page_id}" if page_id else "")
    result = run_chromium(
        [f"--screenshot={png_path}", f"--window-size={window_size[0]},{window_size[1]}"],
        url,
        chromium,
    )
    if not png_path.is_file():
        raise ChromiumError(f"Chromium took no screenshot (exit {result.returncode})")
    return png_path
