"""report.html: self-contained, accessible (axe-core in headless Chromium), truthful and private."""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
import struct
import subprocess
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import BASE_PEOPLE, BASE_VENUES, REPO, make_data

from scheduler import api
from scheduler.core.wording import short_date
from scheduler.outputs.folder import write_all
from scheduler.outputs.report import render_report, write_report
from scheduler.outputs.report_words import for_partners, rule_info

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
HOSTILE = '<script>alert("x")</script>'

# --- a small data folder that exercises every part of the report --------------------------------

VENUES = BASE_VENUES + [
    {"venue_id": "V3", "name": f'Worthing "Hall" {HOSTILE} & Co', "latitude": "50.8139",
     "longitude": "-0.3711", "capacity": "20", "access_checked": "2024-05-01",
     "address": "3 Sea Road, Worthing", "postcode": "BN11 1AA"},
]
VENUES[0] = {**VENUES[0], "access_checked": "2026-10-01"}  # recent: not flagged; V2 never checked

# Homes by position only: three close together (one ~10 km cell) and one on their own.
CLUSTER = [("G1", "51.0500", "-0.4500"), ("G2", "51.0600", "-0.4400"), ("G3", "51.0550", "-0.4550")]
LONE = ("G4", "50.8500", "-0.7500")
PEOPLE = [dict(p) for p in BASE_PEOPLE] + [
    {"participant_id": "PCN", "name": "Nadia Needham", "role": "parent_carer", "email": "nadia@example.org",
     "home_postcode": "RH12 1AB", "needs": "hearing_loop", "groups": "board"},
] + [
    {"participant_id": pid, "name": f"Grid Person {pid}", "role": "parent_carer", "email": f"{pid.lower()}@example.org",
     "latitude": lat, "longitude": lon, "groups": "board", "max_travel_minutes": "120"}
    for pid, lat, lon in [*CLUSTER, LONE]
]
MEETINGS = [
    {"meeting_id": "B", "title": f"SEND Partnership Board {HOSTILE}", "attendees": "group:board",
     "duration_minutes": "120", "recurrence": "once", "window_start": "2027-01-11",
     "window_end": "2027-01-22", "chair": "PR1", "participation_level": "co-production"},
    {"meeting_id": "Y", "title": 'Youth forum & "friends"', "attendees": "group:youth",
     "duration_minutes": "90", "recurrence": "monthly", "window_start": "2027-01-01",
     "window_end": "2027-03-31", "chair": "PR1", "participation_level": "participation"},
    {"meeting_id": "X", "title": "EHCP workshop", "attendees": "PC1;YP1", "duration_minutes": "120",
     "recurrence": "once", "window_start": "2027-02-01", "window_end": "2027-02-26"},
    {"meeting_id": "U", "title": "Impossible meeting", "attendees": "PCN", "duration_minutes": "60",
     "recurrence": "once", "window_start": "2027-03-01", "window_end": "2027-03-12", "venues": "V3",
     "participation_level": "consultation"},
]
TERMS = [
    {"term": "Spring 1", "first_day": "2027-01-04", "last_day": "2027-02-12", "status": "confirmed"},
    {"term": "Spring 2", "first_day": "2027-02-22", "last_day": "2027-03-25", "status": "indicative"},
]
START, END = date(2027, 1, 1), date(2027, 3, 31)
CHANGES = [
    {"meeting_id": "Y", "occurrence": 2, "uid": "y-2@example", "change": "moved",
     "old_date": "2027-02-10", "old_start": "16:30", "old_venue": "V2", "new_date": "2027-02-11",
     "new_start": "16:30", "new_venue": "V1", "reason": f"V2 closed {HOSTILE}", "travel_change_minutes": -12},
    {"meeting_id": "B", "occurrence": 1, "uid": "b-1@example", "change": "cancelled",
     "old_date": "2027-01-12", "old_start": "10:00", "old_venue": "V2", "new_date": "", "new_start": "",
     "new_venue": "", "reason": "no open venue is accessible to everyone", "travel_change_minutes": ""},
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Plan the small data once, write every output, and return (ds, plan, out folder)."""
    root = tmp_path_factory.mktemp("report")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1798761600")
        data = make_data(root / "data", venues=VENUES, people=PEOPLE, meetings=MEETINGS, terms=TERMS)
        result = api.propose(data, start=START, end=END, time_limit=10)
        out = root / "out"
        write_all(out, result.dataset, result.plan)
    return result.dataset, result.plan, out


@pytest.fixture(scope="module")
def page(built) -> str:
    return (built[2] / "report.html").read_text(encoding="utf-8")


# --- a small HTML reader ------------------------------------------------------------------------

class Page(HTMLParser):
    """Tags with attributes in order, heading levels, tables (caption, header and body rows)."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.headings: list[tuple[int, str]] = []
        self.tables: list[dict] = []
        self.styles: list[str] = []
        self._text: list[str] | None = None
        self._stack: list[str] = []
        self._heading: int | None = None
        self._in_style = False
        self._table: dict | None = None
        self._section = ""
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        self.tags.append((tag, a))
        if tag == "style":
            self._in_style = True
        if re.fullmatch(r"h[1-6]", tag):
            self._heading, self._text = int(tag[1]), []
        if tag == "table":
            self._table = {"caption": "", "head": [], "rows": [], "foot": [], "cells": []}
        elif self._table is not None:
            if tag in ("thead", "tbody", "tfoot"):
                self._section = tag
            elif tag == "tr":
                self._table["cells"] = []
            elif tag in ("th", "td", "caption"):
                self._text = []
                if tag != "caption":
                    self._table.setdefault("scopes", []).append((tag, a.get("scope", ""), self._section))
        if tag in ("br", "li", "p"):
            self.handle_data(" ")

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append((self._heading, _squash("".join(self._text or []))))
            self._heading, self._text = None, None
        t = self._table
        if t is None:
            return
        if tag == "caption":
            t["caption"] = _squash("".join(self._text or []))
            self._text = None
        elif tag in ("th", "td"):
            t["cells"].append(_squash("".join(self._text or [])))
            self._text = None
        elif tag == "tr":
            key = {"thead": "head", "tfoot": "foot"}.get(self._section, "rows")
            t[key].append(t["cells"])
        elif tag == "table":
            self.tables.append(t)
            self._table = None

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)
        if self._text is not None:
            self._text.append(data)

    def table(self, caption_start: str) -> list[dict]:
        return [t for t in self.tables if t["caption"].startswith(caption_start)]


