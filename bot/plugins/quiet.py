"""Rasa's own command line with the known third-party warnings dropped (bot.services.noise),
and without the speed-ups: ``python -m bot.plugins.quiet train ...``.

The Makefile runs training, ``rasa data validate`` and the conversation tests this way, so a
new warning stands out. ``python -m bot.plugins.server`` does the same for the server.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from bot.services.noise import quiet_known_warnings


def main(argv: Sequence[str] | None = None) -> None:
    quiet_known_warnings()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


if __name__ == "__main__":  # pragma: no cover
    main()
