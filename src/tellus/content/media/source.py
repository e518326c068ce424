"""Open what the caller hands in (a path, a file object or bytes) for the pipeline.

The size is checked before anything is read: from the file system for a path,
from the caller's declared size or by seeking for a file object. A stream that
cannot seek is copied to a temporary file, and refused as soon as it passes the
limit, so that a 2 GB upload never sits in memory.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from tellus.content.media.errors import MediaRejected
from tellus.content.media.limits import MediaLimits

#: What the pipeline accepts as input.
Source = str | os.PathLike[str] | BinaryIO | bytes | bytearray | memoryview

_CHUNK = 1024 * 1024


def too_big(size: int, limit: int) -> MediaRejected:
    return MediaRejected(
        "too_big",
        f"The file is too big: {_human(size)}; the limit is {_human(limit)}.",
        size=size,
        limit=limit,
    )


def _human(size: int) -> str:
    if size >= 1024**3:
        return f"{size / 1024**3:.1f} GB"
    if size >= 1024**2:
        return f"{size / 1024**2:.1f} MB"
    return f"{size} bytes"


@contextmanager
def open_source(
    source: Source, *, size: int | None, limits: MediaLimits
) -> Iterator[tuple[BinaryIO, int]]:
    """Yield a seekable binary file positioned at 0 and its size, within ``limits.max_bytes``."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if len(data) > limits.max_bytes:
            raise too_big(len(data), limits.max_bytes)
        yield io.BytesIO(data), len(data)
        return
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        actual = path.stat().st_size
        if actual > limits.max_bytes:
            raise too_big(actual, limits.max_bytes)
        with path.open("rb") as fp:
            yield fp, actual
        return
    if size is not None and size > limits.max_bytes:
        raise too_big(size, limits.max_bytes)
    if _seekable(source):
        start = source.tell()
        end = source.seek(0, os.SEEK_END)
        actual = end - start
        if actual > limits.max_bytes:
            raise too_big(actual, limits.max_bytes)
        source.seek(start)
        if start == 0:
            yield source, actual
            return
    with tempfile.TemporaryFile() as spool:
        copied = 0
        while chunk := source.read(_CHUNK):
            copied += len(chunk)
            if copied > limits.max_bytes:
                raise too_big(copied, limits.max_bytes)
            spool.write(chunk)
        spool.seek(0)
        yield spool, copied


def _seekable(fp: BinaryIO) -> bool:
    try:
        return bool(fp.seekable())
    except (AttributeError, ValueError, OSError):
        return False
