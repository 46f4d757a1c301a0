"""Beheer: the web workspace for editors and civil servants (Flask, server-rendered).

``bot.workspace.app.create_app(settings)`` builds the app; ``python -m bot.workspace.server``
serves it (``gemeentetolk run`` starts it on GEMEENTETOLK_WORKSPACE_PORT, default 8081).
"""
