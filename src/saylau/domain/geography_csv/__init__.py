"""A geography as CSV: the one file format for importing and exporting units.

Pure: `parse_geography_csv` takes the file's bytes, `geography_to_csv` returns text; reading
and writing files belongs to the shell. The same specification is in docs/geography-csv.md.

Format
------
UTF-8 (a leading byte order mark is accepted and ignored), comma-separated, a field quoted
with ``"`` when it holds a comma, a quote or a line break (RFC 4180: a quote inside a quoted
field is doubled). Lines end with LF, CRLF or CR. Line 1 is the header; it names these nine
columns, each exactly once, in any order (matched ignoring case and surrounding spaces; no
other column is allowed)::

    id,parent,kind,name_kk,name_ru,name_en,code,registered,abroad

- ``id``: the unit's id, unique in the file, not empty, at most 64 characters, printable,
  without ``/`` (saylau.domain.limits).
- ``parent``: the parent's id; empty only for the root (the country).
- ``kind``: ``country``, ``region``, ``city``, ``district`` or ``station`` (any case). The
  root is the country and no other unit is; the root's children are regions and cities (the
  top-level units) and no other unit is a region or a city; stations are leaves.
- ``name_kk``, ``name_ru``, ``name_en``: the name in Kazakh (Cyrillic), Russian and English.
  At least one of the three is not blank; each at most 2,000 characters, without NUL; names
  are kept exactly as written, spaces included.
- ``code``: the ISO 3166-2 code (two capital letters, a hyphen, 1-3 capitals or digits, e.g.
  ``KZ-71``) of a region or city, or empty when it has none (e.g. an imported foreign
  geography); always empty for every other kind.
- ``registered``: voters on the list, stations only: a whole number >= 0 in the digits 0-9
  (no ``+``, no separators, no decimals; ``-12`` is reported as a negative count); required
  for stations; empty or ``0`` for other kinds.
- ``abroad``: ``true`` or ``false`` (any case); empty means false; only stations can be
  abroad.

A text cell that a spreadsheet would run as a formula is written behind an apostrophe and
read back without it (saylau.domain.spreadsheet: reversible, so the round trip is exact).
Surrounding spaces are removed from every field except the names. Rows may come in any order
(a child may come before its parent). Blank lines, and rows whose fields are all blank, are
skipped. The export writes the columns in the order above, LF line ends, no byte order mark,
units parents first (the order of `Geography.units`), ``registered`` and ``abroad`` empty for
units that are not stations and ``true``/``false`` in ``abroad`` for stations; reading the
export gives back an equal `Geography`.

All or nothing
--------------
A file with any bad row imports nothing. `ImportFailed` lists every problem at once in
``rows``, each a dict with ``line`` (1-based physical line, the header is line 1; a row with
a quoted line break is named by its first line), ``unit`` (the row's id, as far as readable),
``field`` (a column; ``row`` for a row with the wrong number of fields or broken quoting;
``header``; ``encoding``), ``expected``, ``actual`` and ``message``, sorted by line:

1. Bytes that are not UTF-8: every line that holds them (the bytes in hex, their place in
   the line); nothing else is reported.
2. A bad header (no header, a missing, unknown or repeated column): reported alone, as rows
   cannot be read without it.
3. Otherwise, together: row problems (wrong number of fields, empty id, unknown kind, a voter
   count that is not a whole number or missing for a station, a bad ``abroad`` or ``code``, no
   name) and tree problems (duplicate id, unknown parent, a cycle of parents (each unit on it),
   a negative voter count, a station used as a parent, a voter list or ``abroad`` on a unit
   that is not a station, a unit of the wrong kind for its level, no root or more than one).
   A child whose parent's row was itself refused is not reported again as having an unknown
   parent.
"""

from __future__ import annotations

from saylau.domain.geography_csv.columns import (
    COLUMNS,
)
from saylau.domain.geography_csv.read import (
    parse_geography_csv,
)
from saylau.domain.geography_csv.write import (
    geography_to_csv,
    units_to_csv,
)

__all__ = [
    "COLUMNS",
    "geography_to_csv",
    "parse_geography_csv",
    "units_to_csv",
]
