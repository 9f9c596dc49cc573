"""The integrity page in kk, ru and en (issue 14): its charts (web/integrity_charts.py) and
tables; the strings are in the wing's own catalogs (translations/*/LC_MESSAGES/integrity.po).
"""

from __future__ import annotations

from typing import Any

from saylau.web import integrity_charts as charts
from saylau.web.i18n import translations
from saylau.web.render.helpers import environment, page_context
from saylau.web.render.links import Links
from saylau.web.views.integrity import IntegrityView


def _charts(v: IntegrityView, _: Any) -> list[dict[str, Any]]:
    if v.run is None:
        return []
    out = [
        {"id": "fingerprint", "caption": _("Stations by turnout and the winner's share"),
         "spec": charts.fingerprint_chart(
             v.run["fingerprint_histogram"], x_title=_("Turnout, %"),
             y_title=_("Winner's share, %"),
             description=_("Heatmap of the stations by turnout and the winner's share"))},
        {"id": "integer-turnout",
         "caption": _("Stations at a whole-number turnout, against chance"),
         "spec": charts.integer_chart(
             v.run["integer"]["by_integer"], "turnout", x_title=_("Turnout, %"),
             y_title=_("Stations"), band_title=_("Expected by chance"),
             description=_("Observed stations per whole percentage, with the band chance "
                           "allows"))},
        {"id": "integer-leader",
         "caption": _("Stations at a whole-number result of the leader, against chance"),
         "spec": charts.integer_chart(
             v.run["integer"]["by_integer"], "leader", x_title=_("Leader's result, %"),
             y_title=_("Stations"), band_title=_("Expected by chance"),
             description=_("Observed stations per whole percentage, with the band chance "
                           "allows"))},
    ]
    rows = [{"unit": c["unit"], "figure": c["figure"], "official": c["official"],
             "estimate": c["estimate"]["value"], "low": c["estimate"]["low"],
             "high": c["estimate"]["high"], "outside": c["outside"]}
            for c in v.comparison if c["unit"] == ""]
    if rows:
        out.append({"id": "quick-count", "caption": _("Quick count against the official result"),
                    "spec": charts.quick_count_chart(
                        rows, x_title=_("Share, %"),
                        description=_("Quick-count intervals and the official figures"))})
    return out


def render_integrity(v: IntegrityView, lang: str, links: Links) -> str:
    env = environment(lang)
    return env.get_template("integrity.html").render(
        page_context(lang, links, v=v, charts=_charts(v, translations(lang).gettext)))
