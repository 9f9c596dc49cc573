"""Russia, 4 December 2011 (State Duma, party lists) and 4 March 2012 (President), mapped into
saylau: the files `ru2011_duma.csv` and `ru2012_president.csv` of ../shared/data/forensics
(one row per precinct commission; source in that folder's README), read by the one reader of
the 2020 file (importers/russia2020: regions, TIKs, stations, names, messy rows, saylau's
protocol checks, `OnBadRows`) with their own layout. Mapping also in docs/importers.md.

Columns (2011; 2012 has the candidates' columns instead of the parties')::

    region, tik, precinct_id, registered, ballots_early, ballots_in_station,
    ballots_outside, ballots_given, ballots_portable_box, ballots_stationary_box, invalid,
    valid, SR, LDPR, Patriots, KPRF, Yabloko, UR, PravoeDelo
    (2012: Zhirinovsky, Zyuganov, Mironov, Prokhorov, Putin)

Geography: as 2020 (`RU`, regions `RU-001`... in the order of their first row, TIKs
`RU-001-T001`..., stations `RU-001-T001-U<n>`); here a precinct is written as its bare number
("1234"), which gives `-U1234` (a precinct written otherwise gets `-X<k>`, as in 2020).

Contests (ruleset `generic`):
    2011  election `ru-2011` (2011-12-04), contest `ru-2011.list`: one party-list contest over
          the country, the seven parties as options in the order of the file's columns (that
          order is their `registration_order`, which saylau's tie rule needs; the file does not
          say it is the ballot's order), with the election's parameters seats = 450,
          threshold = 7 (%), method = hare (largest remainder with the Hare quota): the Duma's
          450 list seats and 7% threshold of 2011 (Federal Law No. 51-FZ of 18 May 2005,
          Articles 82-83, as in force in 2011).
    2012  election `ru-2012` (2012-03-04), contest `ru-2012.president`: the five candidates,
          no nominating party recorded (the file does not say; saylau's `party` names a
          party-list option of the same election, which there is none of). saylau's
          presidential rule under `generic` (more than half of the participants) is the
          closest it has; the decision it shows is not a statement about Russian law.

Protocols (as 2020, with the ballots in the boxes summed):
    registered          registered
    ballots_received    ballots_given (the file has no figure for ballots received)
    ballots_issued      ballots_given (checked = ballots_early + ballots_in_station +
                        ballots_outside: `source.given_mismatch` otherwise)
    ballots_cancelled   0 (the file has no figure for cancelled or unused ballots)
    ballots_in_boxes    ballots_portable_box + ballots_stationary_box
    invalid             invalid
    both_marked         0 (only referendum ballots have it)
    votes               one per party / candidate column
    valid               not stored; checked = the sum of the vote columns
                        (`source.valid_mismatch` otherwise)

What the real files hold under this mapping: every row reads; 18 rows of 2011 and 13 of 2012
have more ballots in the boxes than ballots given (`boxes.exceed_issued`: bad rows, so the
default `strict` refuses the file and `skip` / `reject` load the rest); one 2012 precinct has an
empty list (a note). tests/golden/test_russia_2011_2012.py holds these figures and the tally.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from saylau.domain.contests import Contest, ContestKind, Option
from saylau.domain.ids import ContestId, ElectionId, OptionId
from saylau.domain.lookup import unknown
from saylau.domain.names import Names
from saylau.importers.russia2020.layout import Layout
from saylau.importers.russia2020.mapping import RussiaMapping
from saylau.importers.russia2020.names import ROOT_ID
from saylau.importers.russia2020.reader import map_file as _map_with

PRECINCT = re.compile(r"(?:УИК\s*№\s*)?(\d{1,9})")
"""A precinct's number, bare as in these files (or "УИК №n")."""

_COMMON = ("region", "tik", "precinct_id", "registered", "ballots_early", "ballots_in_station",
           "ballots_outside", "ballots_given", "ballots_portable_box",
           "ballots_stationary_box", "invalid", "valid")

PARTIES_2011: tuple[tuple[str, Names], ...] = (
    ("SR", Names(kk="Справедливая Россия", ru="Справедливая Россия", en="A Just Russia")),
    ("LDPR", Names(kk="ЛДПР", ru="ЛДПР", en="Liberal Democratic Party of Russia")),
    ("Patriots", Names(kk="Патриоты России", ru="Патриоты России", en="Patriots of Russia")),
    ("KPRF", Names(kk="КПРФ", ru="КПРФ", en="Communist Party of the Russian Federation")),
    ("Yabloko", Names(kk="Яблоко", ru="Яблоко", en="Yabloko")),
    ("UR", Names(kk="Единая Россия", ru="Единая Россия", en="United Russia")),
    ("PravoeDelo", Names(kk="Правое дело", ru="Правое дело", en="Right Cause")),
)
"""The file's party columns, in its order, with the parties' names (kk: the Russian name; no
Kazakh names exist; en: ours)."""

