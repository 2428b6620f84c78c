"""Exit codes and the exceptions that carry a how-to-fix message.

Exceptions are turned into exit codes in exactly one place: ``pipeline.cli.main``.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    ok = 0
    partial_failure = 1  # a batch finished, some documents failed or are partial
    bad_args = 2
    input_file = 3  # an input file cannot be read (not an image, truncated, encrypted...)
    missing_dependency = 4  # tesseract or its language data is missing
    child_process_error = 5  # tesseract crashed
    timeout = 6
    output_error = 7  # the output folder cannot be written
    invalid_config = 8
    other_error = 15
    ctrl_c = 130


class SohoaError(Exception):
    """An error the user can act on: ``message`` says what, ``how_to_fix`` says how."""

    exit_code = ExitCode.other_error
    code = "error"

    def __init__(self, message: str, *, how_to_fix: str | None = None, page: int | None = None):
        super().__init__(message)
        self.message = message
        self.how_to_fix = how_to_fix
        self.page = page

    def one_line(self) -> str:
        return f"{self.message} ({self.how_to_fix})" if self.how_to_fix else self.message


class BadInputError(SohoaError):
    exit_code = ExitCode.input_file
    code = "bad_input"


class EncryptedPdfError(BadInputError):
    code = "encrypted_pdf"


class MissingDependencyError(SohoaError):
    exit_code = ExitCode.missing_dependency
    code = "missing_dependency"


class TesseractError(SohoaError):
    exit_code = ExitCode.child_process_error
    code = "ocr_crash"


class TesseractTimeout(SohoaError):
    exit_code = ExitCode.timeout
    code = "ocr_timeout"


class OutputError(SohoaError):
    exit_code = ExitCode.output_error
    code = "output_error"


class ConfigError(SohoaError):
    exit_code = ExitCode.invalid_config
    code = "invalid_config"


def exit_code_for(error_code: str) -> ExitCode:
    """The exit code of an error item recorded on a document (e.g. a page's OCR crash)."""
    for kind in (BadInputError, EncryptedPdfError, MissingDependencyError, TesseractError, TesseractTimeout,
                 OutputError, ConfigError):
        if kind.code == error_code:
            return kind.exit_code
    return ExitCode.other_error
