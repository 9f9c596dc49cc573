"""The audit pages in kk, ru and en (issue 15): templates audit.html and audits.html, strings
in the audits.po catalogs."""

from __future__ import annotations

from collections.abc import Sequence

from saylau.web.render.helpers import COUNT_LABELS, environment, page_context
from saylau.web.render.links import Links
from saylau.web.views.audits import AuditView


def render_audit(v: AuditView, lang: str, links: Links) -> str:
    env = environment(lang)
    return env.get_template("audit.html").render(page_context(lang, links, v=v,
                                                              count_labels=COUNT_LABELS))


def render_audits(items: Sequence[tuple[str, str]], lang: str, links: Links) -> str:
    """The list of audits: (audit id, contest), each linked by `links.audit`."""
    env = environment(lang)
    return env.get_template("audits.html").render(page_context(lang, links, items=items))
