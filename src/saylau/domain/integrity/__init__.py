"""Integrity analytics (issue 14): election forensics (the integer-percentage test, the
turnout x vote-share fingerprint, digit and distribution tests) and the quick count (a
stratified sample of stations, a ratio estimator with its interval), compared with the official
result. Unlike the rest of the domain these are statistics: floats are allowed here (never for
votes, which stay integers), and every random draw takes an explicit seed (a
`numpy.random.Generator` passed in, never a global one), so a published figure is reproduced
exactly. Each test cites its paper and reports its false-alarm rate beside its result.
"""
