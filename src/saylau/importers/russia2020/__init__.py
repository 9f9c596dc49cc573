"""Russia, 1 July 2020: the nationwide vote on constitutional amendments, mapped into saylau.

The input is `ru2020_constitutional_vote.csv` of ../shared/data/forensics (one row per
precinct commission, 96,765 rows; see that folder's README for its source). Its columns:

    region, tik, precinct_id, registered, ballots_given, ballots_in_boxes, invalid, valid,
    yes, no

The mapping (also in docs/importers.md):

Geography
    - the root: ``RU`` (kind ``country``), "Российская Федерация" / "Russian Federation";
    - each distinct ``region`` is a top-level unit ``RU-001``, ``RU-002``, ... numbered in the
      order of its first row in the file (the CEC's own order: republics, krais, oblasts, the
      federal cities, autonomous areas, Baikonur, abroad). Kind ``city`` for the three federal
      cities (город Москва, город Санкт-Петербург, город Севастополь), ``region`` otherwise;
      no ISO 3166-2 code (``code`` is empty);
    - each distinct ``tik`` (territorial commission) of a region is a district
      ``RU-001-T001``, ``RU-001-T002``, ... numbered in order of first appearance within its
      region;
    - each row is a station under its TIK: ``RU-001-T001-U1234`` when ``precinct_id`` reads
      "УИК №1234" (the digits as written), else ``RU-001-T001-X1``, ``-X2``, ... in order of
      appearance within the TIK (a precinct number or text seen twice in a TIK is a duplicate
      row). Its voter list is ``registered``. Stations of the region
      "Территория за пределами РФ" carry ``abroad=True``;
    - names: ``kk`` and ``ru`` both hold the Russian text of the file (no Kazakh names exist
      for these units), ``en`` a transliteration of it (`transliterate`: a simplified
      BGN/PCGN table, no context rules, ``№`` as ``No.``).

Contest
    One referendum question with the options ``yes`` and ``no``, over the whole country,
    created as an *ordinary* question (``constitutional=False``): the two-thirds-of-units rule
    of saylau's constitutional referendums is Kazakhstan's (Constitution, Art. 91) and not the
    rule of the 2020 vote. Election ``ru-2020`` of 2020-07-01 under the ``generic`` ruleset.

Protocols (one per station, in saylau's import format, `protocol_csv`)
    ===================== ===========================================================
    registered            registered
    ballots_received      ballots_given (the file has no figure for ballots received)
    ballots_issued        ballots_given
    ballots_cancelled     0 (the file has no figure for cancelled or unused ballots)
    ballots_in_boxes      ballots_in_boxes
    invalid               invalid
    both_marked           0 (the 2020 ballot had no such category)
    yes, no               yes, no
    valid                 not stored: checked to equal yes + no
    ===================== ===========================================================

So received = issued + cancelled holds by construction and the ballot-accounting check of
saylau neither fails nor warns on these rows.

Messy rows
    A row is *bad* when it has the wrong number of fields, an empty region, TIK or precinct, a
    count that is not a whole number written in digits (empty cells included), ``valid`` other
    than ``yes + no``, repeats a precinct of its TIK, or fails one of saylau's protocol checks
    with an error (in the boxes > given, given > registered, in the boxes other than invalid +
    yes + no, a count above 10^9). Every bad row is reported with its line (the header is line
    1), field, code, expected and actual values; nothing crashes. The caller chooses
    (`OnBadRows`): ``strict`` refuses the whole file, ``skip`` imports the rest and lists the
    bad rows, ``reject`` does the same and also records every row that fails saylau's checks as
    a rejected protocol (the record the API keeps of refused submissions). A row whose
    ``registered`` is usable still places its station in the geography (the station exists; it
    is counted as not reported); a row whose ``registered`` is unusable does not. Stations with
    ``registered = 0`` are not errors: they are listed as notes.

The mapping is pure (`map_file`: bytes in, values and a report out: no store, no file, no
clock); `saylau.services.imports.load_russia_2020` puts it into a store through the services,
so every check of saylau runs on the way in.

Modules: `names` (the columns, ids and names, the romanisation), `mapping` (the mapped file and
its problems), `reader` (`map_file`). Every name is importable from here.
"""

from saylau.importers.russia2020.mapping import (
    OnBadRows,
    ProtocolRows,
    RowProblem,
    RussiaMapping,
)
from saylau.importers.russia2020.names import (
    ABROAD_REGION,
    COLUMNS,
    COUNT_COLUMNS,
    ELECTION_DATE,
    ELECTION_ID,
    ELECTION_NAMES,
    FEDERAL_CITIES,
    IMPORTER,
    MAX_DIGITS,
    NAME_COLUMNS,
    QUESTION,
    ROOT_ID,
    ROOT_NAMES,
    RULESET,
    names_of,
    transliterate,
)
from saylau.importers.russia2020.reader import contest_for, map_file

__all__ = [
    "ABROAD_REGION", "COLUMNS", "COUNT_COLUMNS", "ELECTION_DATE", "ELECTION_ID",
    "ELECTION_NAMES", "FEDERAL_CITIES", "IMPORTER", "MAX_DIGITS", "NAME_COLUMNS", "QUESTION",
    "ROOT_ID", "ROOT_NAMES", "RULESET", "OnBadRows", "ProtocolRows", "RowProblem",
    "RussiaMapping", "contest_for", "map_file", "names_of", "transliterate",
]
