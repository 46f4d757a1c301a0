"""Start Rasa with the project's speed-ups: ``python -m bot.plugins.server run ...``.

The one entry point that installs ``bot.plugins.patches`` (the settings choose which,
``GEMEENTETOLK_PATCHES``), then hands the same arguments to Rasa's own command line.
``gemeentetolk run`` and ``gemeentetolk shell`` start the Rasa server this way; plain
``rasa ...`` runs Rasa unpatched (the conversation tests and training do).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from bot.services.noise import quiet_known_warnings
from bot.services.settings import load_settings

log = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> None:
    quiet_known_warnings()  # first: importing Rasa already warns
    from bot.plugins import patches

    names = load_settings().patches
    try:
        patches.install(names)
    except patches.UnsupportedRasaVersion as err:
        print(f"Let op: {err}", file=sys.stderr)
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


if __name__ == "__main__":  # pragma: no cover
    main()
