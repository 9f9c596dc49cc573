"""Risk-limiting audits (issue 15): the assertions that each outcome saylau decides rests on (a
referendum's majorities and the two-thirds of top-level units, the president's majority, a
district's plurality, a party list's threshold and seats), sampling from a public seed with
the SHA-256 consistent sampler, the risk measured round by round (ballot polling and batch
comparison, each function naming its paper), and the sample-size planner. Pure: the shell
stores the seed, the rounds and the hand counts, each a leaf of the election's log, so `saylau
verify` re-derives the sample and the risk. (The admin log of administrative actions, once
called the audit log, is services/admin_log.py and `saylau admin-log`.)
"""
