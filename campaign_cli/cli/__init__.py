"""The command line: parsing and rendering only; the work happens in services."""

#: Set by the console entry (cli/main.py) before cli/app.py is imported: the
#: top-level command about to run, so that only its module is built. None (any
#: other importer, tests, completion, --help): the whole command tree.
ONLY_COMMAND: str | None = None
