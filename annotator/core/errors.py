"""The project's own error types: every bad input becomes one of these, with file, line and reason."""

from __future__ import annotations


class AnnotatorError(Exception):
    """Base class for every error the application reports to the user."""


class InputError(AnnotatorError):
    """A file (or record) that cannot be read: names the file, the line or record, and the reason."""

    def __init__(self, reason: str, file: str | None = None, line: int | None = None) -> None:
        self.reason = reason
        self.file = file
        self.line = line
        super().__init__(self.message)

    @property
    def message(self) -> str:
        if self.file is None:  # a command-line value, not a file: the reason says which
            return self.reason if self.line is None else f"line {self.line}: {self.reason}"
        where = self.file
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.reason}"

    def located(self, file: str | None = None, line: int | None = None) -> InputError:
        """The same error with file/line filled in where they were unknown."""
        return InputError(
            self.reason,
            file=self.file if self.file is not None else file,
            line=self.line if self.line is not None else line,
        )


class InputErrors(AnnotatorError):
    """Several bad lines of one file: nothing of the file is used."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        first = errors[0].message if errors else "no errors"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(first + more)

    @property
    def message(self) -> str:
        return "\n".join(e.message for e in self.errors)


class SchemaError(AnnotatorError):
    """A label set or schema file that does not validate."""


class StoreError(AnnotatorError):
    """The database cannot be used as asked (missing row, newer schema, ...)."""


class ConflictError(StoreError):
    """Another instance changed the row since this one read it: refresh instead of overwriting."""


class DuplicateDocumentError(StoreError):
    """A document with the same text is already stored (perhaps just now, by another instance)."""
