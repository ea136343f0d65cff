"""schedule serve in a real browser: Playwright drives the system Chromium, keyboard only.

The server is started as a new user would (`schedule serve --no-browser`), found at the address it
prints; every page is checked with axe-core (zero violations), every request the browser makes is
checked to stay on 127.0.0.1, and "Download everything" is compared byte for byte with what
`schedule propose` writes for the same data.
"""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import BUNDLED, REPO, make_data

playwright = pytest.importorskip("playwright.sync_api")

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
EPOCH = "1798761600"


def _need_tools() -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail("the system Chromium is needed (apt-get install -y chromium, as .ci/run does); "
                    "Playwright must not download its own browser")
    if not AXE.exists():
        pytest.fail(f"axe-core is needed: run 'npm install --no-save axe-core@4' in {REPO}")


class Server:
    def __init__(self, data: Path, runs: Path):
        env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(REPO)}
        self.proc = subprocess.Popen([sys.executable, "-m", "scheduler.cli", "serve", "--no-browser", "--data",
                                      str(data), "--runs", str(runs)], cwd=REPO, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        if not found:
            self.proc.kill()
            raise AssertionError(f"no address printed: {line!r} {self.proc.stderr.read()}")
        self.url = found.group(0)
        self.host = urlsplit(self.url).netloc

    def stop(self) -> str:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
        return self.proc.stderr.read()


@pytest.fixture
def browser():
    _need_tools()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def open_page(browser, server: Server, offsite: list[str], **kwargs):
    # bypass_csp lets the test inject axe-core; the pages themselves allow only their own script.
    context = browser.new_context(accept_downloads=True, bypass_csp=True, **kwargs)

    def guard(route):
        parts = urlsplit(route.request.url)
        if parts.scheme in ("data", "blob") or (parts.hostname == "127.0.0.1" and parts.netloc == server.host):
            route.continue_()
        else:
            offsite.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(90_000)
    return page


def axe(page) -> None:
    """Zero axe-core violations (any impact) on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return {violations: r.violations.map(v => ({id: v.id, impact: v.impact,
                 nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})), passes: r.passes.length};
    }""")
    assert result["passes"] > 10, result
    assert result["violations"] == [], f"{page.url}: {result['violations']}"


def tab_to(page, text: str, role: str | None = None, limit: int = 400) -> None:
    """Press Tab until the focused control's text is `text`; the focus must be visible there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => {
            const e = document.activeElement;
            if (!e || e === document.body) return null;
            const s = getComputedStyle(e);
            const label = e.labels && e.labels.length ? e.labels[0].textContent : '';
            return {text: (e.innerText || e.value || '').trim(), label: label.trim(), tag: e.tagName.toLowerCase(),
                    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
                    shadow: s.boxShadow !== 'none'};
        }""")
        if info and (info["text"] == text or info["label"].startswith(text)) and (role is None or info["tag"] == role):
            assert info["outline"] or info["shadow"], f"no visible focus on {text!r}: {info}"
            return
    raise AssertionError(f"could not reach {text!r} with the Tab key")


def fits(page, width: int) -> None:
    """No sideways scrolling of the page at this width (tables may scroll inside their own box)."""
    page.set_viewport_size({"width": width, "height": 900})
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px at {width}px wide"
    page.set_viewport_size({"width": 1280, "height": 900})


def h1(page) -> str:
    return page.locator("h1").inner_text().strip()


