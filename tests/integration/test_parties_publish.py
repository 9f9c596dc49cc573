"""The party register in the static snapshot (`saylau publish`): the register and each party's
page (its decision, kz-2022 beside kz-2007, its valid members per region) in kk, ru and en,
the register's data as JSON, every link resolving, and no IIN anywhere in the snapshot."""

from __future__ import annotations

import io
import json
import random
import re
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console

from saylau.cli.demo import DemoOptions, run_demo
from saylau.domain.ids import ActorId
from saylau.domain.names import Names
from saylau.domain.parties.synthetic import BadShares, member_list, random_iin, to_csv
from saylau.services.context import Saylau
from saylau.services.parties.decisions import decide_party
from saylau.services.parties.register import (
    ApplicationIn,
    apply,
    import_barred,
    import_members,
    regions,
)
from saylau.web.publish import publish
from tests.integration.test_parties_service import iins_in
from tests.integration.test_publish import broken_links

MINISTRY = ActorId("ministry")


def test_the_register_is_in_the_snapshot(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAYLAU_PARTIES_KEY", str(tmp_path / "parties.key"))
    db = tmp_path / "pub.db"
    run_demo(DemoOptions(instant=True, stations=40, database=db), Console(file=io.StringIO()))
    s = Saylau.open(f"sqlite:///{db}")
    try:
        regs = regions()
        a = member_list(1, 0, regs, per_region=[260] * 20)
        barred = random_iin(random.Random(5))
        b = member_list(2, 0, regs, per_region=[40] * 20, shares=BadShares(barred=0.02),
                        barred=[barred])
        names = {"alpha": Names("Алға", "Вперёд", "Forward"), "beta/2": Names.same("Beta")}
        for pid, cols in (("alpha", a), ("beta/2", b)):
            apply(s, ApplicationIn(pid, names[pid], "kz-2022", 800, regs, date(2022, 7, 1),
                                   date(2022, 9, 1), date(2022, 10, 15)), MINISTRY)
            import_members(s, pid, to_csv(cols).encode(), "m.csv", ActorId("party"))
        import_barred(s, [(barred, "cec")], MINISTRY)
        decide_party(s, "alpha", MINISTRY, rulesets=("kz-2007",))
        decide_party(s, "beta/2", MINISTRY)
        snap = publish(s, tmp_path / "site", workers=1)
    finally:
        s.engine.dispose()
    root = snap.out
    assert broken_links(root) == []
    for lang, name, status in (("kk", "Алға", "тіркелді"), ("ru", "Вперёд", "зарегистрирована"),
                               ("en", "Forward", "party registered")):
        register = (root / lang / "parties" / "index.html").read_text(encoding="utf-8")
        assert name in register and status in register.lower(), lang
        page = (root / lang / "parties" / "alpha.html").read_text(encoding="utf-8")
        assert "kz-2007" in page and "kz-2022" in page
        # the table of valid members per region: 260 in each of the 20 regions under kz-2022
        assert len(re.findall(r'<td class="num">260</td>', page)) >= 20
        assert (root / lang / "parties" / "beta%2F2.html").is_file()
        index = (root / lang / "index.html").read_text(encoding="utf-8")
        assert f'href="../{lang}/parties/index.html"' in index  # the footer links it
    data = json.loads((root / "data" / "parties.json").read_text(encoding="utf-8"))
    assert {e["id"]: e["status"] for e in data} == {"alpha": "registered",
                                                    "beta/2": "refused"}
    m = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    assert m["pages"] == snap.pages
    text = "\n".join(p.read_text(encoding="utf-8") for p in root.rglob("*")
                     if p.is_file() and p.suffix in (".html", ".json", ".csv"))
    assert iins_in(text, {*a.iins, *b.iins, barred}) == set()
