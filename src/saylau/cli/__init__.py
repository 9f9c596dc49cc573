"""The command line (Typer): `saylau --help`."""
