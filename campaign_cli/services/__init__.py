"""Domain rules: plain Python over a :class:`~campaign_cli.storage.db.Database`.

No typer and no rich here: services return plain data and raise
:class:`~campaign_cli.errors.CampaignError`.
"""
