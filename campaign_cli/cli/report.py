"""campaign status and campaign report (being written)"""


def register(app) -> None:
    pass
