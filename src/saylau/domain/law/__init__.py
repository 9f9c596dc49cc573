"""The law as pure functions: one module per ruleset and per method, each citing its article.

Modules:

- `referendum`: validity (turnout), adoption of an ordinary question, adoption of constitutional
  amendments (two-thirds of the top-level units), with the UNVERIFIED points as readings.
- `referendum_csv`: parse the calculator's per-unit CSV (text in, values out; no files).

Every decision returns its explanation: `Step`s in words and numbers, each citing its rule.
"""