def _squash(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def _proposals(out: Path) -> list[dict[str, str]]:
    with open(out / "proposals.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# --- headless Chromium ---------------------------------------------------------------------------

def _chromium() -> str:
    exe = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if exe is None:
        pytest.fail("headless Chromium is needed for this test: install Debian's 'chromium' package "
                    "(apt-get install -y chromium), as .ci/run does")
    return exe


def _run_chromium(profile: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-extensions", "--mute-audio", f"--user-data-dir={profile}",
           # The network is off: every request goes to a closed port and no name resolves.
           "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
           "--window-size=1280,2000", "--hide-scrollbars", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


AXE_RUNNER = """<script>
(function () {
  function done(text) {
    var pre = document.createElement('pre');
    pre.id = 'axe-result';
    pre.textContent = text;
    document.body.appendChild(pre);
  }
  axe.run(document, {resultTypes: ['violations']}).then(function (r) {
    done(JSON.stringify({rules: r.violations.map(function (v) {
      return {id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 5).map(function (n) { return n.target.join(' '); })};
    }), passes: r.passes.length}));
  }).catch(function (e) { done(JSON.stringify({error: String(e)})); });
})();
</script>"""


def run_axe(report: Path, work: Path) -> dict:
    """Run axe-core inside a copy of the page in headless Chromium; return its violations."""
    if not AXE.exists():
        pytest.fail(f"axe-core is needed for this test: run 'npm install --no-save axe-core@4' in {REPO}")
    text = report.read_text(encoding="utf-8")
    injected = text.replace("</body>", "<script>" + AXE.read_text(encoding="utf-8") + "</script>"
                            + AXE_RUNNER + "</body>")
    copy = work / "axe-page.html"
    copy.write_text(injected, encoding="utf-8")
    done = _run_chromium(work / "profile-axe", "--virtual-time-budget=30000", "--dump-dom", copy.as_uri())
    m = re.search(r'<pre id="axe-result">(.*?)</pre>', done.stdout, re.S)
    assert m, f"axe-core did not report back; chromium said: {done.stderr[-2000:]}"
    result = json.loads(html.unescape(m.group(1)))
    assert "error" not in result, result
    return result


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def _serious(result: dict) -> list[dict]:
    return [v for v in result["rules"] if v["impact"] in ("serious", "critical")]


# --- tests ---------------------------------------------------------------------------------------

def test_report_renders_offline_and_passes_axe(built, tmp_path):
    _, _, out = built
    report = out / "report.html"
    shot = tmp_path / "report.png"
    done = _run_chromium(tmp_path / "profile-shot", f"--screenshot={shot}", report.as_uri())
    assert shot.exists(), done.stderr[-2000:]
    assert _png_size(shot) == (1280, 2000)
    assert shot.stat().st_size > 20_000  # a blank page compresses to a few kilobytes

    result = run_axe(report, tmp_path)
    assert result["passes"] > 20  # axe really ran its rules on this page
    assert _serious(result) == [], json.dumps(result["rules"], indent=1)


def test_axe_catches_a_broken_page(tmp_path):
    """The axe harness itself fails a page with missing alternative text and low contrast."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><head><title>x</title></head><body><main><h1>x</h1>'
                   '<p style="color:#cccccc;background:#ffffff">faint</p>'
                   '<svg role="img" width="10" height="10"><circle r="3"/></svg></main></body></html>',
                   encoding="utf-8")
    ids = {v["id"] for v in _serious(run_axe(bad, tmp_path))}
    assert {"color-contrast", "svg-img-alt", "html-has-lang"} <= ids


def test_whatif_report_passes_axe_and_shows_changes_first(built, tmp_path):
    ds, plan, _ = built
    report = tmp_path / "report.html"
    write_report(report, ds, plan, CHANGES, what_if_summary="Venue V2 closes.\nTwo meetings change.")
    text = report.read_text(encoding="utf-8")
    doc = Page(text)
    h2 = [t for level, t in doc.headings if level == 2]
    assert h2[1] == "What changed" and h2[2] == "Summary"  # after the contents, before everything else
    assert "<p>Venue V2 closes.</p><p>Two meetings change.</p>" in text
    assert "1 meeting moved" in _squash(re.sub(r"<[^>]+>", "", text))
    [table] = doc.table("Meetings that moved or were cancelled")
    assert len(table["rows"]) == 2
    moved, cancelled = table["rows"]
    assert moved[1] == "Moved" and "Crawley Centre" in moved[2] and "Horsham Hall" in moved[3]
    assert moved[4] == f"V2 closed {HOSTILE}" and moved[5] == "-12"
    assert cancelled[1] == "Cancelled" and cancelled[3].startswith("Cancelled")
    assert "<script" not in text
    assert _serious(run_axe(report, tmp_path)) == []


def test_no_external_references(page):
    doc = Page(page)
    refs = []
    for tag, attrs in doc.tags:
        for name in ("src", "href", "xlink:href", "action", "formaction", "poster", "data", "srcset"):
            if name in attrs:
                refs.append((tag, name, attrs[name]))
        assert not (tag == "link" and "stylesheet" in attrs.get("rel", "")), "external stylesheet"
        assert not (tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh")
    assert not any(tag in ("script", "iframe", "object", "embed", "img", "link") for tag, _ in doc.tags)
    for tag, name, value in refs:
        assert value.startswith("#") or value.startswith("data:"), (tag, name, value)
    styles = "".join(doc.styles) + "".join(a.get("style", "") for _, a in doc.tags)
    assert "@import" not in styles and "@font-face" not in styles
    for url in re.findall(r"url\(\s*['\"]?([^)'\"]*)", styles + page):
        assert url.startswith("#") or url.startswith("data:"), url
    assert not re.search(r"(?i)\b(https?:|ftp:)//", page)
    assert not re.search(r"(?i)(src|href)\s*=\s*['\"]?//", page)


def test_numbers_agree_with_proposals_csv(built, page):
    ds, plan, out = built
    rows = _proposals(out)
    scheduled = [r for r in rows if r["status"] == "scheduled"]
    unscheduled = [r for r in rows if r["status"] == "unscheduled"]
    assert scheduled and unscheduled  # the small data must exercise both
    travel = sum(int(r["travel_total_minutes"]) for r in scheduled)
    doc = Page(page)

    figures = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", page))
    assert figures["Meetings placed"] == f"{len(scheduled)} of {len(rows)}"
    assert figures["Meetings not placed"] == str(len(unscheduled))
    assert figures["Family travel in all"] == f"{travel} minutes one way"
    relaxed = sum(1 for r in scheduled if r["rules_relaxed"])
    assert figures["Meetings that relax a rule"] == str(relaxed)

    # Every scheduled row of proposals.csv is one row of the programme, with the same facts.
    programme = [row for t in doc.table("Meetings in ") for row in t["rows"]]
    assert len(programme) == len(scheduled)
    for r in scheduled:
        d = date.fromisoformat(r["date"])
        match = [p for p in programme if p[0] == short_date(d) and p[1] == f"{r['start']} to {r['end']}"
                 and p[3].startswith(html.unescape(r["venue_name"]))]
        assert len(match) == 1, r
        p = match[0]
        assert p[6] == r["travel_total_minutes"]
        assert p[5] == (short_date(date.fromisoformat(r["papers_due"])) if r["papers_due"] else "No papers")
        for rule in filter(None, r["rules_relaxed"].split(";")):
            assert rule_info(rule)["sentence"] in p[7]  # in plain words, not the rule's code
            assert rule not in p[7]

    # Travel fairness: the per-person totals add up to the column total of proposals.csv.
    [fair] = doc.table("Yearly travel of each family member")
    assert sum(int(row[3]) for row in fair["rows"]) == travel
    assert fair["foot"][0][-1] == str(travel)

    # Meetings not placed, rules relaxed, participation levels.
    [missing] = doc.table("Meetings that could not be placed")
    assert len(missing["rows"]) == len({r["meeting_id"] for r in unscheduled})  # one row per series
    for r in unscheduled:
        [row] = [x for x in missing["rows"] if x[0] == html.unescape(r["title"])]
        assert f"meeting {r['occurrence']}, " in row[1]
        assert for_partners(html.unescape(r["reason"])) in row[2], r["reason"]
    [relaxed_table] = doc.table("Meetings placed with a relaxed rule")
    assert len(relaxed_table["rows"]) == relaxed
    [levels] = doc.table("Meetings by participation level")
    assert [row[0] for row in levels["rows"]] == ["Co-production", "Participation", "Consultation",
                                                  "Information", "Not set"]
    assert sum(int(row[3]) for row in levels["rows"]) == len(scheduled)
    assert sum(int(row[5]) for row in levels["rows"]) == len(unscheduled)
    by_level = {row[0]: int(row[3]) for row in levels["rows"]}
    assert by_level["Not set"] == sum(1 for r in scheduled if r["participation_level"] == "")

    # Venue rotation lists each series' venues in date order.
    [rotation] = doc.table("Where each meeting series meets")
    youth = [r for r in scheduled if r["meeting_id"] == "Y"]
    row = next(x for x in rotation["rows"] if x[0].startswith("Youth forum"))
    expected = [f"{short_date(date.fromisoformat(r['date']))}: {r['venue_name']} (near "
                for r in sorted(youth, key=lambda r: r["date"])]
    assert row[2].count("(near ") == len(expected)
    positions = [row[2].index(e) for e in expected]
    assert positions == sorted(positions)  # each meeting with its venue, in date order


def test_private_details_stay_out(built, page):
    ds, plan, _ = built
    text = html.unescape(page)
    chairs = {ds.participants[m.chair].name for m in ds.meetings.values() if m.chair}
    for p in ds.participants.values():
        # Names appear only as the chair of a meeting, never next to needs, homes or travel.
        if p.name not in chairs:
            assert p.name not in text, p.name
        assert not p.email or p.email not in text
        if p.home_postcode and " " in p.home_postcode:
            compact = p.home_postcode.replace(" ", "")
            assert p.home_postcode not in text.upper() and compact not in text.upper().replace(" ", "")
    for _, lat, lon in [*CLUSTER, LONE]:
        for value in (lat, lon, lat.rstrip("0"), lon.rstrip("0")):
            assert value not in text, value
    # The three neighbours are drawn as one area; the person on their own is left out and counted.
    doc = Page(page)
    [areas] = doc.table("Where the people attending travel from")
    labels = {row[1]: row for row in areas["rows"]}
    assert labels["A1"][2] == "3" and labels["A1"][0].startswith("Area of about 10 km near ")
    assert "A2" not in labels
    assert "RH12" in labels and labels["RH12"][2] == "2"  # PC1 and PCN, by district only
    assert "1 person with a map position but no postcode district lives in areas of about 10 km" in _squash(
        re.sub(r"<[^>]+>", "", page))


def test_every_piece_of_data_is_escaped(page):
    assert "<script" not in page.lower()
    q = "(?:&quot;|&#34;)"  # a double quote, as html.escape or markupsafe writes it
    assert re.search(f"&lt;script&gt;alert\\({q}x{q}\\)&lt;/script&gt;", page)
    assert re.search(f"Youth forum &amp; {q}friends{q}", page)
    assert re.search(f"Worthing {q}Hall{q}", page)


def test_structure_is_accessible(page):
    doc = Page(page)
    assert re.search(r'<html lang="en-GB">', page)
    tags = [t for t, _ in doc.tags]
    for landmark in ("header", "nav", "main", "footer"):
        assert tags.count(landmark) == 1, landmark
    first_link = next(a for t, a in doc.tags if t == "a")
    assert first_link["href"] == "#main" and "skip-link" in first_link.get("class", "")
    ids = [a["id"] for _, a in doc.tags if "id" in a]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for _, a in doc.tags:
        if a.get("href", "").startswith("#"):
            assert a["href"][1:] in ids, a["href"]
        for ref in a.get("aria-labelledby", "").split():
            assert ref in ids, ref
    levels = [level for level, _ in doc.headings]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    assert doc.tables
    for t in doc.tables:
        assert t["caption"], t
        for tag, scope, section in t["scopes"]:
            if tag == "th":
                assert scope in ("col", "row"), t["caption"]
            assert not (section == "thead" and tag == "td")
    svgs = [a for t, a in doc.tags if t == "svg" and a.get("aria-hidden") != "true"]
    # the map, the fairness chart and a small map for each recurring series placed at least twice
    assert len(svgs) == 2 + len(re.findall(r'<svg id="series-map-', page))
    assert 'id="series-map-1"' in page
    for a in svgs:
        assert a["role"] == "img"
        for ref in a["aria-labelledby"].split():
            assert re.search(rf'<(title|desc) id="{ref}">[^<]+</\1>', page), ref
    assert "@media print" in page and ":focus-visible" in page


def test_acronyms_are_explained_where_first_used(page):
    body = page[page.index("<body>"):]
    first = body.index(">SEND</abbr>")
    assert body[first:].startswith('>SEND</abbr> <span class="expansion">(special educational needs and '
                                   "disabilities)</span>")
    assert body.count("(special educational needs and disabilities)") == 1
    assert '<abbr title="education, health and care plan' in body  # from a meeting's title
    assert "<dt><abbr" in body  # and listed under "Words used in this report"


def test_summary_flags_venues_and_indicative_terms(page):
    text = _squash(re.sub(r"<[^>]+>", "", html.unescape(page)))
    assert "The term dates used for this plan are indicative, not confirmed: Spring 2" in text
    # V2 (never checked) and V3 (2024) are flagged; V1 was checked in October 2026.
    doc = Page(page)
    [features] = doc.table("Access features of every venue")
    flagged = {row[0].split(" (venue")[0]: "Check again" in row[-2] for row in features["rows"]}
    assert flagged == {"Horsham Hall": False, "Crawley Centre": True,
                       f'Worthing "Hall" {HOSTILE} & Co': True}
    assert "Not known" in " ".join(features["rows"][2])


def test_deterministic_with_source_date_epoch(built, tmp_path, monkeypatch):
    ds, plan, out = built
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798761600")
    a = render_report(ds, plan)
    assert a == render_report(ds, plan)
    assert a == (out / "report.html").read_text(encoding="utf-8")
    assert "Generated on 1 January 2027 at 00:00 UTC" in a
    assert str(tmp_path.parent.parent) not in a and str(out) not in a and "/tmp" not in a
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798848000")
    assert "Generated on 2 January 2027 at 00:00 UTC" in render_report(ds, plan)


def test_empty_programme(tiny, tmp_path):
    data = tiny(meetings=[])
    result = api.propose(data, start=START, end=END, time_limit=5)
    report = tmp_path / "report.html"
    write_report(report, result.dataset, result.plan)
    text = report.read_text(encoding="utf-8")
    assert "There are no meetings to plan in this window." in text
    assert "Meetings placed</dt><dd>0 of 0" in text
    assert "<svg" in text  # the map still shows the venues
