"""Where a page's links go: the live site's routes, or the static snapshot's relative files;
the same templates serve both."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote

from saylau.domain.geography import Unit


class Links(Protocol):
    """Where a page's links go."""

    @property
    def live_site(self) -> bool: ...

    def national(self) -> str: ...
    def unit(self, unit: Unit) -> str: ...
    def contest(self, contest_id: str) -> str: ...
    def static(self, path: str) -> str: ...
    def lang(self, lang: str) -> str: ...
    def elections(self) -> str | None: ...
    def snapshot_file(self, path: str) -> str | None: ...
    def open_data(self, what: str) -> str | None: ...
    def integrity(self) -> str | None: ...  # the integrity page (issue 14)

    def observation(self) -> str | None: ...
    def audits(self) -> str | None: ...  # the risk-limiting audits (issue 15)
    def audit(self, audit_id: str) -> str: ...

    def parties(self) -> str | None: ...  # the party register (issue 13)
    def party(self, party: str) -> str: ...


def q(part: str) -> str:
    return quote(part, safe="-_.~")


@dataclass(frozen=True)
class ServerLinks:
    """Links of the live site: absolute paths; the language is kept by a cookie."""

    election: str
    here: str
    """This page's path (for the language switch)."""
    live_site: bool = True

    def national(self) -> str:
        return f"/elections/{q(self.election)}" if self.election else "/"

    def unit(self, unit: Unit) -> str:
        if unit.parent is None:
            return self.national()
        return f"/elections/{q(self.election)}/units/{q(unit.id)}"

    def contest(self, contest_id: str) -> str:
        return f"/elections/{q(self.election)}/contests/{q(contest_id)}"

    def static(self, path: str) -> str:
        return f"/static/{path}"

    def lang(self, lang: str) -> str:
        return f"{self.here}?lang={lang}"

    def elections(self) -> str | None:
        return "/elections"

    def snapshot_file(self, path: str) -> str | None:
        return None

    def integrity(self) -> str | None:
        """The election's integrity page (issue 14)."""
        return f"/elections/{q(self.election)}/integrity" if self.election else None

    def open_data(self, what: str) -> str | None:
        """The live API's open data of this election: csv, json, cdf or the record's head."""
        if not self.election:
            return None
        e = q(self.election)
        return {"csv": f"/api/elections/{e}/open-data/csv",
                "json": f"/api/elections/{e}/open-data/json",
                "cdf": f"/api/elections/{e}/cdf.json",
                "record": f"/api/elections/{e}/tree-head"}.get(what)

    def observation(self) -> str | None:
        """The election's Observation page (issue 12)."""
        return f"/elections/{q(self.election)}/observation" if self.election else None

    def parties(self) -> str | None:
        """The register of political parties (issue 13)."""
        return "/parties"

    def party(self, party: str) -> str:
        return f"/parties/{q(party)}"

    def audits(self) -> str | None:
        """The risk-limiting audits (issue 15)."""
        return "/audits"

    def audit(self, audit_id: str) -> str:
        return f"/audits/{q(audit_id)}"


def file_name(ident: str) -> str:
    """An id as a file name (ids are plain in practice; anything else is percent-encoded)."""
    return q(ident)


@dataclass(frozen=True)
class StaticLinks:
    """Links of the static snapshot: relative to the page's own file, so the snapshot works
    from any directory of any static host. Pages live under `<lang>/`."""

    page: str
    """This page's path in the snapshot, e.g. 'kk/units/KZ-10.html'."""
    language: str
    live_site: bool = False
    with_parties: bool = False
    """Whether the snapshot holds the party register's pages (only when a party applied)."""

    def _rel(self, target: str) -> str:
        """`target` (a path from the snapshot's root) relative to this page."""
        return "../" * self.page.count("/") + quote(target, safe="/-_.~")

    def national(self) -> str:
        return self._rel(f"{self.language}/index.html")

    def unit(self, unit: Unit) -> str:
        if unit.parent is None:
            return self.national()
        return self._rel(f"{self.language}/units/{file_name(unit.id)}.html")

    def contest(self, contest_id: str) -> str:
        return self._rel(f"{self.language}/contests/{file_name(contest_id)}.html")

    def static(self, path: str) -> str:
        return self._rel(f"static/{path}")

    def lang(self, lang: str) -> str:
        _, _, rest = self.page.partition("/")
        return self._rel(f"{lang}/{rest}")

    def elections(self) -> str | None:
        return None

    def snapshot_file(self, path: str) -> str | None:
        """A file of the snapshot by its path from the snapshot's root."""
        return self._rel(path)

    def open_data(self, what: str) -> str | None:
        return None  # a snapshot carries its data under data/ (see snapshot_file)

    def observation(self) -> str | None:
        """The snapshot's Observation page (issue 12)."""
        return self._rel(f"{self.language}/observation.html")

    def integrity(self) -> str | None:
        """The election's integrity page in this language (issue 14)."""
        return self._rel(f"{self.language}/integrity.html")

    def parties(self) -> str | None:
        """The party register's page in this language (issue 13), when the snapshot has it."""
        return self._rel(f"{self.language}/parties/index.html") if self.with_parties else None

    def party(self, party: str) -> str:
        return self._rel(f"{self.language}/parties/{file_name(party)}.html")

    def audits(self) -> str | None:
        """The snapshot's list of the election's risk-limiting audits (issue 15)."""
        return self._rel(f"{self.language}/audits.html")

    def audit(self, audit_id: str) -> str:
        return self._rel(f"{self.language}/audits/{file_name(audit_id)}.html")
