"""Allow ``python -m sklearn_balanced``."""

import sys

from sklearn_balanced._cli import main

sys.exit(main())
