"""The HTML trace stepper (`gcverify trace … --html FILE`) in a real headless Chromium, over selenium.

One browser for the module; each test loads the page afresh.  Needs Debian's chromium and
chromium-driver and Graphviz; without them the tests skip with the reason (with
GCVERIFY_REQUIRE_TOOLS=1, as in CI, they fail instead).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement

from gcverify.cli import main
from gcverify.dsl.loader import bundled_specs
from gcverify.pipeline import CheckConfig, check_spec, load_spec
from gcverify.source import Span
from tests.tools import need

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SPEC = bundled_specs() / "barriers" / "none.gcv"
PROPERTY = "strong_tricolor"
OPTIONS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
)


@dataclass(frozen=True)
class Page:
    url: str
    spans: list[Span]  # the source location of each step (1 … n)

    @property
    def steps(self) -> int:
        return len(self.spans)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Page:
    need("Graphviz's dot", shutil.which("dot") is not None, "install graphviz (apt-get install graphviz)")
    folder = tmp_path_factory.mktemp("stepper")
    html = folder / "trace.html"
    got = CliRunner().invoke(main, ["trace", str(SPEC), PROPERTY, "--dot", str(folder / "dot"), "--html", str(html)])
    assert got.exit_code == 0, got.output
    result = check_spec(load_spec(SPEC), CheckConfig())
    finding = next(c.finding for c in result.results if c.property.display == PROPERTY)
    assert finding is not None
    spans = [result.spec.actions[s.action.action].span for s in finding.trace.steps]
    assert all(spans)
    return Page(html.as_uri(), [s for s in spans if s is not None])


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    need("Chromium", CHROMIUM.exists(), "install Debian's chromium (apt-get install chromium)")
    need("chromedriver", CHROMEDRIVER.exists(), "install Debian's chromium-driver (apt-get install chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for option in (*OPTIONS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(option)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    except WebDriverException as e:
        need("a headless Chromium session", False, f"chromedriver could not start Chromium: {e.msg}")
        raise
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def stepper(page: Page, browser: webdriver.Chrome) -> webdriver.Chrome:
    browser.get(page.url)
    return browser


def counter(driver: webdriver.Chrome) -> str:
    return driver.find_element(By.ID, "counter").text


def picture(driver: webdriver.Chrome) -> WebElement:
    """The one picture shown: an inline <svg> in #picture."""
    shown = [s for s in driver.find_elements(By.CSS_SELECTOR, "#picture svg") if s.is_displayed()]
    assert len(shown) == 1
    return shown[0]


def shown_step(driver: webdriver.Chrome) -> str | None:
    figure = picture(driver).find_element(By.XPATH, "./ancestor::figure[1]")
    return figure.get_attribute("data-step")


def click(driver: webdriver.Chrome, button: str, times: int = 1) -> None:
    for _ in range(times):
        driver.find_element(By.ID, button).click()


def test_it_starts_at_step_0_with_an_inline_svg(stepper: webdriver.Chrome, page: Page) -> None:
    assert counter(stepper) == f"step 0 of {page.steps}"
    svg = picture(stepper)
    assert svg.tag_name == "svg" and shown_step(stepper) == "0"
    assert not stepper.find_elements(By.CSS_SELECTOR, "#picture img, #picture object, #picture iframe")
    assert "initial state" in stepper.find_element(By.ID, "source").text
    assert stepper.find_element(By.ID, "prev").get_attribute("disabled") is not None


def test_next_shows_the_next_step_its_picture_and_source_line(stepper: webdriver.Chrome, page: Page) -> None:
    before = picture(stepper).get_attribute("outerHTML")
    for i in range(1, page.steps + 1):
        click(stepper, "next")
        assert counter(stepper) == f"step {i} of {page.steps}"
        assert shown_step(stepper) == str(i)
        now = picture(stepper).get_attribute("outerHTML")
        assert now != before
        before = now
        span = page.spans[i - 1]
        source = stepper.find_element(By.ID, "source").text
        assert Path(span.file.name).name in source and f"line {span.line}" in source
        assert span.file.line(span.line).strip() in source
    assert "strong_tricolor" in stepper.find_element(By.ID, "details").text


def test_previous_goes_back(stepper: webdriver.Chrome, page: Page) -> None:
    click(stepper, "next", 3)
    click(stepper, "prev")
    assert counter(stepper) == f"step 2 of {page.steps}" and shown_step(stepper) == "2"
    span = page.spans[1]
    assert span.file.line(span.line).strip() in stepper.find_element(By.ID, "source").text


def test_the_ends_stay_put(stepper: webdriver.Chrome, page: Page) -> None:
    click(stepper, "prev")
    assert counter(stepper) == f"step 0 of {page.steps}" and shown_step(stepper) == "0"
    click(stepper, "next", page.steps + 2)
    assert counter(stepper) == f"step {page.steps} of {page.steps}" and shown_step(stepper) == str(page.steps)
    assert stepper.find_element(By.ID, "next").get_attribute("disabled") is not None


def test_arrow_keys(stepper: webdriver.Chrome, page: Page) -> None:
    body = stepper.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    assert counter(stepper) == f"step 2 of {page.steps}" and shown_step(stepper) == "2"
    body.send_keys(Keys.ARROW_LEFT)
    assert counter(stepper) == f"step 1 of {page.steps}"
    body.send_keys(Keys.ARROW_LEFT, Keys.ARROW_LEFT)
    assert counter(stepper) == f"step 0 of {page.steps}"
    body.send_keys(Keys.END)
    assert counter(stepper) == f"step {page.steps} of {page.steps}"


def test_no_script_errors(stepper: webdriver.Chrome, page: Page) -> None:
    click(stepper, "next", page.steps)
    stepper.find_element(By.TAG_NAME, "body").send_keys(Keys.HOME)
    try:
        log = stepper.get_log("browser")  # type: ignore[no-untyped-call]  # selenium leaves it untyped
    except (AttributeError, WebDriverException):
        pytest.skip("this driver does not expose the browser log")
    assert [e for e in log if e.get("level") == "SEVERE"] == []
