"""Seeded generator of realistic county instances, written as data folders in PRODUCT.md formats.

    python3 benchmarks/generate.py --size M --seed 1 --out /tmp/county-M-1

Sizes (see SIZES): S is one term of a small area (the north-east of the county), M a county year, L a large county or small
region, X only exercises loading (10,000 people, 1,000 venues). Everything about people is
made up; towns and postcode districts are West Sussex's, so distances and journey times are
realistic. The same size and seed always give byte-identical files.

What makes an instance realistic (and what the numbers are):
- venues are of ten kinds (leisure centres, libraries, family hubs, village and church halls,
  special schools, colleges ...), each with its own capacity, opening days and hours and access
  profile; about 25% have a hoist toilet and about 72% are step-free; some features are blank
  (unknown), some venues have closed dates (Christmas, a refurbishment);
- people live around towns (weighted by population, a few in the countryside), 45% parent
  carers, 25% young people, 30% professionals, with needs, travel modes, travel limits,
  unavailable weekdays and dates, and school/college finishing times;
- the programme mixes parent-only, young-people-only, mixed and professional-heavy series,
  recurring termly, half-termly, monthly, quarterly or once, with 5 to 25 attendees, local or
  county-wide, some with optional attendees or a restricted venue list;
- every series has at least one venue that is big enough, has every feature its attendees
  need and is within every required attendee's travel limit (attendees are swapped until it
  does), but about 3% of the series (at least one from M up) carry a required attendee who is
  away for a whole period, so a few occurrences cannot be placed, as in real data.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import islice
from pathlib import Path

FEATURES = ("step_free", "lift", "accessible_toilet", "hoist_toilet", "accessible_parking",
            "hearing_loop", "quiet_room", "public_transport")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# Travel estimate used for the feasibility repair: the engine's defaults (settings [travel]).
WINDING, SPEED = 1.3, {"car": 45.0, "public_transport": 25.0, "taxi": 45.0}
PT_WAIT = 15
DEFAULT_LIMIT = 60


@dataclass(frozen=True)
class Size:
    name: str
    venues: int
    people: int
    series: int
    plan_from: date
    plan_to: date
    window: tuple[date, date] | None  # every series' window (S: one term); None = the school year
    time_limit: float
    towns: tuple[str, ...] | None = None  # None: the whole county


SIZES: dict[str, Size] = {
    "S": Size("S", 10, 60, 6, date(2027, 1, 1), date(2027, 3, 31), (date(2027, 1, 4), date(2027, 3, 31)), 10.0,
                 ("Crawley", "Horsham", "Burgess Hill", "Haywards Heath", "East Grinstead", "Cuckfield",
                  "Hassocks", "Henfield", "Billingshurst")),
    "M": Size("M", 40, 300, 25, date(2026, 9, 1), date(2027, 7, 31), None, 30.0),
    "L": Size("L", 200, 3000, 250, date(2026, 9, 1), date(2027, 7, 31), None, 120.0),
    "X": Size("X", 1000, 10000, 500, date(2026, 9, 1), date(2027, 7, 31), None, 120.0),
}

# West Sussex towns: (name, latitude, longitude, postcode districts, population weight, coastal)
TOWNS = (
    ("Crawley", 51.1124, -0.1831, ("RH10", "RH11"), 118, False),
    ("Worthing", 50.8179, -0.3729, ("BN11", "BN12", "BN13", "BN14"), 111, True),
    ("Horsham", 51.0629, -0.3259, ("RH12", "RH13"), 60, False),
    ("Bognor Regis", 50.7824, -0.6764, ("PO21", "PO22"), 64, True),
    ("Chichester", 50.8365, -0.7792, ("PO19",), 30, False),
    ("Littlehampton", 50.8110, -0.5410, ("BN17",), 28, True),
    ("Burgess Hill", 50.9540, -0.1287, ("RH15",), 32, False),
    ("Haywards Heath", 51.0050, -0.0980, ("RH16",), 34, False),
    ("East Grinstead", 51.1290, -0.0070, ("RH19",), 27, False),
    ("Shoreham-by-Sea", 50.8340, -0.2740, ("BN43",), 20, True),
    ("Lancing", 50.8290, -0.3230, ("BN15",), 19, True),
    ("Southwick", 50.8370, -0.2360, ("BN42",), 11, True),
    ("Rustington", 50.8110, -0.4820, ("BN16",), 22, True),
    ("Arundel", 50.8540, -0.5540, ("BN18",), 4, False),
    ("Selsey", 50.7340, -0.7900, ("PO20",), 10, True),
    ("Midhurst", 50.9860, -0.7380, ("GU29",), 5, False),
    ("Petworth", 50.9870, -0.6090, ("GU28",), 3, False),
    ("Pulborough", 50.9580, -0.5110, ("RH20",), 5, False),
    ("Storrington", 50.9170, -0.4530, ("RH20",), 8, False),
    ("Steyning", 50.8880, -0.3260, ("BN44",), 6, False),
    ("Henfield", 50.9290, -0.2690, ("BN5",), 5, False),
    ("Billingshurst", 51.0240, -0.4500, ("RH14",), 9, False),
    ("Hassocks", 50.9240, -0.1490, ("BN6",), 8, False),
    ("Cuckfield", 51.0060, -0.1430, ("RH17",), 4, False),
    ("Bosham", 50.8460, -0.8550, ("PO18",), 6, False),
)
LAT_RANGE, LON_RANGE = (50.73, 51.15), (-0.95, 0.0)


@dataclass(frozen=True)
class VenueKind:
    label: str
    weight: float
    capacity: tuple[int, int]
    days: tuple[tuple[str, float], ...]
    hours: tuple[tuple[str, str, float], ...]
    p: dict[str, float]


def _p(step, hoist, lift, toilet, parking, loop, quiet, pt):
    return {"step_free": step, "hoist_toilet": hoist, "lift": lift, "accessible_toilet": toilet,
            "accessible_parking": parking, "hearing_loop": loop, "quiet_room": quiet, "public_transport": pt}


VENUE_KINDS = (
    VenueKind("Leisure Centre", 0.10, (30, 80), (("Mon-Sun", 1.0),),
              (("07:00", "22:00", 0.7), ("08:00", "21:00", 0.3)), _p(.95, .55, .7, .97, .9, .6, .5, .75)),
    VenueKind("Library", 0.14, (15, 40), (("Mon-Sat", .7), ("Tue-Sat", .3)),
              (("09:00", "17:30", .5), ("09:30", "19:00", .3), ("10:00", "17:00", .2)), _p(.75, .15, .6, .85, .4, .8, .5, .9)),
    VenueKind("Community Centre", 0.18, (20, 100), (("Mon-Sun", .5), ("Mon-Sat", .5)),
              (("08:00", "22:00", .6), ("09:00", "21:30", .4)), _p(.65, .15, .4, .85, .7, .55, .6, .65)),
    VenueKind("Village Hall", 0.12, (20, 80), (("Mon-Sun", .7), ("Mon;Tue;Wed;Thu;Sat", .3)),
              (("09:00", "22:00", .7), ("10:00", "21:00", .3)), _p(.45, .03, .05, .6, .7, .3, .4, .35)),
    VenueKind("Family Hub", 0.10, (12, 30), (("Mon-Fri", 1.0),),
              (("08:30", "17:00", .6), ("08:00", "18:00", .4)), _p(.9, .4, .5, .97, .8, .7, .9, .7)),
    VenueKind("Council Offices", 0.06, (20, 60), (("Mon-Fri", 1.0),),
              (("08:30", "17:30", .6), ("08:30", "20:00", .4)), _p(1.0, .35, .95, 1.0, .8, .95, .6, .9)),
    VenueKind("Special School", 0.07, (20, 60), (("Mon-Sat", .6), ("Mon-Fri", .4)),
              (("09:00", "20:00", .6), ("15:30", "21:00", .4)), _p(1.0, .85, .6, 1.0, .9, .7, .9, .5)),
    VenueKind("College", 0.05, (30, 120), (("Mon-Sat", .6), ("Mon-Fri", .4)),
              (("08:30", "21:00", 1.0),), _p(.95, .5, .9, .97, .85, .75, .7, .9)),
    VenueKind("Church Hall", 0.12, (20, 60), (("Mon;Tue;Thu;Sat", .4), ("Mon-Sat", .6)),
              (("09:00", "21:00", .8), ("10:00", "16:00", .2)), _p(.4, .02, .05, .5, .5, .35, .35, .5)),
    VenueKind("Health Centre", 0.06, (10, 25), (("Mon-Fri", 1.0),),
              (("08:00", "18:30", 1.0),), _p(1.0, .3, .7, 1.0, .85, .8, .5, .75)),
)

FIRST = ("Aisha", "Ben", "Chloe", "Daniel", "Ella", "Finn", "Grace", "Harry", "Isla", "Jack", "Kiran",
         "Leah", "Mohammed", "Nia", "Oliver", "Priya", "Quinn", "Rosie", "Sam", "Tara", "Usman", "Vicky",
         "Will", "Yasmin", "Zoe", "Amir", "Bethan", "Callum", "Deepa", "Eilidh", "Femi", "Gemma",
         "Hannah", "Ibrahim", "Joanne", "Kwame", "Lucy", "Marek", "Niamh", "Owen", "Paula", "Rhys",
         "Sofia", "Tomasz", "Uma", "Wendy", "Xavier", "Yusuf", "Zara", "Alfie", "Bronwen", "Chidi")
LAST = ("Smith", "Jones", "Patel", "Okafor", "Williams", "Brown", "Taylor", "Khan", "Davies", "Evans",
        "Wilson", "Thomas", "Roberts", "Johnson", "Lewis", "Walker", "Robinson", "Wood", "Nowak", "Ahmed",
        "Hughes", "Green", "Hall", "Clarke", "Jackson", "Begum", "Murphy", "Kowalski", "Singh", "Adeyemi",
        "Turner", "Hill", "Moore", "Ward", "King", "Baker", "Harris", "Price", "Bennett", "Osei")
ORGS = ("West Sussex County Council (SEND)", "NHS Sussex", "Sussex Community NHS Foundation Trust",
        "Educational Psychology Service", "Children's Social Care", "Adult Social Care", "Chichester College Group",
        "Special School", "Mainstream Primary School", "Mainstream Secondary School", "Youth Service",
        "Parent Carer Forum", "Information, Advice and Support Service", "Early Years")

# Academic year 2026/27, shaped like the county's published pattern (6 half-term blocks).
TERM_BLOCKS = (
    ("Autumn 1", date(2026, 9, 3), date(2026, 10, 23), "confirmed"),
    ("Autumn 2", date(2026, 11, 2), date(2026, 12, 18), "confirmed"),
    ("Spring 1", date(2027, 1, 5), date(2027, 2, 12), "confirmed"),
    ("Spring 2", date(2027, 2, 22), date(2027, 3, 26), "confirmed"),
    ("Summer 1", date(2027, 4, 12), date(2027, 5, 28), "indicative"),
    ("Summer 2", date(2027, 6, 7), date(2027, 7, 21), "indicative"),
)
NON_SCHOOL = (("INSET", date(2026, 11, 2)), ("INSET", date(2027, 2, 22)), ("closure", date(2027, 5, 6)),
              ("INSET", date(2027, 6, 7)))
YEAR = (date(2026, 9, 3), date(2027, 7, 21))


@dataclass(frozen=True)
class Template:
    kind: str
    title: str
    weight: float
    audience: str  # parent, young, mixed, professional
    recurrence: tuple[tuple[str, float], ...]
    size: tuple[int, int]
    duration: tuple[int, ...]
    papers: int
    level: str
    local: float  # chance the series is local to one town (else county-wide)


TEMPLATES = (
    Template("board", "SEND Partnership Board", .08, "professional", (("termly", 1.0),), (14, 22), (120, 150), 7, "co-production", 0.0),
    Template("steering", "SEND Locality Steering Group", .14, "professional", (("half-termly", .75), ("termly", .25)), (8, 14), (90,), 7, "participation", 0.8),
    Template("project", "Project Group", .08, "professional", (("monthly", 1.0),), (6, 12), (120,), 7, "co-production", 0.3),
    Template("coffee", "Parent Carer Coffee Morning", .11, "parent", (("monthly", 1.0),), (8, 20), (90, 120), 0, "participation", 1.0),
    Template("networking", "Parent Carer Networking", .12, "parent", (("quarterly", 1.0),), (10, 25), (120,), 3, "participation", 0.6),
    Template("info", "Information Morning", .07, "parent", (("once", 1.0),), (10, 25), (90,), 0, "information", 0.8),
    Template("youth_forum", "SEND Youth Forum", .13, "young", (("monthly", 1.0),), (6, 15), (90,), 3, "participation", 0.9),
    Template("youth_panel", "Young Inspectors Panel", .08, "young", (("quarterly", .5), ("half-termly", .5)), (5, 10), (90, 120), 3, "co-production", 0.5),
    Template("coprod", "SEND Co-production Group", .12, "mixed", (("half-termly", 1.0),), (8, 16), (90, 120), 7, "co-production", 0.6),
    Template("consultation", "Consultation", .07, "mixed", (("once", 1.0),), (10, 25), (120,), 7, "consultation", 0.8),
)
PROJECT_TOPICS = ("EHCP annual reviews", "Preparing for Adulthood", "Short breaks", "Transport to school",
                  "Autism assessment pathway", "Local Offer website", "Inclusion in mainstream", "Speech and language")
CONSULT_TOPICS = ("Short breaks changes", "New special school places", "Home to school transport policy",
                  "SEND strategy refresh", "Respite services", "Therapies in schools")


# -- small helpers ---------------------------------------------------------------------------------
def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (the engine uses the WGS-84 ellipsoid, world/geodesy.py; they differ by under 0.5%)."""
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def minutes(a: tuple[float, float], b: tuple[float, float], mode: str) -> int:
    m = math.ceil(km(a, b) * WINDING / SPEED[mode] * 60)
    return m + PT_WAIT if mode == "public_transport" else m


