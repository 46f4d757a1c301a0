"""Rasa input channels for Gemeentetolk. Only this package imports Rasa inside bot/."""
