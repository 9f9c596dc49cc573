"""Risk-limiting audits' use cases (issue 15): begin an audit of a reported outcome (the
manifest frozen from the current protocols, the assertions it rests on), assign stations to
auditors, the seed ceremony, the sample, the hand counts with double entry, the measured risk
and the decision (confirmed, another round, or a full hand count), each write one transaction
that appends its leaf to the election's log (rounds.py); the plan, the report, the retrieval
lists and the discrepancies (report.py). The rules are domain/audit/; the routes
api/routes/audits.py; the pages web/views/audits.py and web/render/audits.py; the commands
cli/audits.py. (services/audit.py is the admin log's old name, not this.)
"""

from saylau.services.audits.full import conclude
from saylau.services.audits.polled import enter_readings
from saylau.services.audits.report import AuditReport, list_audits, plan, report
from saylau.services.audits.rounds import assign, begin, draw, enter_count, enter_seed, measure

__all__ = ["AuditReport", "assign", "begin", "conclude", "draw", "enter_count",
           "enter_readings", "enter_seed", "list_audits", "measure", "plan", "report"]
