"""Importers of real results published elsewhere, each a documented column mapping.

An importer reads a file someone else wrote (its columns, its habits, its mistakes), maps it
into saylau's own values (a `Geography`, a contest, protocols in saylau's CSV format) and says,
row by row, what it could not map and why.

This package is a room of formats, below the store and the services: the mapping is pure (bytes
in, domain values and a report out; no store, no file, no environment, no clock: it imports
only the domain, the standard library and numpy, which tests/unit/test_layers.py checks).
Loading a mapped file is a use case in saylau.services.imports, through the same services as
everything else (`load_geography`, `create_referendum`, `import_protocols`,
`submit_protocol`), so every check of saylau runs.

- `russia2020`: Russia's nationwide vote on constitutional amendments of 1 July 2020
  (`saylau import russia-2020 FILE`; docs/importers.md); its reader takes a `Layout`.
- `russia_cec`: Russia's State Duma election of 4 December 2011 and presidential election of
  4 March 2012, read by the 2020 reader with their own layouts (`saylau import russia-2011 |
  russia-2012 FILE`; docs/importers.md).
- `forensics`: the four files of ../shared/data/forensics as station figures for the
  integrity tests (`saylau integrity run --import KIND FILE`), not into a store.
"""
