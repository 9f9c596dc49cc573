"""A realistic synthetic Kazakhstan: the real top-level units, made-up districts and stations.

For demonstrations, load tests and benchmarks: the top-level units (ids = ISO 3166-2 codes,
names in kk, ru, en) come from the shipped `data/kz_units.json` (passed in already parsed:
reading the file belongs to the shell, see `saylau.data.load_kz_units`); everything below
them is invented:

- the root is ``KZ`` (kind ``country``), its children the top-level units in file order: the
  20 in force since 8 June 2022, or, with ``as_of`` an earlier date (e.g. ``2022-06-05``, the
  day of the constitutional referendum), the 17 of that day: Abai, Jetisu and Ulytau (each
  unit's ``exists_since``) are then still part of East Kazakhstan, Almaty Region and Karaganda
  (the file's ``carved_2022``), whose population weights include theirs;
- each unit's stations are its share of ``stations - abroad`` by `POPULATION_THOUSANDS`
  (exact largest-remainder apportionment, at least one station per unit);
- districts: the three cities get their real number of city districts (`CITY_DISTRICTS`),
  regions 6 to 20 districts growing with population (`_region_districts`); never more
  districts than stations; stations are shared among a unit's districts by random weights;
- ids sort in tree order (the units come parents first, and each level in id order):
  districts ``KZ-71-D03``, stations ``KZ-71-D03-S0042``, where the station number is unique
  within its top-level unit and zero-padded to a common width (4 digits, more when a unit
  has 10,000 stations or more);
- voter lists are log-normal, truncated by redrawing (median 1,000, sigma 0.6, within
  40..3,500: mean about 1,140 and 98% of lists between 250 and 3,150; in 2022 11,734,642
  voters were on the lists of about 10,100 stations, 1,160 each);
- ``abroad`` stations (65-74 in recent votes, docs/law.md §13.3) sit in the district
  ``KZ-71-ABROAD`` (the capital's first district; numbered ``KZ-71-ABROAD-S0001`` on) under
  the capital (docs/law.md §3.7), with smaller lists
  (median 250, sigma 0.8, within 10..3,000) and ``abroad=True``.

Everything random comes from one ``random.Random(seed)``, consumed in a fixed order: the
same arguments give the same units (and the same CSV bytes) on the same Python and platform
(log-normal draws use the platform's libm, which could in principle differ in the last bit
between platforms).
"""

from __future__ import annotations

from saylau.domain.generator.data import (
    ABROAD_DISTRICT_ID,
    ABROAD_DISTRICT_NAMES,
    ABROAD_LIST_MAX,
    ABROAD_LIST_MEDIAN,
    ABROAD_LIST_MIN,
    ABROAD_LIST_SIGMA,
    CAPITAL_CODE,
    CITY_DISTRICTS,
    LIST_MAX,
    LIST_MEDIAN,
    LIST_MIN,
    LIST_SIGMA,
    POPULATION_THOUSANDS,
    ROOT_ID,
    ROOT_NAMES,
    carved_units,
    kz_top_level_units,
    population_weights,
)
from saylau.domain.generator.stations import (
    generate_kazakhstan,
    generate_kazakhstan_units,
)

__all__ = [
    "ABROAD_DISTRICT_ID",
    "ABROAD_DISTRICT_NAMES",
    "ABROAD_LIST_MAX",
    "ABROAD_LIST_MEDIAN",
    "ABROAD_LIST_MIN",
    "ABROAD_LIST_SIGMA",
    "CAPITAL_CODE",
    "CITY_DISTRICTS",
    "LIST_MAX",
    "LIST_MEDIAN",
    "LIST_MIN",
    "LIST_SIGMA",
    "POPULATION_THOUSANDS",
    "ROOT_ID",
    "ROOT_NAMES",
    "carved_units",
    "generate_kazakhstan",
    "generate_kazakhstan_units",
    "kz_top_level_units",
    "population_weights",
]
