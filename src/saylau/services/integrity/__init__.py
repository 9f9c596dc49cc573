"""Integrity analytics' use cases (issue 14): load an election's station figures (or a file
through saylau.importers) for the pure tests of domain/integrity/, store their fixed
parameters in the election's record before results come in, draw and follow the quick count's
sample. The routes are api/routes/integrity.py; the page web/views/ and web/render/ (an
integrity module each); the commands cli/integrity.py.
"""
