"""Election observation (issue 12): missions (international, invited by the central
commission, or domestic: parties, associations), the accreditation of their observers and its
deadline, deployment to stations, checklist and incident forms with their validation rules,
and each station's observer copy of the protocol compared field by field with the official one
(`matches`, `differs`, `official missing`, `observer missing`, `conflict`). Pure, like the rest
of the domain: frozen values, rules citing the law (docs/law.md §14, observers; UNVERIFIED points
as parameters), every finding returned at once. Observer copies are versioned by the same rule as
protocols (one slot, new versions with reasons, nothing overwritten). Observers' names never
enter the public log: keyed hashes and counts only.

    missions.py     missions, accreditation states and deadline, badges, deployment, who may
                    report (docs/law.md §14)
    forms.py        checklist / incident forms, their questions and the answers' checks
    expr.py         the validation rules' small expression language (own parser, no eval)
    copies.py       an observer's copy of the protocol: same fields, same checks
    comparison.py   the copy held against the official protocol, per station
    sms.py          the compact text-message format and its grammar
"""
