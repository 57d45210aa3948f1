"""The pages blueprint; the views live in the package app/pages."""

from .pages import bp, page_config  # noqa: F401
