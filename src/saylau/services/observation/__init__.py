"""Observation's use cases (issue 12): accredit and revoke observers, deploy them, take their
checklists, incidents and protocol copies (each in one transaction that appends it to the
election's log, as protocols are), and build the comparison with the official protocols. The
rules are domain/observation/; the routes api/routes/observation.py; the pages web/views/ and
web/render/ (an observation module each); the commands cli/observers.py.

    missions.py     missions, applications, accreditation (tokens), refusal, revocation
    deployment.py   deploy, withdraw, reassign, CSV import (all or nothing), coverage
    forms.py        the default forms and forms defined by the commission or a mission
    reports.py      checklists, incidents, protocol copies, photos (versioned, logged)
    sms.py          reports by text message through a gateway's webhook
    compare.py      the live comparison and the public and mission summaries
"""
