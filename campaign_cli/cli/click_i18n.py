"""Typer's own words in the user's language: help headings, usage errors, command help.

Typer (0.26 and later) vendors Click, whose texts ("Usage:", "Missing argument
'TITLE'.", "Show this message and exit.") are plain English literals, and
typer's own ("Options", "[required]", "[env var: ...]") go through the
process-wide ``gettext`` domain, not ours. :func:`install` routes all of them
through :func:`campaign_cli.i18n.gettext`:

* typer's headings and help extras: ``typer.core._`` is our ``gettext``;
* the usage line prefix, the help texts of options typer and Click add
  themselves (``--help``, ``--install-completion``) and of every parameter;
* usage errors: the ``Error:`` line, the ``Try ... for help.`` hint and the
  messages themselves, recognised by the patterns in :func:`translate_message`;
* the placeholders of options and arguments (``--due DATE`` reads ``--due NGÀY``),
  the same words the Vietnamese messages use (``campaign task edit MÃ``).

In English every patched function gives what typer gave, except that usage
lines write a required argument plainly (``TITLE``, where typer writes
``{TITLE}``) and an argument without a metavar in capitals (``[NAME]``);
``tests/test_i18n.py`` fails if a typer upgrade moves the hooks.
:func:`translate_command_help` translates the commands' docstrings (their
``--help``), once, when the tree is built; ``scripts/i18n.py`` extracts them.
Light module: typer and the stdlib only.
"""


import inspect
import re
from typing import Any

import typer

from campaign_cli import i18n
from campaign_cli.i18n import N_, NP_, _

_installed = False

#: Texts typer and Click print themselves, translated through the patches below
#: (listed here so that scripts/i18n.py extracts them into the catalog).
TYPER_MESSAGES = (
    N_("Arguments"),
    N_("Options"),
    N_("Commands"),
    N_("default: {default}"),
    N_("required"),
    N_("env var: {var}"),
    N_("(dynamic)"),
    N_("Aborted!"),
    N_("[OPTIONS]"),
    N_("COMMAND [ARGS]..."),
    N_("Show this message and exit."),
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
)

#: The placeholders of options and arguments (``--due DATE``), translated in context
#: "metavar" word by word; choices (``vi|en``) and words not listed stay as written.
METAVARS = (
    NP_("metavar", "ABBR"), NP_("metavar", "CAMPAIGN"), NP_("metavar", "CODE"), NP_("metavar", "DATE"),
    NP_("metavar", "FILE"), NP_("metavar", "ID"), NP_("metavar", "LEVEL"), NP_("metavar", "M"),
    NP_("metavar", "MEMBER"), NP_("metavar", "MEMBER_OR_UNIT"), NP_("metavar", "M_OR_U"), NP_("metavar", "N"),
    NP_("metavar", "NAME"), NP_("metavar", "NN"), NP_("metavar", "NUMBER"), NP_("metavar", "PATH_OR_URL"),
    NP_("metavar", "QTY"), NP_("metavar", "RECIPIENT"), NP_("metavar", "STATUS"), NP_("metavar", "TEXT"),
    NP_("metavar", "ROLE"),
    NP_("metavar", "TITLE"), NP_("metavar", "TYPE"), NP_("metavar", "U"), NP_("metavar", "UNIT"),
    NP_("metavar", "WEEK"), NP_("metavar", "file"), NP_("metavar", "str"), NP_("metavar", "int range"),
    NP_("metavar", "KIND"), NP_("metavar", "PARENT"), NP_("metavar", "PLACE"),
)  # fmt: skip
_METAVAR_WORD = re.compile(r"<(?P<type>[a-z ]+)>|(?P<word>[A-Z][A-Z_]*)")


