"""Compile the translation catalogues (``locale/*/LC_MESSAGES/*.po``) into the
``.mo`` files Django reads.

The compiled files are built, not committed: ``make setup`` and ``tellus
serve`` run this. Django's own ``compilemessages`` needs GNU gettext's
``msgfmt``, which a server rarely has; polib, pure Python, writes the same
files. A catalogue is compiled only when its ``.mo`` is missing or older than
its ``.po``.

    python -m tellus.core.catalogues          # the catalogues of the tellus package
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import polib  # type: ignore[import-untyped]

PACKAGE_ROOT = Path(__file__).resolve().parents[1]


def compile_catalogues(root: Path = PACKAGE_ROOT) -> list[Path]:
    """Compile every stale catalogue under ``root/locale``; return the files written."""
    written = []
    for po_path in sorted((root / "locale").glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        # Written beside and renamed, so that a running server never reads half a file.
        partial = mo_path.with_suffix(".mo.partial")
        polib.pofile(str(po_path)).save_as_mofile(str(partial))
        os.replace(partial, mo_path)
        written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in compile_catalogues():
        print(f"compiled {path.relative_to(PACKAGE_ROOT.parent)}", file=sys.stderr)
