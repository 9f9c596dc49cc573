"""Integrity analytics (issue 14): election forensics (the integer-percentage test, the
turnout x vote-share fingerprint, digit and distribution tests) and the quick count (a
stratified sample of stations, a ratio estimator with its interval), compared with the official
result. Unlike the rest of the domain these are statistics: floats are allowed here (never for
votes, which stay integers), and every random draw takes an explicit seed (a
`numpy.random.Generator` passed in, never a global one), so a published figure is reproduced
exactly. Each test cites its paper and reports its false-alarm rate beside its result.

Modules: `figures` (the station figures every test reads), `integer` (Kobak, Shpilkin &
Pshenichnikov 2016), `fingerprint` (Klimek et al. 2012), `digits` (the Election Forensics
Toolkit's tests, Beber & Scacco), `calibration` (clean elections of the same structure, the
false-alarm rates), `pvt` (the quick count), `suite` (every test with fixed parameters).

Every result says it: these are signals that warrant a look, not proof of fraud.
"""

CAVEAT = "These are signals that warrant a look, not proof of fraud."
