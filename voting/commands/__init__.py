"""Subcommands of the ``congress`` command line."""
