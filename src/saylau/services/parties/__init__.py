"""Party registration's use cases (issue 13): applications and their lifecycle, member lists
imported in versions, the cross-party duplicate check on keyed IIN hashes, the register that
parliament elections take their parties from. The rules are domain/parties/; the routes
api/routes/parties.py; the pages web/views/ and web/render/ (a parties module each); the
commands cli/parties.py.
"""