def pick(rng: random.Random, options):
    """A weighted choice from ((value, weight), ...) or ((a, b, weight), ...)."""
    total = sum(o[-1] for o in options)
    r = rng.random() * total
    for o in options:
        r -= o[-1]
        if r <= 0:
            return o[0] if len(o) == 2 else o[:-1]
    return options[-1][0] if len(options[-1]) == 2 else options[-1][:-1]


def yn(rng: random.Random, p: float, blank: float) -> str:
    r = rng.random()
    if r < blank:
        return ""
    return "yes" if rng.random() < p else "no"


def clamp(lat: float, lon: float) -> tuple[float, float]:
    return (min(max(lat, LAT_RANGE[0]), LAT_RANGE[1]), min(max(lon, LON_RANGE[0]), LON_RANGE[1]))


def scatter(rng: random.Random, town, sigma_km: float) -> tuple[float, float]:
    _, lat, lon, _, _, coastal = town
    dlat = rng.gauss(0, sigma_km) / 111.0
    if coastal:
        dlat = abs(dlat)  # the sea is to the south
    dlon = rng.gauss(0, sigma_km) / (111.0 * math.cos(math.radians(lat)))
    return clamp(lat + dlat, lon + dlon)


# -- the instance ----------------------------------------------------------------------------------
@dataclass
class Person:
    pid: str
    role: str
    town: tuple
    home: tuple[float, float] | None
    mode: str
    limit: int | None
    needs: set[str]
    weekdays: set[str] = field(default_factory=set)
    ranges: list[tuple[date, date]] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    load: int = 0  # series joined
    capacity: int = 2  # series this person will join at most

    @property
    def reach(self) -> int:
        return self.limit or DEFAULT_LIMIT