def test_the_whole_flow_with_the_keyboard(browser, tmp_path):
    server = Server(BUNDLED, tmp_path / "runs")
    offsite: list[str] = []
    try:
        page = open_page(browser, server, offsite)
        page.goto(server.url)
        assert h1(page) == "Your data"
        axe(page)
        fits(page, 320)  # 1280 px at 400% zoom; 200% zoom is 640 px
        fits(page, 640)

        tab_to(page, "Plan the programme", "button")
        page.keyboard.press("Enter")
        page.wait_for_selector("h1:text-is('Proposed programme')")
        axe(page)
        fits(page, 640)

        # every meeting of proposals.csv is listed, as `schedule propose` writes it
        cli = tmp_path / "cli-out"
        env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(REPO)}
        subprocess.run([sys.executable, "-m", "scheduler.cli", "propose", "--data", str(BUNDLED), "--out", str(cli)],
                       cwd=REPO, env=env, capture_output=True, check=False)
        rows = [line.split(",") for line in (cli / "proposals.csv").read_text(encoding="utf-8").splitlines()[1:]]
        table = page.locator("table.programme-list tbody tr")
        assert table.count() == len(rows)
        for i, row in enumerate(rows):
            cells = table.nth(i)
            assert f"/meetings/{row[0]}/{row[1]}" in cells.locator("a").get_attribute("href")
            if row[3] == "scheduled":
                assert cells.locator("time").get_attribute("datetime") == row[4]

        tab_to(page, "Download everything", "a")
        with page.expect_download() as download:
            page.keyboard.press("Enter")
        zipped = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
        want = {p.relative_to(cli).as_posix(): p.read_bytes() for p in cli.rglob("*") if p.is_file()}
        assert {n: zipped.read(n) for n in zipped.namelist()} == want

        # one meeting: why, and a change checked at once
        results_url = page.url
        first = f"{rows[0][2]} #{rows[0][1]}"
        tab_to(page, first, "a")
        page.keyboard.press("Enter")
        page.wait_for_selector("h2:text-is('Why it sits there')")
        axe(page)
        fits(page, 640)
        tab_to(page, "Venue", "select")
        page.keyboard.press("ArrowDown")  # the next venue: checked as soon as it changes
        page.wait_for_selector("#check-result p strong")
        assert "At " in page.locator("#check-result").inner_text()
        axe(page)
        tab_to(page, "Check this change", "button")  # the same check as a plain form
        page.keyboard.press("Enter")
        page.wait_for_selector("#check-result p strong")
        axe(page)

        # fix it where it is, and re-plan the rest around it
        page.goto(page.url.replace("/check", ""))
        tab_to(page, "Fix it here and re-plan the rest", "button")
        page.keyboard.press("Enter")
        page.wait_for_selector("h1:text-is('Proposed programme')")
        assert page.url != results_url
        assert page.locator("h3:text-is('Meetings you fixed')").count() == 1
        axe(page)

        # a what-if: a venue closes; the changes are shown before anything is written
        page.goto(results_url)
        tab_to(page, "Ask what changes", "a")
        page.keyboard.press("Enter")
        page.wait_for_selector("h1:text-is('What if something changes?')")
        axe(page)
        used = rows[0][7]
        tab_to(page, "Venue", "select")
        page.select_option("#venue", used)  # a select takes its choice from the keyboard as typed letters too
        tab_to(page, "See what changes if this venue closes", "button")
        page.keyboard.press("Enter")
        page.wait_for_selector("button:text-is('Keep these changes')")
        assert page.locator("h2:text-is('Meetings that would move or be cancelled')").count() == 1
        axe(page)
        tab_to(page, "Keep these changes", "button")
        page.keyboard.press("Enter")
        page.wait_for_selector("h1:text-is('Proposed programme')")
        assert page.locator("h2:text-is('What changed')").count() == 1
        axe(page)

        # the person what-if form, the list of runs
        page.goto(results_url + "/whatif/person?participant_id=" + _first_person())
        axe(page)
        page.goto(server.url + "runs")
        axe(page)
        page.goto(server.url + "runs/nothing-here")
        assert h1(page) == "Not found"
        axe(page)
    finally:
        stderr = server.stop()
    assert offsite == [], offsite
    assert "Traceback" not in stderr
    assert "@" not in stderr  # no email address (or anything of the data) is logged


def _first_person() -> str:
    text = (BUNDLED / "participants.csv").read_text(encoding="utf-8-sig").splitlines()
    return text[1].split(",")[0]


def test_data_problems_progress_and_stop(browser, tmp_path):
    """Uploaded files with a mistake are listed; a long plan shows progress and stops when asked."""
    from benchmarks.generate import generate

    big = tmp_path / "big"
    generate("M", 1, big)
    bad = make_data(tmp_path / "bad")
    (bad / "venues.csv").write_text((bad / "venues.csv").read_text(encoding="utf-8").replace(",30,", ",thirty,", 1),
                                    encoding="utf-8")
    server = Server(BUNDLED, tmp_path / "runs")
    offsite: list[str] = []
    try:
        page = open_page(browser, server, offsite)
        page.goto(server.url)
        page.set_input_files("#files", [str(bad / n) for n in ("venues.csv", "participants.csv", "meetings.csv",
                                                                "term_dates.csv")])
        tab_to(page, "Upload and check", "button")
        page.keyboard.press("Enter")
        page.wait_for_selector("table.problems")
        assert "capacity" in page.locator("table.problems").inner_text()
        axe(page)
        page.locator("table.problems a").first.focus()
        page.keyboard.press("Enter")
        page.wait_for_selector("tr.has-problem")
        assert page.url.endswith("#row-2")
        axe(page)

        page.goto(server.url)
        page.set_input_files("#files", [str(big / n) for n in ("venues.csv", "participants.csv", "meetings.csv",
                                                                "term_dates.csv", "settings.toml")])
        tab_to(page, "Upload and check", "button")
        page.keyboard.press("Enter")
        page.wait_for_selector("button:text-is('Plan the programme')")
        page.locator("summary").click()
        page.fill("#from", "2026-09-01")
        page.fill("#time_limit", "120")
        tab_to(page, "Plan the programme", "button")
        page.keyboard.press("Enter")
        page.wait_for_selector("h1:text-is('Planning the programme')")
        axe(page)
        assert page.locator("#phase[role=status]").count() == 1
        tab_to(page, "Stop and keep the best plan so far", "button")
        page.keyboard.press("Enter")
        page.wait_for_selector("h1:text-is('Proposed programme')", timeout=120_000)
        text = page.inner_text("main")
        # stopped while searching: the best plan so far; a search already proven has nothing to stop
        assert "You stopped the search early" in text or "the solver proved it" in text
        axe(page)
    finally:
        stderr = server.stop()
    assert offsite == [], offsite
    assert "Traceback" not in stderr
