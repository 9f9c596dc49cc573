"""The pure core: plain frozen data and pure functions.

Imports only the standard library, numpy where maths needs it, and itself: never the web,
the database, the filesystem, the environment or the clock (tests/unit/test_architecture.py
fails the build otherwise).
"""