def install() -> None:
    """Route typer's and Click's texts through our catalog (idempotent)."""
    global _installed
    if _installed:
        return
    try:
        from typer import core
        from typer._click import exceptions, formatting
        from typer._click._compat import get_text_stderr
        from typer._click.utils import echo
    except ImportError:  # a typer without the vendored Click: stay English
        return
    _installed = True

    core._ = i18n.gettext  # "Options", "Arguments", "Commands", "[required]", "env var", "default"

    write_usage = formatting.HelpFormatter.write_usage

    def translated_write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, usage_arguments(args), _("Usage: ") if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = translated_write_usage
    core.TyperArgument.make_metavar = _plain_argument_metavar

    for cls in (core.TyperOption, core.TyperArgument):
        cls.get_help_record = _translating_help_record(cls.get_help_record)
    option_metavar = core.TyperOption.make_metavar
    core.TyperOption.make_metavar = lambda self, ctx: translate_metavar(option_metavar(self, ctx))

    def click_exception_show(self, file: Any = None) -> None:
        echo(
            _("Error: {message}").format(message=translate_message(self.format_message())),
            file=file or get_text_stderr(),
            color=self.show_color,
        )

    def usage_error_show(self, file: Any = None) -> None:
        file = file or get_text_stderr()
        color = None
        hint = ""
        if self.ctx is not None and self.ctx.command.get_help_option(self.ctx) is not None:
            hint = (
                _("Try '{command} {option}' for help.").format(
                    command=self.ctx.command_path, option=self.ctx.help_option_names[0]
                )
                + "\n"
            )
        if self.ctx is not None:
            color = self.ctx.color
            echo(f"{self.ctx.get_usage()}\n{hint}", file=file, color=color)
        echo(
            _("Error: {message}").format(message=translate_message(self.format_message())),
            file=file,
            color=color,
        )

    exceptions.ClickException.show = click_exception_show
    exceptions.UsageError.show = usage_error_show


def usage_arguments(args: str) -> str:
    """'[OPTIONS] COMMAND [ARGS]...' of a usage line in the current language."""
    return args.replace("[OPTIONS]", _("[OPTIONS]")).replace("COMMAND [ARGS]...", _("COMMAND [ARGS]..."))


def translate_metavar(metavar: str) -> str:
    """``DATE``, ``[N]``, ``TEXT|@FILE``, ``<file>`` in the current language."""
    if i18n.current_language() == "en":
        return metavar

    def word(match: re.Match) -> str:
        if match["type"]:
            return f"<{i18n.pgettext('metavar', match['type'])}>"
        return i18n.pgettext("metavar", match["word"])

    return _METAVAR_WORD.sub(word, metavar)


def _plain_argument_metavar(self, ctx: Any, *, usage: bool = False) -> str:
    """An argument as usage lines write it: ``TITLE``, ``[NAME]`` (typer writes ``{TITLE}`` and ``[name]``)."""
    var = translate_metavar(self.metavar if self.metavar is not None else (self.name or "").upper())
    if self.nargs != 1 and not var.endswith("..."):
        var += "..."
    if not usage or var.startswith("[") or self.required:
        return var
    return f"[{var}]"


def _translating_help_record(original):
    def get_help_record(self, ctx):
        if self.help:
            self.help = i18n.gettext(self.help)
        return original(self, ctx)

    get_help_record.__wrapped__ = original
    return get_help_record


def translate_command_help(app: typer.Typer) -> None:
    """Give every command of the tree its docstring (its --help) in the current language."""
    if i18n.current_language() == "en":
        return
    for info in app.registered_commands:
        if info.help is None and info.callback is not None:
            doc = inspect.getdoc(info.callback)
            if doc:
                info.help = i18n.gettext(doc)
    for group in app.registered_groups:
        if group.typer_instance is not None:
            translate_command_help(group.typer_instance)


# -- usage errors ------------------------------------------------------------------------------
_QUOTED = r"('[^']*'|\"[^\"]*\")"


