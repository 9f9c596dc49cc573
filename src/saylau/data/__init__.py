"""Datasets shipped with saylau, read through importlib.resources (works from a wheel too).

`kz_units.json`: the 20 top-level units of Kazakhstan with ISO 3166-2 codes and names in
kk, ru, en; its "about" field names its sources.

This is shell code (it reads a file); the pure core receives the parsed dict.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any


def load_kz_units() -> dict[str, Any]:
    """The parsed `kz_units.json` (see saylau.domain.generator.kz_top_level_units)."""
    text = files(__name__).joinpath("kz_units.json").read_text(encoding="utf-8")
    data = json.loads(text)
    if not isinstance(data, dict):  # pragma: no cover - the shipped file is an object
        raise TypeError("kz_units.json must hold a JSON object")
    return data
