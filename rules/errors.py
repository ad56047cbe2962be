"""The project's own error types: every bad input ends in one of these."""

import os


class AdvisorError(Exception):
    """A problem with user input, named by file (and line where known).

    ``str(error)`` is the one line shown to the user: ``path:line: message``.
    """

    def __init__(self, message: object, path: str | os.PathLike[str] | None = None, line: int | None = None) -> None:
        # Always one line: messages from parsers may carry their own newlines.
        message = " ".join(str(message).split())
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        where = self.path or "<input>"
        if self.line:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"


class KnowledgeError(AdvisorError):
    """The knowledge base (questionnaire, propositions, rules, responses) is invalid."""


class CaseError(AdvisorError):
    """A case file or case answers are invalid."""


class ExportError(AdvisorError):
    """A report or case could not be written."""
