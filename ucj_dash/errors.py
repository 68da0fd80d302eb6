"""User-facing errors: each names what is wrong and what to do, in both languages.

An error carries an i18n key and its parameters; the command line renders it
in the user's language with :meth:`UserError.message`, a page with
:meth:`UserError.markdown`.
"""

from __future__ import annotations


class UserError(Exception):
    """An error whose message is meant for the user, not a traceback."""

    def __init__(self, key: str, **params):
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "id") -> str:
        from ucj_dash.text.i18n import t

        return t(self.key, lang, **self.params)

    def markdown(self, lang: str = "id") -> str:
        """The message for Streamlit Markdown: its text parameters (from URLs, files, the store) show literally."""
        from ucj_dash.text import markup
        from ucj_dash.text.i18n import t

        return t(self.key, lang, **{k: markup.markdown(v) if isinstance(v, str) else v for k, v in self.params.items()})


class InvalidRegionCode(UserError, ValueError):
    """A value that is not a Kemendagri region code in any accepted form."""


class UnknownRegionCode(UserError, KeyError):
    """A well-formed code that is not in the Kepmendagri registry."""

    def __str__(self) -> str:  # KeyError would quote the message
        return self.message("en")


class ArchiveUnavailable(UserError):
    """A reference archive is neither in a mirror nor downloadable."""


class BoundariesNotBuilt(UserError):
    """The boundary layers have not been built yet."""
