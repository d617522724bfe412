"""Console entry point: pick the language before the command tree is built."""


import sys


def main() -> None:
    from campaign_cli.cli.state import choose_language

    choose_language(sys.argv[1:])
    from campaign_cli.cli.app import app

    app(prog_name="campaign")


if __name__ == "__main__":
    main()