CANDIDATES_2012: tuple[tuple[str, Names], ...] = tuple(
    (cid, Names(kk=ru, ru=ru, en=en)) for cid, ru, en in (
        ("Zhirinovsky", "Жириновский Владимир Вольфович", "Vladimir Zhirinovsky"),
        ("Zyuganov", "Зюганов Геннадий Андреевич", "Gennady Zyuganov"),
        ("Mironov", "Миронов Сергей Михайлович", "Sergey Mironov"),
        ("Prokhorov", "Прохоров Михаил Дмитриевич", "Mikhail Prokhorov"),
        ("Putin", "Путин Владимир Владимирович", "Vladimir Putin"),
    ))
"""The file's candidate columns, in its order."""

LIST_PARAMS_2011 = {"seats": "450", "threshold": "7", "method": "hare"}
"""The 2011 Duma's list seats, threshold (%) and method, as the election's parameters."""

ELECTIONS = {
    "russia-2011": ("ru-2011", "2011-12-04", Names(
        kk="Выборы депутатов Государственной Думы Федерального Собрания Российской Федерации "
        "шестого созыва",
        ru="Выборы депутатов Государственной Думы Федерального Собрания Российской Федерации "
        "шестого созыва",
        en="Election of the deputies of the State Duma of the Russian Federation (6th "
        "convocation)")),
    "russia-2012": ("ru-2012", "2012-03-04", Names(
        kk="Выборы Президента Российской Федерации",
        ru="Выборы Президента Российской Федерации",
        en="Election of the President of the Russian Federation")),
}
"""Kind -> (election id, date, names)."""


def list_contest(election_id: str) -> Contest:
    """What `create_parliament` creates for 2011 (options in registration order)."""
    return Contest(
        id=ContestId(f"{election_id}.list"), election=ElectionId(election_id),
        kind=ContestKind.PARTY_LIST,
        name=Names(kk="Партиялық тізімдер", ru="Партийные списки", en="Party lists"),
        area=ROOT_ID,
        options=tuple(Option(OptionId(pid), name, registration_order=k + 1)
                      for k, (pid, name) in enumerate(PARTIES_2011)))


def president_contest(election_id: str) -> Contest:
    """What `create_presidential` creates for 2012."""
    return Contest(
        id=ContestId(f"{election_id}.president"), election=ElectionId(election_id),
        kind=ContestKind.PRESIDENTIAL,
        name=Names(kk="Президент сайлауы", ru="Выборы Президента", en="Presidential election"),
        area=ROOT_ID,
        options=tuple(Option(OptionId(cid), name) for cid, name in CANDIDATES_2012))


def _layout(kind: str, options: tuple[str, ...], contest: Callable[[str], Contest],
            label: str) -> Layout:
    return Layout(what=f"the {kind[-4:]} file", columns=_COMMON + options, options=options,
                  precinct=PRECINCT, contest=contest,
                  election_id=ELECTIONS[kind][0],
                  in_boxes=("ballots_portable_box", "ballots_stationary_box"),
                  given_parts=("ballots_early", "ballots_in_station", "ballots_outside"),
                  votes_label=label)


LAYOUTS = {
    "russia-2011": _layout("russia-2011", tuple(p for p, _ in PARTIES_2011), list_contest,
                           "the party columns"),
    "russia-2012": _layout("russia-2012", tuple(c for c, _ in CANDIDATES_2012),
                           president_contest, "the candidate columns"),
}


def map_file(kind: str, data: bytes, *, election_id: str | None = None) -> RussiaMapping:
    """Map the 2011 or 2012 file (`kind`: russia-2011 | russia-2012); pure, as the 2020
    importer's `map_file`."""
    if kind not in LAYOUTS:
        raise unknown("kind", sorted(LAYOUTS), kind, what="CEC file")
    return _map_with(data, election_id=election_id, layout=LAYOUTS[kind])


__all__ = ["CANDIDATES_2012", "ELECTIONS", "LAYOUTS", "LIST_PARAMS_2011", "PARTIES_2011",
           "PRECINCT", "list_contest", "map_file", "president_contest"]