@dataclass
class VenueRec:
    vid: str
    town: tuple
    pos: tuple[float, float]
    capacity: int
    features: dict[str, str]
    row: dict[str, str]

    def has(self, f: str) -> bool:
        return self.features.get(f) == "yes"


class Generator:
    def __init__(self, size: Size, seed: int):
        self.size = size
        self.seed = seed
        self.rng = random.Random(f"{size.name}-{seed}")
        self.towns = [t for t in TOWNS if size.towns is None or t[0] in size.towns]
        self.town_weights = [(t, t[4]) for t in self.towns]
        self._reach_cache: dict[str, frozenset[int]] = {}
        self._feature_cache: dict[object, set[int]] = {}
        self._distance_cache: dict[tuple[str, str], list[tuple[Person, float]]] = {}
        self._distance_of: dict[tuple[str, str], dict[str, float]] = {}

    # -- venues ---------------------------------------------------------------------------------
    def venues(self) -> list[VenueRec]:
        rng, n = self.rng, self.size.venues
        # Smaller towns have relatively more venues per head (village halls, rural hubs).
        weights = [(t, t[4] ** 0.7) for t in self.towns]
        out: list[VenueRec] = []
        for i in range(1, n + 1):
            town = pick(rng, weights)
            kind = pick(rng, [(k, k.weight) for k in VENUE_KINDS])
            rural = kind.label in ("Village Hall", "Church Hall") and rng.random() < 0.5
            pos = scatter(rng, town, 5.0 if rural else 1.2)
            # Blank = unknown: rarer for the headline features organisers always record.
            feats = {f: yn(rng, kind.p[f], 0.03 if f in ("step_free", "hoist_toilet", "accessible_toilet") else 0.06)
                     for f in FEATURES}
            out.append(self._venue(i, town, kind, pos, feats))
        self._balance_access(out)
        for v in out:
            v.row.update(v.features)
        return out

    def _venue(self, i: int, town, kind: VenueKind, pos, feats) -> VenueRec:
        rng = self.rng
        days = pick(rng, kind.days)
        open_from, open_until = pick(rng, kind.hours)
        cap = rng.randint(*kind.capacity)
        closed = []
        if rng.random() < 0.35:
            closed.append("2026-12-24..2027-01-01")
        if rng.random() < 0.06:
            start = date(2026, 9, 7) + timedelta(days=rng.randrange(0, 280))
            closed.append(f"{start}..{start + timedelta(days=rng.randint(7, 42))}")
        if rng.random() < 0.1:
            closed.append(str(date(2026, 9, 7) + timedelta(days=rng.randrange(0, 300))))
        checked = "" if rng.random() < 0.15 else str(date(2024, 6, 1) + timedelta(days=rng.randrange(0, 850)))
        district = rng.choice(town[3])
        vid = f"V{i:04d}"
        row = {
            "venue_id": vid, "name": f"{town[0]} {kind.label}" + (f" {i}" if rng.random() < 0.5 else f" ({vid})"),
            "address": f"{rng.randint(1, 120)} {rng.choice(('High Street', 'Station Road', 'Park Lane', 'Church Road', 'The Green', 'London Road', 'Mill Lane'))}, {town[0]}",
            "postcode": f"{district} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
            "latitude": f"{pos[0]:.5f}", "longitude": f"{pos[1]:.5f}", "capacity": str(cap),
            "open_days": days, "open_from": open_from, "open_until": open_until,
            "closed_dates": ";".join(closed), "access_checked": checked, "notes": f"{kind.label}; generated",
        }
        return VenueRec(vid, town, pos, cap, feats, row)

    def _balance_access(self, venues: list[VenueRec]) -> None:
        """Keep the county's shares realistic at every size: hoist 20-30%, step-free 65-78%."""
        rng = self.rng
        n = len(venues)
        for v in venues:
            if v.features["hoist_toilet"] == "yes":
                v.features["step_free"] = "yes"  # a Changing Places toilet needs a step-free route
                v.features["accessible_toilet"] = "yes"
        order = list(venues)
        rng.shuffle(order)
        hoist = [v for v in venues if v.has("hoist_toilet")]
        lo, hi = math.ceil(0.2 * n), math.floor(0.3 * n)
        for v in order:
            if len(hoist) >= lo:
                break
            if not v.has("hoist_toilet") and v.capacity >= 15:
                v.features.update(hoist_toilet="yes", step_free="yes", accessible_toilet="yes")
                hoist.append(v)
        for v in order:
            if len(hoist) <= hi:
                break
            if v in hoist:
                v.features["hoist_toilet"] = "no"
                hoist.remove(v)
        step = [v for v in venues if v.has("step_free")]
        lo, hi = math.ceil(0.65 * n), math.floor(0.78 * n)
        for v in order:
            if len(step) >= lo:
                break
            if not v.has("step_free"):
                v.features["step_free"] = "yes"
                step.append(v)
        for v in order:
            if len(step) <= hi:
                break
            if v in step and not v.has("hoist_toilet"):
                v.features["step_free"] = "no"
                step.remove(v)

    # -- people ---------------------------------------------------------------------------------
    def people(self) -> list[Person]:
        rng, n = self.rng, self.size.people
        out = []
        for i in range(1, n + 1):
            r = rng.random()
            role = "parent_carer" if r < 0.45 else "young_person" if r < 0.70 else "professional"
            town = pick(rng, self.town_weights)
            home = scatter(rng, town, 6.0 if rng.random() < 0.15 else 1.8)
            needs: set[str] = set()
            if role == "parent_carer":
                mode = pick(rng, (("car", .80), ("public_transport", .15), ("taxi", .05)))
                limit = pick(rng, ((None, .7), (45, .1), (90, .15), (30, .05)))
                for f, p in (("step_free", .08), ("accessible_toilet", .05), ("accessible_parking", .06),
                             ("hearing_loop", .04), ("quiet_room", .06)):
                    if rng.random() < p:
                        needs.add(f)
                if rng.random() < 0.03:
                    home = None
            elif role == "young_person":
                mode = pick(rng, (("car", .45), ("public_transport", .25), ("taxi", .30)))
                limit = pick(rng, ((45, .35), (60, .35), (None, .1), (30, .05), (90, .15)))
                for f, p in (("step_free", .20), ("accessible_toilet", .15), ("quiet_room", .10),
                             ("hearing_loop", .04), ("lift", .02)):
                    if rng.random() < p:
                        needs.add(f)
                if rng.random() < 0.07:
                    needs |= {"hoist_toilet", "step_free", "accessible_toilet"}
            else:
                mode = pick(rng, (("car", .9), ("public_transport", .1)))
                limit = pick(rng, ((90, .6), (None, .3), (120, .1)))
                for f, p in (("step_free", .03), ("hearing_loop", .03), ("accessible_parking", .03)):
                    if rng.random() < p:
                        needs.add(f)
                if rng.random() < 0.15:
                    home = None  # works from an office: no travel limit and no travel cost
            if mode == "public_transport" and rng.random() < 0.5:
                needs.add("public_transport")
            p = Person(f"P{i:05d}", role, town, home, mode, limit, needs)
            p.capacity = {"professional": pick(rng, ((1, .3), (2, .3), (3, .25), (5, .15))),
                          "parent_carer": pick(rng, ((1, .6), (2, .3), (3, .1))),
                          "young_person": pick(rng, ((1, .7), (2, .3)))}[role]
            self._unavailability(p)
            out.append(p)
        return out

    def _unavailability(self, p: Person) -> None:
        rng = self.rng
        weekday_p = {"parent_carer": .10, "young_person": .10, "professional": .12}[p.role]
        if rng.random() < weekday_p:
            if p.role == "young_person":
                p.weekdays.add(pick(rng, (("Sat", .4), ("Sun", .2), ("Wed", .2), ("Fri", .2))))
            else:
                p.weekdays.add(pick(rng, (("Fri", .45), ("Mon", .3), ("Wed", .25))))
        if rng.random() < (.15 if p.role == "professional" else .10):
            start = YEAR[0] + timedelta(days=rng.randrange(0, 300))
            p.ranges.append((start, start + timedelta(days=rng.randint(4, 13))))
        if rng.random() < 0.08:
            for _ in range(rng.randint(1, 3)):
                d = YEAR[0] + timedelta(days=rng.randrange(0, 320))
                p.ranges.append((d, d))

    # -- the programme ----------------------------------------------------------------------------
    def programme(self, people: list[Person], venues: list[VenueRec]) -> list[dict[str, str]]:
        rng = self.rng
        by_role: dict[str, list[Person]] = {}
        for p in people:
            by_role.setdefault(p.role, []).append(p)
        rows = []
        n = self.size.series
        awkward = set(rng.sample(range(n), max(1 if n >= 20 else 0, round(0.03 * n))))
        used_tags: set[str] = set()
        for i, t in enumerate(self._template_quota(n)):
            rows.append(self._series(i + 1, t, by_role, venues, used_tags, awkward=i in awkward))
        return rows

    def _template_quota(self, n: int) -> list[Template]:
        """The programme's mix by quota (largest remainder), so every seed has the same shape."""
        total = sum(t.weight for t in TEMPLATES)
        exact = [(t, t.weight / total * n) for t in TEMPLATES]
        counts = {t.kind: math.floor(x) for t, x in exact}
        rest = n - sum(counts.values())
        for t, _x in sorted(exact, key=lambda tx: (-(tx[1] - math.floor(tx[1])), self.rng.random()))[:rest]:
            counts[t.kind] += 1
        out = [t for t in TEMPLATES for _ in range(counts[t.kind])]
        self.rng.shuffle(out)
        return out

    def _series(self, number: int, t: Template, by_role, venues: list[VenueRec], used_tags: set[str],
                awkward: bool) -> dict[str, str]:
        rng = self.rng
        mid = f"S{number:04d}"
        anchor = pick(rng, self.town_weights) if rng.random() < t.local else None
        size = rng.randint(*t.size)
        mix = self._mix(t, size)
        recurrence = pick(rng, t.recurrence)
        window = self._window(t, recurrence)
        n_opt = rng.choice((1, 2, 3, 4)) if rng.random() < 0.3 else 0
        opt_role = {"young": "professional", "parent": "parent_carer"}.get(t.audience, rng.choice(("parent_carer", "professional")))
        for _attempt in range(4):
            members: list[Person] = []
            taken: set[str] = set()
            for role, count in mix:
                members += self._draw(by_role[role], count, anchor, taken)
            optional = self._draw(by_role[opt_role], n_opt, anchor, taken)
            members, optional, ok = self._repair(members, optional, by_role, anchor, venues, taken)
            if ok:
                break
            # Nobody can reach one venue together: organisers would hold it locally instead.
            anchor = pick(rng, self.town_weights)
        if not ok:
            # Still no venue: drop optional attendees; whatever remains is real infeasibility
            # that the engine must report.
            while optional and not self._fit(members, optional, venues):
                optional = optional[:-1]
        for p in members + optional:
            p.load += 1
        title = t.title
        if t.kind == "project":
            title = f"{rng.choice(PROJECT_TOPICS)} {t.title.lower()}"
        elif t.kind == "consultation":
            title = f"{t.title}: {rng.choice(CONSULT_TOPICS).lower()}"
        elif t.kind == "info":
            title = f"{t.title}: {rng.choice(PROJECT_TOPICS)}"
        if anchor:
            title = f"{title} ({anchor[0]})"
        allowed = ""
        if ok and rng.random() < 0.08:
            fits = self._fitting_venues(members, optional, venues)
            if len(fits) >= 3:
                centre = anchor[1:3] if anchor else fits[0].pos
                fits.sort(key=lambda v: (km(v.pos, centre), v.vid))
                allowed = ";".join(v.vid for v in fits[: rng.randint(3, 5)])
        if awkward and members:
            self._away_for_a_period(rng.choice(members), recurrence, window)
        if rng.random() < 0.5:
            tag = f"{t.kind}_{anchor[0].split()[0].lower() if anchor else 'county'}"
            while tag in used_tags:
                tag = f"{tag}_{rng.randint(2, 99)}"
            used_tags.add(tag)
            for p in members:
                p.groups.append(tag)
            attendees = f"group:{tag}"
        else:
            attendees = ";".join(p.pid for p in members)
        chair_pool = [p for p in members if p.role == ("parent_carer" if t.audience == "parent" else "professional")] or members
        row = {
            "meeting_id": mid, "title": title, "attendees": attendees,
            "optional_attendees": ";".join(p.pid for p in optional),
            "duration_minutes": str(rng.choice(t.duration)), "recurrence": recurrence,
            "window_start": str(window[0]) if window else "", "window_end": str(window[1]) if window else "",
            "papers_days": str(t.papers), "chair": rng.choice(chair_pool).pid, "venues": allowed,
            "min_gap_days": "21" if t.kind == "project" and rng.random() < 0.5 else "",
            "participation_level": t.level,
            "description": f"Generated {t.audience} series ({t.kind}).",
        }
        return row

    def _mix(self, t: Template, size: int) -> list[tuple[str, int]]:
        rng = self.rng
        if t.audience == "parent":
            staff = rng.choice((0, 1, 2)) if t.kind == "info" else rng.choice((0, 0, 1))
            return [("parent_carer", size - staff), ("professional", staff)]
        if t.audience == "young":
            staff = rng.choice((1, 2))
            return [("young_person", max(size - staff, 3)), ("professional", staff)]
        if t.audience == "mixed":
            young = max(2, round(size * rng.uniform(0.25, 0.45)))
            staff = max(1, round(size * rng.uniform(0.1, 0.25)))
            return [("parent_carer", max(size - young - staff, 2)), ("young_person", young), ("professional", staff)]
        parents = max(2, round(size * rng.uniform(0.15, 0.35)))
        young = rng.choice((0, 0, 0, 1, 2)) if t.kind == "board" else 0
        return [("professional", size - parents - young), ("parent_carer", parents), ("young_person", young)]

    def _window(self, t: Template, recurrence: str) -> tuple[date, date] | None:
        rng = self.rng
        if self.size.window is not None:
            first, last = self.size.window
            if recurrence == "once":
                start = first + timedelta(days=rng.randrange(0, max((last - first).days - 35, 1)))
                return start, min(start + timedelta(days=rng.randint(21, 42)), last)
            return first, last
        if recurrence == "once":
            start = date(2026, 9, 21) + timedelta(days=rng.randrange(0, 260))
            return start, min(start + timedelta(days=rng.randint(28, 56)), YEAR[1])
        if t.kind == "project":
            first_month = rng.randint(0, 5)
            start = date(2026 + (9 + first_month > 12), (9 + first_month - 1) % 12 + 1, 1)
            months = rng.randint(5, 7)
            y, m = start.year, start.month + months
            y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
            return start, min(date(y, m, 1) - timedelta(days=1), YEAR[1])
        return None

    def _draw(self, pool: list[Person], count: int, anchor, taken: set[str], accept=None) -> list[Person]:
        """People of one role for a series: near the anchor town when local, with spare capacity,
        and (with `accept`) only people it accepts."""
        rng = self.rng
        if count <= 0:
            return []
        if anchor is not None:
            ordered = self._by_distance(pool, anchor)
            shortlist = 4 * count + 40
            usable = (p for p, _ in ordered if p.pid not in taken and (accept is None or accept(p)))
            free = list(islice(usable, shortlist))
            distance = self._distance_of[(pool[0].role, anchor[0])]
            free.sort(key=lambda p: (p.load >= p.capacity, distance[p.pid] + rng.uniform(0, 6)))
        else:
            free = [p for p in pool if p.pid not in taken and (accept is None or accept(p))]
            free.sort(key=lambda p: (p.load >= p.capacity, rng.random()))
        chosen: list[Person] = []
        blocked: set[str] = set()
        for p in free:
            if len(chosen) == count:
                break
            if p.weekdays and len(blocked | p.weekdays) > 2:
                continue  # an organiser would not pick a group that cannot meet on most weekdays
            chosen.append(p)
            blocked |= p.weekdays
            taken.add(p.pid)
        return chosen

    def _by_distance(self, pool: list[Person], anchor) -> list[tuple[Person, float]]:
        """The pool sorted by distance from the anchor town (people with no home count as 12 km)."""
        key = (pool[0].role if pool else "", anchor[0])
        if key not in self._distance_cache:
            centre = (anchor[1], anchor[2])
            ranked = [(p, km(p.home, centre) if p.home else 12.0) for p in pool]
            ranked.sort(key=lambda pd: (pd[1], pd[0].pid))
            self._distance_cache[key] = ranked
            self._distance_of[key] = {p.pid: d for p, d in ranked}
        return self._distance_cache[key]

    def _reach(self, p: Person, venues: list[VenueRec]) -> frozenset[int]:
        """Indexes of the venues within this person's travel limit (cached per person)."""
        cached = self._reach_cache.get(p.pid)
        if cached is None:
            cached = frozenset(i for i, v in enumerate(venues)
                               if p.home is None or minutes(p.home, v.pos, p.mode) <= p.reach - 1)
            self._reach_cache[p.pid] = cached
        return cached

    def _fit(self, members: list[Person], optional: list[Person], venues: list[VenueRec]) -> set[int]:
        everyone = members + optional
        n = len(everyone)
        if ("capacity", n) not in self._feature_cache:
            self._feature_cache[("capacity", n)] = {i for i, v in enumerate(venues) if v.capacity >= n}
        ok = set(self._feature_cache[("capacity", n)])
        for f in sorted(set().union(*(p.needs for p in everyone))) if everyone else ():
            if f not in self._feature_cache:
                self._feature_cache[f] = {i for i, v in enumerate(venues) if v.has(f)}
            ok &= self._feature_cache[f]
        for p in members:
            ok &= self._reach(p, venues)
        return ok

    def _fitting_venues(self, members: list[Person], optional: list[Person], venues: list[VenueRec]) -> list[VenueRec]:
        return [venues[i] for i in sorted(self._fit(members, optional, venues))]

    def _compatible(self, p: Person, i: int, venues: list[VenueRec], required: bool = True) -> bool:
        v = venues[i]
        return all(v.has(f) for f in p.needs) and (not required or i in self._reach(p, venues))

    def _repair(self, members, optional, by_role, anchor, venues, taken):
        """Make some venue fit the whole group (size, needs, travel limits), as an organiser does:
        pick the venue that suits most of the group, then swap the others for people it suits."""
        if self._fit(members, optional, venues):
            return members, optional, True
        n = len(members) + len(optional)
        roomy = [i for i, v in enumerate(venues) if v.capacity >= n]
        if not roomy:
            biggest = max(v.capacity for v in venues)
            optional = optional[: max(biggest - len(members), 0)]
            members = members[:biggest]
            roomy = [i for i, v in enumerate(venues) if v.capacity >= len(members) + len(optional)]
        centre = (anchor[1], anchor[2]) if anchor else None

        def suits(i: int) -> tuple[int, float]:
            count = sum(self._compatible(p, i, venues) for p in members)
            count += sum(self._compatible(p, i, venues, required=False) for p in optional)
            return (count, -km(venues[i].pos, centre) if centre else 0.0)

        target = max(roomy, key=lambda i: (suits(i), -i))
        kept = [p for p in members if self._compatible(p, target, venues)]
        kept_opt = [p for p in optional if self._compatible(p, target, venues, required=False)]
        for p in members + optional:
            if p not in kept and p not in kept_opt:
                taken.discard(p.pid)
        near = anchor or venues[target].town
        for p in members:
            if p not in kept:
                kept += self._draw(by_role[p.role], 1, near, taken,
                                   accept=lambda q: self._compatible(q, target, venues))
        for p in optional:
            if p not in kept_opt:
                kept_opt += self._draw(by_role[p.role], 1, near, taken,
                                       accept=lambda q: self._compatible(q, target, venues, required=False))
        return kept, kept_opt, bool(kept) and bool(self._fit(kept, kept_opt, venues))

    def _away_for_a_period(self, p: Person, recurrence: str, window) -> None:
        """Real data: one required attendee is away for a whole period (hospital stay, secondment)."""
        rng = self.rng
        first, last = window or YEAR
        if recurrence == "once":
            p.ranges.append((first, last))
        elif recurrence == "half-termly":
            blocks = [(a, b) for _, a, b, _ in TERM_BLOCKS if a >= first and b <= last] or [(first, last)]
            a, b = rng.choice(blocks)
            p.ranges.append((a, b))
        else:
            months = []
            d = date(first.year, first.month, 1)
            while d <= last:
                nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
                months.append((max(d, first), min(nxt - timedelta(days=1), last)))
                d = nxt
            if recurrence in ("termly", "quarterly"):
                span = 3
                k = rng.randrange(0, max(len(months) - span + 1, 1))
                p.ranges.append((months[k][0], months[min(k + span - 1, len(months) - 1)][1]))
            else:
                p.ranges.append(rng.choice(months))

    # -- writing --------------------------------------------------------------------------------
    def write(self, folder: Path) -> dict:
        folder.mkdir(parents=True, exist_ok=True)
        venues = self.venues()
        people = self.people()
        meetings = self.programme(people, venues)
        _write(folder / "venues.csv", ["venue_id", "name", "address", "postcode", "latitude", "longitude", "capacity",
                                       *FEATURES, "open_days", "open_from", "open_until", "closed_dates",
                                       "access_checked", "notes"], [v.row for v in venues])
        _write(folder / "participants.csv",
               ["participant_id", "name", "role", "email", "home_postcode", "latitude", "longitude", "needs",
                "travel_mode", "max_travel_minutes", "unavailable", "groups", "education_ends", "organisation"],
               [self._person_row(p) for p in people])
        _write(folder / "meetings.csv",
               ["meeting_id", "title", "attendees", "optional_attendees", "duration_minutes", "recurrence",
                "window_start", "window_end", "papers_days", "chair", "venues", "min_gap_days",
                "participation_level", "description"], meetings)
        terms = [{"term": n, "first_day": str(a), "last_day": str(b), "status": s} for n, a, b, s in TERM_BLOCKS]
        terms += [{"term": n, "first_day": str(d), "last_day": str(d), "status": "indicative"} for n, d in NON_SCHOOL]
        _write(folder / "term_dates.csv", ["term", "first_day", "last_day", "status"], terms)
        (folder / "settings.toml").write_text(
            "# Generated benchmark instance: every setting not listed here is the default.\n"
            "[organiser]\nname = \"Benchmark county SEND co-production team\"\n"
            "email = \"send.coproduction@example.org\"\n\n"
            f"[solver]\ntime_limit_seconds = {self.size.time_limit:g}\nseed = 0\nworkers = 2\n",
            encoding="utf-8")
        meta = {
            "size": self.size.name, "seed": self.seed, "plan_from": str(self.size.plan_from),
            "plan_to": str(self.size.plan_to), "time_limit": self.size.time_limit,
            "venues": len(venues), "people": len(people), "series": len(meetings),
            "hoist_share": round(sum(v.has("hoist_toilet") for v in venues) / len(venues), 3),
            "step_free_share": round(sum(v.has("step_free") for v in venues) / len(venues), 3),
            "roles": {r: sum(p.role == r for p in people) for r in ("parent_carer", "young_person", "professional")},
            "audiences": _count(m["description"].split()[1] for m in meetings),
            "recurrences": _count(m["recurrence"] for m in meetings),
            "group_sizes": [min(len(m["attendees"].split(";")), 999) if not m["attendees"].startswith("group:")
                            else sum(m["attendees"][6:] in p.groups for p in people) for m in meetings],
        }
        (folder / "instance.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        return meta

    def _person_row(self, p: Person) -> dict[str, str]:
        rng = self.rng
        first, last = rng.choice(FIRST), rng.choice(LAST)
        unavailable = sorted(p.weekdays, key=WEEKDAYS.index) + [
            str(a) if a == b else f"{a}..{b}" for a, b in sorted(p.ranges)]
        edu = ""
        if p.role == "young_person" and rng.random() < 0.8:
            edu = pick(rng, (("15:10", .2), ("15:15", .2), ("15:20", .15), ("15:30", .2), ("16:00", .15), ("16:30", .1)))
        return {
            "participant_id": p.pid, "name": f"{first} {last}", "role": p.role,
            "email": f"{first.lower()}.{last.lower()}.{p.pid.lower()}@example.org",
            "home_postcode": rng.choice(p.town[3]) if p.home else "",
            "latitude": f"{p.home[0]:.3f}" if p.home else "", "longitude": f"{p.home[1]:.3f}" if p.home else "",
            "needs": ";".join(sorted(p.needs)), "travel_mode": p.mode,
            "max_travel_minutes": str(p.limit) if p.limit else "", "unavailable": ";".join(unavailable),
            "groups": ";".join(p.groups), "education_ends": edu,
            "organisation": rng.choice(ORGS) if p.role == "professional" else "",
        }


def _count(values) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return dict(sorted(out.items()))


def _write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in columns})


def generate(size: str, seed: int, folder: Path | str) -> dict:
    """Write one instance into `folder`; returns its summary (also written as instance.json)."""
    return Generator(SIZES[size], seed).write(Path(folder))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", choices=sorted(SIZES), default="S")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True, help="folder to write the data files into")
    args = ap.parse_args(argv)
    meta = generate(args.size, args.seed, args.out)
    print(json.dumps({k: v for k, v in meta.items() if k != "group_sizes"}))


if __name__ == "__main__":
    main()
