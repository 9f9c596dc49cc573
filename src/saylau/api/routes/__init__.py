"""The API's routes, one router per resource, mounted by `saylau.api.app.create_app`:

- `geography`: units and their children, the geography as CSV (export, import);
- `elections`: elections and contests, listed, read and created;
- `protocols`: protocols one by one or in bulk, their versions and rejections, and a Senate
  seat's joint-session protocols;
- `turnout`: turnout reports through the day, one by one or in batches;
- `results`: a unit's results, a contest's decision, the chamber, rulesets compared, the Senate;
- `record`: the election's signed log: tree heads, proofs, receipts, the commissions' keys;
- `open_data`: the CSV and JSON exports and the NIST SP 1500-100 v2 report;
- `admin_log`: the signed log of administrative actions (and its deprecated /api/audit paths);
- `tokens`: who the caller's token says it is;
- `system`: the API documentation page and the health check.

The coming wings each get a router here, empty and mounted nowhere until it has routes:
`observation` (issue 12), `parties` (issue 13), `integrity` (issue 14), `audits` (issue 15).
A router's routes only parse the request, call one service and shape its answer
(api/schemas/); every route declares its policy (api/policies.py).
"""
