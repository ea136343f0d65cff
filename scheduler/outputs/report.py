"""report.html: one self-contained, accessible page for organisers and partners.

The page is rendered from Jinja2 templates (one per section, in `templates/report/`) with
autoescaping on, from the plain data of `report_view`. It needs no network: the style sheet
(`static/report.css`) is inlined, pictures are inline SVG, and there is no script. Numbers come
from the same placements as proposals.csv.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from scheduler.core.clock import now_utc
from scheduler.core.domain import Dataset, Plan
from scheduler.core.glossary import GLOSSARY
from scheduler.core.wording import hhmm, long_date, plural, short_date
from scheduler.outputs import report_view as view
from scheduler.outputs.report_svg import bar_chart, county_map
from scheduler.outputs.report_words import month_year

# As glossary.acronyms_in: all-capitals words, plus Ofsted, usually written in title case.
_ACRONYM = re.compile(r"\b(?:[A-Z]{2,6}|Ofsted)\b")


def write_report(path: Path, ds: Dataset, plan: Plan, changes: list[dict] | None = None, *,
                 what_if_summary: str | None = None) -> None:
    """Write report.html; `changes` (from what-if) adds a "What changed" section at the top."""
    text = render_report(ds, plan, changes, what_if_summary=what_if_summary)
    Path(path).write_text(text, encoding="utf-8", newline="\n")


def render_report(ds: Dataset, plan: Plan, changes: list[dict] | None = None, *,
                  what_if_summary: str | None = None) -> str:
    f = view.report_facts(ds, plan)
    views = view.all_views(f, changes, what_if_summary)
    now = now_utc()
    counter = iter(range(1, 1_000_000))
    template = _environment().get_template("page.html.j2")
    return template.render(
        page=views["page"],
        views=views,
        generated=f"{now.day} {month_year(now)} at {now:%H:%M} UTC",
        css=Markup(_css()),
        t=Glossed(),
        next_table_id=lambda: f"table-{next(counter)}",
    )


def render_sections(ds: Dataset, plan: Plan, changes: list[dict] | None = None, *,
                    what_if_summary: str | None = None) -> list[tuple[str, str, Markup]]:
    """The report's sections as (id, heading, HTML), in the report's order, for another page to
    show the same view of a plan (the results page of `schedule serve`)."""
    f = view.report_facts(ds, plan)
    views = view.all_views(f, changes, what_if_summary)
    counter = iter(range(1, 1_000_000))
    context = {"page": views["page"], "views": views, "t": Glossed(),
               "next_table_id": lambda: f"table-{next(counter)}"}
    env = _environment()
    # The words section lists the acronyms the others explained, so it comes last.
    sections = [*views["page"]["sections"], ("words", "Words used in this report")]
    return [(sid, title, Markup(env.get_template(f"{sid}.html.j2").render(context))) for sid, title in sections]


def css() -> str:
    """report.css, which the report inlines and `schedule serve` shares."""
    return _css()


class Glossed:
    """Escapes organiser text and explains each acronym of the glossary where it first appears.

    One instance per page: it remembers which acronyms it has explained, in the order the
    template renders them, and the list of words at the end of the page reads `seen`.
    """

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def __call__(self, value) -> Markup:
        escaped = str(escape("" if value is None else str(value)))

        def expand(m: re.Match) -> str:
            word = m.group(0)
            key = word.upper()
            meaning = GLOSSARY.get(key)
            if meaning is None:
                return word
            tag = f'<abbr title="{escape(meaning)}">{word}</abbr>'
            if key in self.seen:
                return tag
            self.seen[key] = meaning
            return f'{tag} <span class="expansion">({escape(meaning)})</span>'

        return Markup(_ACRONYM.sub(expand, escaped))


def _map_svg(v: dict) -> Markup:
    return Markup(county_map(v["markers"], v["areas"], v["title"], v["desc"], svg_id="county-map", width=960,
                             towns=v["towns"]))


def _bar_svg(f: dict) -> Markup:
    return Markup(bar_chart(f["bars"], "Yearly travel of each family member, in minutes", f["chart_desc"],
                            unit="Minutes of travel over the year (one way)", average=f["average"],
                            svg_id="fairness-chart"))


def _series_svg(x: dict, n: int) -> Markup:
    return Markup(county_map(x["markers"], [], x["svg_title"], x["desc"], svg_id=f"series-map-{n}", width=460,
                             towns=x["towns"], max_towns=8))


_ENV: Environment | None = None


def _environment() -> Environment:
    global _ENV
    if _ENV is None:
        env = Environment(loader=PackageLoader("scheduler.outputs", "templates/report"), autoescape=True,
                          trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined,
                          extensions=["jinja2.ext.do"])
        env.filters.update(long_date=long_date, short_date=short_date, hhmm=hhmm, plural=plural,
                           month_year=month_year)
        env.globals.update(map_svg=_map_svg, bar_svg=_bar_svg, series_svg=_series_svg)
        _ENV = env
    return _ENV


def _css() -> str:
    return files("scheduler.outputs").joinpath("static/report.css").read_text(encoding="utf-8")

