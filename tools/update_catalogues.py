"""Extract the msgids (pybabel extract -F babel.cfg) and merge them into each language's .po.

Run from the repository root: `python tools/update_catalogues.py`. New msgids arrive untranslated;
tests/i18n/test_catalogues.py fails until every one has a translation.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "src" / "commentdesk" / "i18n" / "locales"
TEMPLATE = LOCALES / "commentdesk.pot"


def main() -> int:
    pybabel = [sys.executable, "-m", "babel.messages.frontend"]
    common = ["--no-wrap"]
    subprocess.run([*pybabel, "extract", "-F", "babel.cfg", "-k", "N_", "-k", "t", "--sort-by-file", "--project=commentdesk",
                    *common, "-o", str(TEMPLATE), "."], cwd=ROOT, check=True)
    subprocess.run([*pybabel, "update", "-i", str(TEMPLATE), "-d", str(LOCALES), "-D", "commentdesk", "--no-fuzzy-matching",
                    "--ignore-obsolete", *common], cwd=ROOT, check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
