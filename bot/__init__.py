"""Gemeentetolk: the assistant (services, channels, CLI)."""
