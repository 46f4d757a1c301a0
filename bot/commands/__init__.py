"""Subcommands of the ``gemeentetolk`` CLI. Each module has ``register(subparsers)``."""
