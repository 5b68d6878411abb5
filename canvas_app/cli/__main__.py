"""``python -m canvas_app.cli``: the same as ``canvas-app``."""

import sys

from canvas_app.cli.main import main

sys.exit(main())
