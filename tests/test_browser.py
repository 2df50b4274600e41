"""The public page in a real browser: Debian's headless Chromium, driven by Selenium, at a
phone's 390 px and a desktop's 1280 px. The figures show, a filter chosen in the form gives
the filtered list, the language switch works, and axe-core finds no serious or critical
accessibility violation. Screenshots go to test-artifacts/ for a reviewer to look at."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from bot.web import _Server, web_app
from tests.bot_api_server import free_port
from tests.harness import Harness
from tests.test_opendata import _pact

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def _browser(width: int, height: int) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", f"--window-size={width},{height}",
    ):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_window_size(width, height)
    return driver


def _wait(driver: Any, ready: Callable[[Any], object]) -> None:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        WebDriverWait(driver, 10).until(ready)
    except TimeoutException:
        raise AssertionError(
            f"the page never got there: {driver.current_url}\n{driver.page_source[:2000]}"
        ) from None


def _axe(driver: Any) -> list[dict[str, Any]]:
    from axe_selenium_python import Axe

    axe = Axe(driver)
    axe.inject()
    results = axe.run()
    return [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]


def _visit(base: str, width: int, height: int, name: str) -> list[str]:
    """What a person does on the page at this size; the problems found."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    problems: list[str] = []
    driver = _browser(width, height)
    try:
        driver.get(f"{base}/?lang=en")
        heading = driver.find_element(By.TAG_NAME, "h1")
        if not heading.is_displayed() or heading.text != "The pact at a glance":
            problems.append(f"{name}: the heading is {heading.text!r}")
        table = driver.find_element(By.TAG_NAME, "table")
        if "Education and training" not in table.text:
            problems.append(f"{name}: the figures per sector do not show")
        page_width = driver.execute_script("return document.documentElement.scrollWidth")
        if page_width > width + 1:
            problems.append(f"{name}: the page is {page_width}px wide on a {width}px screen")
        driver.save_screenshot(str(ARTIFACTS / f"glance-{name}.png"))
        problems += [f"{name} /: {v['id']}: {v['help']}" for v in _axe(driver)]
        driver.find_element(By.LINK_TEXT, "Commitments").click()
        _wait(driver, lambda d: "/commitments" in d.current_url and d.find_elements(By.ID, "lever"))
        Select(driver.find_element(By.ID, "lever")).select_by_value("agency")
        driver.find_element(By.CSS_SELECTOR, "form.filters button").click()
        _wait(
            driver,
            lambda d: "lever=agency" in d.current_url and d.find_elements(By.TAG_NAME, "main"),
        )
        if "lever=agency" not in driver.current_url:
            problems.append(f"{name}: the filter did not reach the address")
        if "Taalcafé in de buurt" not in driver.find_element(By.TAG_NAME, "main").text:
            problems.append(f"{name}: the filtered list misses the commitment")
        driver.save_screenshot(str(ARTIFACTS / f"commitments-{name}.png"))
        problems += [f"{name} /commitments: {v['id']}: {v['help']}" for v in _axe(driver)]
        driver.find_element(By.LINK_TEXT, "Nederlands").click()
        _wait(driver, lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "nl")
        lang = driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
        if lang != "nl" or "lever=agency" not in driver.current_url:
            problems.append(f"{name}: the language switch gave {lang!r} at {driver.current_url}")
        if "De engagementen" not in driver.find_element(By.TAG_NAME, "h1").text:
            problems.append(f"{name}: the Dutch page's heading is missing")
    finally:
        driver.quit()
    return problems


async def _serving(h: Harness, visit: Callable[[str], list[str]]) -> list[str]:
    port = free_port()
    config = uvicorn.Config(
        web_app(h.application), host="127.0.0.1", port=port, log_config=None, lifespan="off"
    )
    server = _Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn has no event for it
        await asyncio.sleep(0.02)
    try:
        return await asyncio.to_thread(visit, f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        await serving


@pytest.mark.skipif(
    not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)) and not os.environ.get("CI"),
    reason="Debian's chromium and chromium-driver (.ci/run installs them)",
)
async def test_the_public_page_in_a_real_browser_on_a_phone_and_a_desktop(
    harness: Harness,
) -> None:
    await _pact(harness)
    ARTIFACTS.mkdir(exist_ok=True)

    def visit(base: str) -> list[str]:
        return _visit(base, 390, 844, "phone") + _visit(base, 1280, 900, "desktop")

    problems = await _serving(harness, visit)
    assert problems == []
    assert (ARTIFACTS / "glance-phone.png").stat().st_size > 1000
