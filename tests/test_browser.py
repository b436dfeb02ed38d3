"""The web page in a real headless Chromium (Debian's), driven by Playwright, against a real uvicorn.

Never downloads a browser: launches /usr/bin/chromium (or $CHROMIUM). Skips with a reason when no
Chromium is installed (`.ci/run` installs it).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def page(server: str, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    exe = chromium_path()
    if exe is None:
        pytest.skip("no Chromium found (install Debian's `chromium` or set CHROMIUM); browser test skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=exe,
            headless=True,
            args=FLAGS,
            viewport={"width": 1000, "height": 900},
        )
        pg = context.new_page()
        pg.goto(server + "/")
        yield pg
        context.close()


def test_ask_see_citations_and_jump_to_reference(page) -> None:  # type: ignore[no-untyped-def]
    page.fill("#question", "What complications are related to deep venous thrombosis prophylaxis in trauma?")
    page.keyboard.press("Enter")
    page.wait_for_selector("#result:not([hidden])", timeout=60_000)
    answer = page.inner_text("#answer")
    assert "[1]" in answer
    assert page.locator("#evidence li").count() >= 1
    first_ref = page.inner_text("#ref-1")
    assert "2010" in first_ref and "doi:10.1186/1752-2897-4-1" in first_ref
    page.click("#answer a.cite[data-n='1']")
    assert page.evaluate("document.activeElement.id") == "ref-1"
    assert "active" in (page.get_attribute("#ref-1", "class") or "")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "answer.png"), full_page=True)


def test_error_state_is_shown(page) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("document.getElementById('question').removeAttribute('maxlength')")
    page.fill("#question", "x" * 1200)
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('status').textContent.includes('Could not answer')")
    assert "1000" in page.inner_text("#status") or "characters" in page.inner_text("#status")
