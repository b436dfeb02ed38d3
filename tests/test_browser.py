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


def _ask(page, selector: str, question: str, turn: int) -> None:  # type: ignore[no-untyped-def]
    page.fill(selector, question)
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#turn-{turn} .answer", timeout=60_000)


def _numbers(page, turn: int) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Reference number → formatted text, as shown for one turn."""
    items = page.locator(f"#turn-{turn} .references li")
    return {items.nth(i).get_attribute("data-n"): items.nth(i).inner_text() for i in range(items.count())}


def _quoted_sentences(page, turn: int) -> list[str]:  # type: ignore[no-untyped-def]
    """Every «quoted» sentence the turn shows: bottom line and key-finding bullets."""
    import re

    texts = [page.inner_text(f"#turn-{turn} .bottom-line")]
    bullets = page.locator(f"#turn-{turn} .findings li")
    texts += [bullets.nth(i).inner_text() for i in range(bullets.count())]
    quotes = [q for text in texts for q in re.findall(r"«(.+?)»", text, flags=re.S)]
    return [s.strip() for q in quotes for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", q) if s.strip()]


def test_three_turn_conversation_with_stable_numbers(page) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    _ask(
        page,
        "#question",
        "What complications are related to deep venous thrombosis prophylaxis in trauma?",
        1,
    )
    bottom = page.inner_text("#turn-1 .bottom-line")
    assert "[1]" in bottom and "«" in bottom and " found: " in bottom
    assert bottom.rstrip().endswith(("(p. 1)", "(p. 2)"))  # the review's abstract, with its page
    quoted = _quoted_sentences(page, 1)
    assert quoted and len(quoted) == len(set(quoted))  # no sentence shown twice
    assert "not medical advice" in page.inner_text("#turn-1 .turn-disclaimer")
    first = _numbers(page, 1)["1"]
    assert "2010" in first and "doi:10.1186/1752-2897-4-1" in first
    page.click("#turn-1 .answer a.cite[data-n='1']")
    assert page.evaluate("document.activeElement.id") == "t1-ref-1"
    assert "active" in (page.get_attribute("#t1-ref-1", "class") or "")
    page.screenshot(path=str(ARTIFACTS / "turn1.png"), full_page=True)

    _ask(page, "#followup", "and what are the risks of heparin?", 2)
    assert "Follow-up" in page.inner_text("#turn-2 .searched")
    second = _numbers(page, 2)
    assert "1" in second and second["1"] == first  # the same source keeps [1]
    page.screenshot(path=str(ARTIFACTS / "turn2.png"), full_page=True)

    _ask(page, "#followup", "Tell me more about [1]", 3)
    assert "reference [1]" in page.inner_text("#turn-3 .searched")
    assert set(_numbers(page, 3)) == {"1"}
    page.screenshot(path=str(ARTIFACTS / "turn3.png"), full_page=True)
    assert page.locator("#turn-3 .caveat").is_hidden()  # no population asked about

    _ask(page, "#followup", "and in children?", 4)  # the review never mentions children
    assert page.locator("#turn-4 .caveat").is_visible()
    assert "mentions children or adolescents" in page.inner_text("#turn-4 .caveat")

    page.reload()  # the conversation of this tab is restored from the server
    page.wait_for_selector("#turn-4 .answer", timeout=30_000)
    assert _numbers(page, 2)["1"] == first


def test_error_state_is_shown(page) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("document.getElementById('question').removeAttribute('maxlength')")
    page.fill("#question", "x" * 1200)
    page.keyboard.press("Enter")
    page.wait_for_selector("#error:not([hidden])", timeout=30_000)
    assert "Could not answer" in page.inner_text("#error") and "1000" in page.inner_text("#error")
