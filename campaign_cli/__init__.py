"""campaign: the paperwork of an election information-and-propaganda subcommittee."""

__version__ = "0.1.0"
