"""The `por` command line. Each command group lives in its own module; this one
wires them together and is the single place where errors become exit codes."""

from collections.abc import Iterator, MutableMapping
from importlib import import_module
from typing import Any

import typer

from verifier.cli.output import err, safe
from verifier.cli.style import PorGroup, invoked_command
from verifier.errors import InputError, OptionError

# Every command: its name -> (module in verifier.cli, the typer app or function there,
# help when it is not the function's docstring), in the order `por --help` lists them.
# A module is imported only when a run names its command (or `por --help` lists them
# all), so that `por tree build` does not first load web3, matplotlib and the Bitcoin
# kernel that other commands need: click's "lazily loading subcommands" pattern.
_COMMANDS: dict[str, tuple[str, str, str | None]] = {
    "reconcile": ("reconcile", "command", None),
    "verify": ("verify", "command", None),
    "attest": ("attest", "command", None),
    "self-check": (
        "verify",
        "command",
        "The exchange's run of `por verify` on its attestation before publishing it.",
    ),
    "tree": ("tree", "app", None),
    "inclusion": ("inclusion", "app", None),
    "chain": ("chain", "app", None),
    "ownership": ("ownership", "app", None),
    "reserves": ("reserves", "app", None),
    "history": ("history", "app", None),
    "administer": ("administer", "app", None),
}


def _load(name: str) -> Any:
    """The click command typer would have built had `name` been registered on `app`
    up front: registered the same way, on a Typer of its own."""
    module, attribute, help_text = _COMMANDS[name]
    target = getattr(import_module(f"verifier.cli.{module}"), attribute)
    one = typer.Typer()
    if isinstance(target, typer.Typer):
        one.add_typer(target, name=name)
    elif help_text is None:
        one.command(name)(target)
    else:
        one.command(name, help=help_text)(target)
    return typer.main.get_group(one).commands[name]


class _Commands(MutableMapping[str, Any]):
    """`por`'s commands by name: every name is there from the start, each command is
    built when first looked up, so what typer reads here (names for its "did you
    mean" suggestion, commands for help) is as if all were registered up front."""

    def __init__(self, built: MutableMapping[str, Any]) -> None:
        self._built = dict(built)

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            if name not in _COMMANDS:
                raise KeyError(name)
            self._built[name] = _load(name)
        return self._built[name]

    def __contains__(self, name: object) -> bool:
        return name in _COMMANDS or name in self._built

    def __iter__(self) -> Iterator[str]:
        return iter({**dict.fromkeys(_COMMANDS), **self._built})

    def __len__(self) -> int:
        return len({**dict.fromkeys(_COMMANDS), **self._built})

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]


class _Por(PorGroup):
    """Turns bad input anywhere below into one line on stderr and exit 2, no traceback;
    builds each command only when it is asked for (see _COMMANDS)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = _Commands(self.commands)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        # Not click's `commands.get` (ruff's SIM401), which would take a KeyError
        # raised while importing a command's module for "no such command".
        return self.commands[cmd_name] if cmd_name in self.commands else None  # noqa: SIM401

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as e:
            err.print(f"por: error: {safe(_worded(e, invoked_command(ctx)))}", markup=False)
            raise typer.Exit(2) from None


def _worded(e: InputError, command: Any) -> str:
    """The error as the user's command line names things: a domain parameter becomes
    the flag that set it (`network` -> `--network`), where this command has one."""
    if not isinstance(e, OptionError):
        return str(e)
    flags = {p.name: p.opts[0] for p in getattr(command, "params", []) if p.opts}

    def name_of(parameter: str) -> str:
        return flags.get(parameter, parameter)

    where = name_of(e.parameter)
    if e.field:
        where = f"{where}: {e.field}"
    return f"{where}: {e.worded(name_of)}"


app = typer.Typer(
    cls=_Por,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Verify proofs of reserves. Exit codes: 0 pass, 1 fail, 2 error or inconclusive.",
)


@app.callback()
def _group() -> None:
    # typer makes a group only of an app with a callback or registered commands; this
    # one's commands are added by _Por when asked for, so it needs this empty callback.
    pass


def main() -> None:
    app()
