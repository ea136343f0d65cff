"""Inline SVG pictures for report.html: the county map and the travel-fairness bars.

Both are drawn from numbers alone (no map tiles, fonts or scripts), with a <title> and a <desc>
so that a screen reader announces them as one image; the report puts a data table beside each.
Coordinates are rounded so that the same plan always gives the same bytes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

KM_PER_DEGREE = 111.32
WIDTH = 760

INK = "#0b0c0c"
VENUE_USED = "#1d4e89"
VENUE_UNUSED = "#505a5f"
AREA_STROKE = "#8a4a0b"
BAR = "#1d4e89"
AVERAGE = "#a4121e"


def _n(x: float) -> str:
    """A coordinate with one decimal, without a trailing .0."""
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


@dataclass(frozen=True)
class MapVenue:
    """One position on the map; several venues may share it (the label lists their numbers)."""

    lat: float
    lon: float
    label: str  # venue numbers, such as "2, 3"; empty for venues not used
    uses: int


@dataclass(frozen=True)
class MapTown:
    """A town drawn for orientation: a small dot and its name, where the name fits."""

    lat: float
    lon: float
    name: str


@dataclass(frozen=True)
class MapArea:
    """Where a group of attendees travel from: a postcode district or a coarse grid cell."""

    lat: float
    lon: float
    label: str  # short label drawn on the map, such as "RH12" or "A1"
    people: int


class Projection:
    """Equirectangular: longitude shrunk by the cosine of the middle latitude, north up."""

    def __init__(self, points: list[tuple[float, float]], width: int = WIDTH, pad: int = 44,
                 max_height: int = 900, bottom: int = 40):
        lats = [p[0] for p in points] or [0.0]
        lons = [p[1] for p in points] or [0.0]
        lat_lo, lat_hi = min(lats), max(lats)
        lon_lo, lon_hi = min(lons), max(lons)
        self.k = math.cos(math.radians((lat_lo + lat_hi) / 2))
        # Never zoom in beyond about 6 km across, so one venue alone still looks like a map.
        min_span = 0.06
        if lat_hi - lat_lo < min_span:
            mid = (lat_lo + lat_hi) / 2
            lat_lo, lat_hi = mid - min_span / 2, mid + min_span / 2
        if (lon_hi - lon_lo) * self.k < min_span:
            mid = (lon_lo + lon_hi) / 2
            half = min_span / self.k / 2
            lon_lo, lon_hi = mid - half, mid + half
        xspan = (lon_hi - lon_lo) * self.k
        yspan = lat_hi - lat_lo
        scale = (width - 2 * pad) / xspan
        if yspan * scale > max_height - 2 * pad - bottom:
            scale = (max_height - 2 * pad - bottom) / yspan
        self.scale = scale
        self.width = width
        self.height = math.ceil(yspan * scale + 2 * pad + bottom)
        self.x0 = (width - xspan * scale) / 2
        self.y0 = pad
        self.lon_lo, self.lat_hi = lon_lo, lat_hi

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        return (self.x0 + (lon - self.lon_lo) * self.k * self.scale,
                self.y0 + (self.lat_hi - lat) * self.scale)

    @property
    def px_per_km(self) -> float:
        return self.scale / KM_PER_DEGREE


def venue_radius(uses: int) -> float:
    return 5 + 3 * math.sqrt(uses)


def area_radius(people: int) -> float:
    return 7 + 4 * math.sqrt(people)


class _Labels:
    """Greedy placement of short labels so that they do not overlap each other or the markers."""

    def __init__(self, width: float, height: float):
        self.boxes: list[tuple[float, float, float, float]] = []
        self.width, self.height = width, height

    def block(self, x: float, y: float, r: float) -> None:
        self.boxes.append((x - r, y - r, x + r, y + r))

    def _free(self, box: tuple[float, float, float, float]) -> bool:
        x1, y1, x2, y2 = box
        if x1 < 2 or y1 < 2 or x2 > self.width - 2 or y2 > self.height - 2:
            return False
        return all(x2 <= a1 or x1 >= a2 or y2 <= b1 or y1 >= b2 for a1, b1, a2, b2 in self.boxes)

    def place(self, x: float, y: float, r: float, text: str, size: float) -> tuple[float, float, str]:
        w = 0.62 * size * len(text) + 4
        h = size + 2
        candidates = [
            (x + r + 3, y + size * 0.35, "start", (x + r + 1, y - h / 2, x + r + 3 + w, y + h / 2)),
            (x - r - 3, y + size * 0.35, "end", (x - r - 3 - w, y - h / 2, x - r - 1, y + h / 2)),
            (x, y - r - 4, "middle", (x - w / 2, y - r - 4 - h, x + w / 2, y - r - 2)),
            (x, y + r + size + 2, "middle", (x - w / 2, y + r + 2, x + w / 2, y + r + 4 + h)),
        ]
        for step in (1, 2, 3):
            for lx, ly, anchor, box in candidates:
                dy = (step - 1) * (h + 1) * (1 if anchor != "middle" or ly > y else -1)
                moved = (box[0], box[1] + dy, box[2], box[3] + dy)
                if self._free(moved):
                    self.boxes.append(moved)
                    return lx, ly + dy, anchor
        lx, ly, anchor, box = candidates[0]
        self.boxes.append(box)
        return lx, ly, anchor

    def try_place(self, x: float, y: float, r: float, text: str, size: float) -> tuple[float, float, str] | None:
        """A free spot near (x, y) for the label, or None (the label is then left out)."""
        w = 0.62 * size * len(text) + 4
        h = size + 2
        for step in (0, 1, -1, 2, -2):
            dy = step * (h + 1)
            for lx, ly, anchor, box in (
                (x + r + 3, y + size * 0.35 + dy, "start", (x + r + 1, y - h / 2 + dy, x + r + 3 + w, y + h / 2 + dy)),
                (x - r - 3, y + size * 0.35 + dy, "end", (x - r - 3 - w, y - h / 2 + dy, x - r - 1, y + h / 2 + dy)),
                (x, y - r - 4 + dy, "middle", (x - w / 2, y - r - 4 - h + dy, x + w / 2, y - r - 2 + dy)),
                (x, y + r + size + 2 + dy, "middle", (x - w / 2, y + r + 2 + dy, x + w / 2, y + r + 4 + h + dy)),
            ):
                if self._free(box):
                    self.boxes.append(box)
                    return lx, ly, anchor
        return None


def _nice_step(span: float, target: int = 5) -> float:
    raw = span / max(target, 1)
    if raw <= 0:
        return 1.0
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def _nice_floor(x: float) -> float:
    """The largest of 1, 2 or 5 times a power of ten that is not more than x."""
    if x <= 0:
        return 1.0
    mag = 10 ** math.floor(math.log10(x))
    return max(m * mag for m in (1, 2, 5) if m * mag <= x)


MAX_TOWNS = 24
TOWN = "#505a5f"


def county_map(venues: list[MapVenue], areas: list[MapArea], title: str, desc: str,
               svg_id: str = "map", width: int = WIDTH, towns: list[MapTown] | None = None,
               max_towns: int = MAX_TOWNS) -> str:
    """The map; `towns` (largest first) are named where their names fit, after venues and areas."""
    points = [(v.lat, v.lon) for v in venues] + [(a.lat, a.lon) for a in areas]
    proj = Projection(points, width=width)
    w, h = proj.width, proj.height
    labels = _Labels(w, h)
    out: list[str] = [
        f'<svg id="{svg_id}" class="map" role="img" aria-labelledby="{svg_id}-title {svg_id}-desc" '
        f'viewBox="0 0 {w} {h}" width="{w}" height="{h}" focusable="false">',
        f'<title id="{svg_id}-title">{escape(title)}</title>',
        f'<desc id="{svg_id}-desc">{escape(desc)}</desc>',
        "<defs>"
        f'<pattern id="{svg_id}-hatch" patternUnits="userSpaceOnUse" width="6" height="6" '
        'patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#fdf1e4"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{AREA_STROKE}" stroke-width="2"/>'
        "</pattern></defs>",
        f'<rect x="0.5" y="0.5" width="{w - 1}" height="{h - 1}" fill="#f5f8fa" stroke="#6f777b"/>',
    ]
    under = len(out)  # town dots go here, beneath everything else
    # Areas first, largest underneath, so that venues stay on top and visible.
    placed_areas = []
    for a in sorted(areas, key=lambda a: (-a.people, a.label)):
        x, y = proj.xy(a.lat, a.lon)
        r = area_radius(a.people)
        placed_areas.append((x, y, r, a))
        out.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" fill="url(#{svg_id}-hatch)" '
                   f'fill-opacity="0.85" stroke="{AREA_STROKE}" stroke-width="2"/>')
    placed_venues = []
    for v in sorted(venues, key=lambda v: (v.uses, v.lat, v.lon)):
        x, y = proj.xy(v.lat, v.lon)
        if v.uses:
            r = venue_radius(v.uses)
            out.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" fill="{VENUE_USED}" '
                       'stroke="#ffffff" stroke-width="2"/>')
            labels.block(x, y, r)
            placed_venues.append((x, y, r, v))
        else:
            out.append(f'<rect x="{_n(x - 4)}" y="{_n(y - 4)}" width="8" height="8" fill="#ffffff" '
                       f'stroke="{VENUE_UNUSED}" stroke-width="2"/>')
            labels.block(x, y, 4)
    text_style = (f'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif" '
                  f'fill="{INK}" stroke="#ffffff" stroke-width="3" paint-order="stroke" '
                  'stroke-linejoin="round"')
    above = len(out)  # town names go here, over the areas and under the labels
    # Venue numbers take the best label spots; area labels follow.
    for x, y, r, v in sorted(placed_venues, key=lambda t: (-t[3].uses, t[3].label)):
        lx, ly, anchor = labels.place(x, y, r, v.label, 13)
        out.append(f'<text x="{_n(lx)}" y="{_n(ly)}" text-anchor="{anchor}" font-size="13" '
                   f'font-weight="700" {text_style}>{escape(v.label)}</text>')
    for x, y, r, a in placed_areas:
        lx, ly, anchor = labels.place(x, y, min(r, 10), a.label, 12)
        out.append(f'<text x="{_n(lx)}" y="{_n(ly)}" text-anchor="{anchor}" font-size="12" '
                   f'font-style="italic" {text_style}>{escape(a.label)}</text>')
    labels.boxes += [(0, h - 34, 16 + w / 4 + 60, h), (w - 40, 0, w, 52)]  # the scale bar and north arrow
    drawn = _towns(proj, labels, towns or [], w, h, max_towns)
    dots = [f'<circle cx="{_n(x)}" cy="{_n(y)}" r="2.5" fill="{TOWN}"/>' for x, y, _, _ in drawn]
    names = [f'<text x="{_n(lx)}" y="{_n(ly)}" text-anchor="{anchor}" font-size="12" fill="{TOWN}" '
             f'stroke="#ffffff" stroke-width="3" paint-order="stroke" stroke-linejoin="round" '
             f'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif">{escape(name)}</text>'
             for _, _, (lx, ly, anchor), name in drawn]
    if drawn:
        out[above:above] = ['<g class="town-names">', *names, "</g>"]
        out[under:under] = ['<g class="towns">', *dots, "</g>"]
    # Scale bar and north arrow.
    km = _nice_floor(w / 4 / proj.px_per_km)
    bar = km * proj.px_per_km
    sx, sy = 16, h - 18
    plain = f'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif" fill="{INK}"'
    out.append(f'<g {plain}>'
               f'<rect x="{sx}" y="{_n(sy - 6)}" width="{_n(bar)}" height="6" fill="{INK}"/>'
               f'<rect x="{_n(sx + bar / 2)}" y="{_n(sy - 6)}" width="{_n(bar / 2)}" height="6" '
               f'fill="#ffffff" stroke="{INK}"/>'
               f'<text x="{_n(sx + bar + 6)}" y="{sy}" font-size="12">{_km(km)}</text>'
               f'<path d="M{w - 24},{14} l7,18 h-14 z" fill="{INK}"/>'
               f'<text x="{w - 24}" y="{46}" font-size="12" text-anchor="middle">N</text></g>')
    out.append("</svg>")
    return "".join(out)


def _towns(proj: Projection, labels: _Labels, towns: list[MapTown], w: int, h: int, max_towns: int = MAX_TOWNS):
    """The towns inside the picture whose names fit, largest first, at most MAX_TOWNS."""
    drawn = []
    for t in towns:
        if len(drawn) >= max_towns:
            break
        x, y = proj.xy(t.lat, t.lon)
        if not (8 <= x <= w - 8 and 8 <= y <= h - 30):
            continue
        if any((x - dx) ** 2 + (y - dy) ** 2 < 24 ** 2 for dx, dy, _, _ in drawn):
            continue  # a bigger town is already named right here
        spot = labels.try_place(x, y, 3, t.name, 12)
        if spot is None:
            continue
        labels.block(x, y, 3)
        drawn.append((x, y, spot, t.name))
    return drawn


def _km(km: float) -> str:
    return f"{km:g} km"


def bar_chart(rows: list[tuple[str, int]], title: str, desc: str, unit: str = "minutes",
              average: float | None = None, svg_id: str = "chart") -> str:
    """Horizontal bars, one per row, labelled with the row's name and its value in text."""
    label_w, value_w, top, bar_h, gap = 96, 96, 52, 18, 8
    w = WIDTH
    plot_w = w - label_w - value_w
    h = top + len(rows) * (bar_h + gap) + 24
    biggest = max([v for _, v in rows] + [1])
    step = _nice_step(biggest, 5)
    axis_max = math.ceil(biggest / step) * step
    font = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"'

    def x_of(v: float) -> float:
        return label_w + plot_w * v / axis_max

    out = [
        f'<svg id="{svg_id}" class="chart" role="img" aria-labelledby="{svg_id}-title {svg_id}-desc" '
        f'viewBox="0 0 {w} {h}" width="{w}" height="{h}" focusable="false">',
        f'<title id="{svg_id}-title">{escape(title)}</title>',
        f'<desc id="{svg_id}-desc">{escape(desc)}</desc>',
        f'<rect x="0.5" y="0.5" width="{w - 1}" height="{h - 1}" fill="#ffffff" stroke="#b1b4b6"/>',
        f'<g {font} font-size="12" fill="{INK}">',
    ]
    tick = 0.0
    while tick <= axis_max + 1e-9:
        x = x_of(tick)
        out.append(f'<line x1="{_n(x)}" y1="{top - 6}" x2="{_n(x)}" y2="{h - 20}" stroke="#dee0e2"/>')
        out.append(f'<text x="{_n(x)}" y="{top - 12}" text-anchor="middle">{tick:g}</text>')
        tick += step
    out.append(f'<text x="{label_w}" y="18" font-weight="700">{escape(unit)}</text>')
    for i, (name, value) in enumerate(rows):
        y = top + i * (bar_h + gap)
        out.append(f'<text x="{label_w - 8}" y="{_n(y + bar_h * 0.72)}" text-anchor="end">{escape(name)}</text>')
        out.append(f'<rect x="{label_w}" y="{y}" width="{_n(max(x_of(value) - label_w, 1))}" '
                   f'height="{bar_h}" fill="{BAR}"/>')
        out.append(f'<text x="{_n(x_of(value) + 6)}" y="{_n(y + bar_h * 0.72)}">{value}</text>')
    if average is not None and rows:
        x = x_of(average)
        out.append(f'<line x1="{_n(x)}" y1="{top - 4}" x2="{_n(x)}" y2="{h - 18}" stroke="{AVERAGE}" '
                   'stroke-width="2" stroke-dasharray="6 4"/>')
        out.append(f'<text x="{_n(x + 4)}" y="{h - 6}" fill="{AVERAGE}" font-weight="700">'
                   f'average {average:.0f}</text>')
    out.append("</g></svg>")
    return "".join(out)
