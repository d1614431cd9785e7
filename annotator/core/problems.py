"""What validation finds: a problem with a level, the field it concerns and a message.

Forms show errors (which block saving) and warnings (which the analyst may override) beside the
field they concern; services refuse to store anything with an error.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.errors import AnnotatorError

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    level: str  # "error" or "warning"
    field: str  # e.g. "mode", "arguments", "recipient", "primary"
    message: str

    @property
    def is_error(self) -> bool:
        return self.level == ERROR

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class ValidationError(AnnotatorError):
    """An object that breaks the coding rules: holds every problem found, errors first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.level != ERROR)
        errors = [p for p in self.problems if p.is_error]
        super().__init__("; ".join(str(p) for p in errors) or "invalid")


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


def raise_on_errors(problems: list[Problem]) -> None:
    if errors(problems):
        raise ValidationError(problems)
