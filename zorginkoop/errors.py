"""Errors that end a run, with the exit codes the CLI returns for them."""

from __future__ import annotations

EXIT_OK = 0
EXIT_INTERNAL_ERROR = 1
EXIT_BAD_INPUT = 2
EXIT_BAD_POLICY = 3


class ExpectedError(Exception):
    """An error the user can fix: the console shows its message once, and no traceback
    (that goes to the Prefect log, and to the console with --debug; see zorginkoop.logs)."""

    exit_code = EXIT_INTERNAL_ERROR


class BadInputError(ExpectedError):
    """The input bundle cannot be used as it is; the message says what to fix."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, file: str, problem: str, column: str | None = None,
                 examples: list | None = None, hint: str | None = None,
                 examples_formatted: bool = False):
        self.file, self.problem, self.column = file, problem, column
        self.examples_formatted = examples_formatted
        self.examples = list(examples or [])[:5]
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        where = self.file + (f", column '{self.column}'" if self.column else "")
        text = f"{where}: {self.problem}"
        if self.examples:
            shown = self.examples if self.examples_formatted else [repr(e) for e in self.examples]
            text += "; for example " + ", ".join(shown)
        if self.hint:
            text += f". {self.hint}"
        return text


class BadInputErrors(BadInputError):
    """Several problems found at once, so the user can fix them in one go."""

    def __init__(self, errors: list[BadInputError]):
        self.errors = errors
        Exception.__init__(self, self.render())

    def render(self) -> str:
        lines = [f"{len(self.errors)} problem(s) in the input bundle:"]
        lines += [f"  - {e.render()}" for e in self.errors]
        return "\n".join(lines)


def raise_all(errors: list[BadInputError]) -> None:
    """Raise the problems found, if any: one as itself, several together (BadInputErrors)."""
    if errors:
        raise errors[0] if len(errors) == 1 else BadInputErrors(errors)


class PolicyError(ExpectedError):
    """The policy file is missing or does not validate."""

    exit_code = EXIT_BAD_POLICY


class SettingsError(ExpectedError):
    """A ZORGINKOOP_* variable has a value that does not fit (zorginkoop.settings)."""
