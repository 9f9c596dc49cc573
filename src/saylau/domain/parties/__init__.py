"""Party registration (issue 13): the conditions to register a party under kz-2007, kz-2022
and kz-2026 (members in total and per branch, the initiative group, the founding congress and
its deadline) as pure rules with their explanation (docs/law.md §10; members barred: §11; the
IIN: §12), the checks of a member list's rows (IIN format and check digit, duplicates, one
party per citizen, members barred from parties) and the decision `registered`, `refused`
(every failed condition with its numbers) or `incomplete`. Member lists are versioned by the
same rule as protocols. The domain never sees a raw IIN beyond a row's check: the shell stores
keyed hashes and the last four digits.
"""