def _rules():
    """(pattern, translation) pairs over the English messages of Click and typer."""
    return [
        (
            r"Missing argument (?P<name>.+?)\.(?P<rest>.*)",
            lambda m: _("Missing argument {name}.").format(name=translate_metavar(m["name"])),
        ),
        (r"Missing option (?P<name>.+?)\.(?P<rest>.*)", lambda m: _("Missing option {name}.").format(**m)),
        (r"Missing parameter (?P<name>.+?)\.(?P<rest>.*)", lambda m: _("Missing parameter {name}.").format(**m)),
        (r"Choose from:(?P<rest>.*)", lambda m: _("Choose from:")),
        (r"No such option: (?P<name>\S+)(?P<rest>.*)", lambda m: _("No such option: {name}").format(**m)),
        (r"\(Possible options: (?P<names>.+)\)", lambda m: _("(Possible options: {names})").format(**m)),
        (
            r"No such command (?P<name>.+?)\.(?P<rest>.*)",
            lambda m: _("No such command {name!r}.").format(name=m["name"].strip("'\"")),
        ),
        (
            r"Got unexpected extra argument\(s\) \((?P<args>.*)\)",
            lambda m: _("Got unexpected extra arguments ({args})").format(**m),
        ),
        (r"Option (?P<name>\S+) requires an argument\.", lambda m: _("Option {name} requires a value.").format(**m)),
        (
            r"Option (?P<name>\S+) requires (?P<n>\d+) arguments\.",
            lambda m: _("Option {name} requires {n} values.").format(**m),
        ),
        (
            r"Option (?P<name>\S+) does not take a value\.",
            lambda m: _("Option {name} does not take a value.").format(**m),
        ),
        (
            r"Invalid value for (?P<hint>.+?): (?P<message>.*)",
            lambda m: _("Invalid value for {hint}: {message}").format(
                hint=translate_metavar(m["hint"]), message=translate_message(m["message"])
            ),
        ),
        (
            r"Invalid value: (?P<message>.*)",
            lambda m: _("Invalid value: {message}").format(message=translate_message(m["message"])),
        ),
        (
            rf"(?P<value>{_QUOTED}) is not one of (?P<choices>.*)\.",
            lambda m: _("{value} is not one of {choices}.").format(**m),
        ),
        (
            rf"(?P<value>{_QUOTED}) is not a valid (?:integer|int range)\.",
            lambda m: _("{value} is not a whole number.").format(**m),
        ),
        (rf"(?P<value>{_QUOTED}) is not a valid float\.", lambda m: _("{value} is not a number.").format(**m)),
        (
            rf"(?P<value>{_QUOTED}) is not a valid boolean\.(?P<rest>.*)",
            lambda m: _("{value} is not yes or no.").format(**m),
        ),
        (
            r"(?P<value>.+) is not in the range (?P<range>.+)\.",
            lambda m: _("{value} is not in the range {range}.").format(**m),
        ),
        (
            rf"(?:File|Path|Directory) (?P<name>{_QUOTED}) does not exist\.",
            lambda m: _("{name} does not exist.").format(**m),
        ),
        (
            rf"(?:File|Path|Directory) (?P<name>{_QUOTED}) is a directory\.",
            lambda m: _("{name} is a folder, not a file.").format(**m),
        ),
        (
            rf"(?:File|Path|Directory) (?P<name>{_QUOTED}) is a file\.",
            lambda m: _("{name} is a file, not a folder.").format(**m),
        ),
        (
            rf"(?:File|Path|Directory) (?P<name>{_QUOTED}) is not readable\.",
            lambda m: _("{name} cannot be read.").format(**m),
        ),
        (
            rf"(?:File|Path|Directory) (?P<name>{_QUOTED}) is not writable\.",
            lambda m: _("{name} cannot be written.").format(**m),
        ),
        (r"Missing command\.", lambda m: _("Missing command.")),
    ]


def translate_message(message: str) -> str:
    """A Click/typer usage-error message in the current language (our own messages pass through)."""
    if i18n.current_language() == "en" or not message:
        return message
    first, newline, rest = message.partition("\n")
    # typer appends a suggestion to a message it may have translated already
    suggestion = re.fullmatch(r"(?P<head>.*?)\.?\s*Did you mean (?P<names>.+)\?", first)
    if suggestion:
        head = translate_message(suggestion["head"]).rstrip(".")
        return f"{head}. " + _("Did you mean {names}?").format(names=suggestion["names"]) + newline + rest
    for pattern, translate in _rules():
        match = re.fullmatch(pattern, first)
        if match is None:
            continue
        groups = {key: value for key, value in match.groupdict().items() if value is not None}
        text = translate(groups)
        tail = groups.get("rest", "").strip()
        if tail:
            text = f"{text} {translate_message(tail)}"
        return text + (newline + rest if newline else "")
    return message
