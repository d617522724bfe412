"""campaign history | undo | export | import | backup | restore (being written)"""


def register(app) -> None:
    pass
