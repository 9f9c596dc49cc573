"""`saylau demo --election parties --instant` as a new user runs it in an empty folder: the
register, a refused party's every reason, the kz-2007 vs kz-2022 comparison; no IIN printed
or stored."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saylau.cli.main import app

runner = CliRunner()


def test_the_registration_season(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SAYLAU_DATABASE_URL", raising=False)
    monkeypatch.delenv("SAYLAU_PARTIES_KEY", raising=False)
    r = runner.invoke(app, ["demo", "--election", "parties", "--instant"])
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "Zhasyl Dala: registered under kz-2022; under kz-2007 it would be refused" in out
    assert "Jana Jol: refused under kz-2022" in out
    reasons = [line for line in out.splitlines() if line.strip().startswith("reason:")]
    assert len(reasons) == 3  # founders, members in total, a short branch: every one named
    assert any("690 founders; kz-2022 requires at least 700" in x for x in reasons)
    assert any("short: " in x and "KZ-79" in x for x in reasons)
    assert "the register: Zhasyl Dala registered; Jana Jol refused; Bolashaq registered" in out
    r2 = runner.invoke(app, ["parties", "list"])
    assert r2.exit_code == 0 and "bolashaq" in r2.stdout
    # the IINs the demo made are nowhere: not printed, not in the database file
    assert not re.search(r"(?<![0-9a-f])[0-9]{12}(?![0-9a-f])", out + r2.stdout)
    conn = sqlite3.connect(tmp_path / "saylau.db")
    try:
        cells = [str(c) for (c,) in conn.execute("SELECT iin_last4 FROM party_member_rows")]
        assert cells and all(len(c) == 4 for c in cells)
        hashes = {h for (h,) in conn.execute("SELECT iin_hash FROM party_member_rows")}
        assert all(len(h) == 64 for h in hashes)
    finally:
        conn.close()
    assert (tmp_path / "saylau.db.parties.key").stat().st_mode & 0o777 == 0o600
    # the season is in the register's record, which verifies and names no IIN
    r3 = runner.invoke(app, ["record", "export", "@parties", "--out", "register"])
    assert r3.exit_code == 0, r3.output
    r4 = runner.invoke(app, ["verify", "register"])
    assert r4.exit_code == 0, r4.output
    assert "3 decision(s) re-derived" in r4.stdout
    exported = "".join(p.read_text(encoding="utf-8")
                       for p in sorted((tmp_path / "register").iterdir()))
    assert not re.search(r"(?<![0-9a-f])[0-9]{12}(?![0-9a-f])", exported)
