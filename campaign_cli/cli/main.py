"""Console entry point: pick the language before the command tree is built."""


import sys

#: Root options that take a value (cli/app.py's callback): skipped to find the command.
ROOT_OPTIONS_WITH_VALUE = ("--db", "--as-of", "--lang", "--campaign", "--user")


def command_word(argv: list[str]) -> str | None:
    """The top-level command in ``argv`` (``log`` in ``--as-of 1/4/2021 log add``), or None.

    None when there is none, when an unknown option comes first, or when the
    shell asks for completions: then the whole command tree is built.
    """
    import os

    if os.environ.get("_CAMPAIGN_COMPLETE"):
        return None
    index = 0
    while index < len(argv):
        word = argv[index]
        if word in ROOT_OPTIONS_WITH_VALUE:
            index += 2
        elif word.startswith(tuple(f"{option}=" for option in ROOT_OPTIONS_WITH_VALUE)):
            index += 1
        elif word.startswith("-"):
            return None  # --help, --version or a typo: the whole tree
        else:
            return word
    return None


def main() -> None:
    from campaign_cli import cli
    from campaign_cli.cli.state import choose_language

    choose_language(sys.argv[1:])
    cli.ONLY_COMMAND = command_word(sys.argv[1:])
    from campaign_cli.cli.app import app

    app(prog_name="campaign")


if __name__ == "__main__":
    main()
