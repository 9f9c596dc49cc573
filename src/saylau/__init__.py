"""saylau: open, verifiable referendums and elections with Kazakhstan's rules built in."""

__version__ = "0.1.0"
