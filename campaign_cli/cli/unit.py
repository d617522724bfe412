"""campaign unit (being written)"""

from campaign_cli.cli.app import new_typer

app = new_typer("unit")
