"""Distinct identifier types, so a station id is never passed where a contest id belongs."""

from typing import NewType

UnitId = NewType("UnitId", str)
"""Any node of the geography: the country, a top-level unit, a district, a polling station."""

StationId = NewType("StationId", UnitId)
"""A polling station: a unit that is a leaf of the geography and has a voter list."""

ElectionId = NewType("ElectionId", str)
ContestId = NewType("ContestId", str)
OptionId = NewType("OptionId", str)
"""A choice on a ballot: 'yes'/'no' in a referendum, a party, a candidate, 'against all'."""

ActorId = NewType("ActorId", str)
"""Who did something: the name of a token's holder (a commission, an operator)."""
