"""What the parent and the child say to each other: length-prefixed pickles over two pipes.

The parent's requests are trusted and unpickled as they are. The child's replies come from a
process that ran someone's script, so the parent unpickles them with ``load_reply``: plain
containers, numbers and text, and only the classes task data may hold (dates, times, Decimal).
"""
from __future__ import annotations

import datetime as _dt
import decimal
import io
import os
import pickle
import select
import struct
import time

_HEADER = struct.Struct("!Q")
_PROTOCOL = 5
ALLOWED_CLASSES = {
    ("datetime", "datetime"): _dt.datetime, ("datetime", "date"): _dt.date, ("datetime", "time"): _dt.time,
    ("datetime", "timedelta"): _dt.timedelta, ("datetime", "timezone"): _dt.timezone,
    ("decimal", "Decimal"): decimal.Decimal,
}


class ChildGone(Exception):
    """The other end closed its pipe (the child died, or the parent went away)."""


class ReplyTooLate(Exception):
    """No whole reply arrived before the deadline."""


class ReplyRefused(Exception):
    """The reply holds something task data cannot: too large, or a class outside the allowed ones."""


class _ReplyUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        allowed = ALLOWED_CLASSES.get((module, name))
        if allowed is None:
            raise ReplyRefused(f"a value of type {name} cannot be kept in the task data")
        return allowed


def dumps(message: object) -> bytes:
    body = pickle.dumps(message, protocol=_PROTOCOL)
    return _HEADER.pack(len(body)) + body


def write(fd: int, message: object) -> None:
    data = memoryview(dumps(message))
    while data:
        data = data[os.write(fd, data):]


def read_request(fd: int) -> object:
    """The child's side: block until a whole request arrives."""
    (size,) = _HEADER.unpack(_read_exactly(fd, _HEADER.size, None))
    return pickle.loads(_read_exactly(fd, size, None))


def read_reply(fd: int, deadline: float, max_bytes: int) -> object:
    """The parent's side: a reply before ``deadline`` (time.monotonic), unpickled with care."""
    (size,) = _HEADER.unpack(_read_exactly(fd, _HEADER.size, deadline))
    if size > max_bytes:
        raise ReplyRefused(f"the script's variables take more than {max_bytes // (1024 * 1024)} MB")
    return _ReplyUnpickler(io.BytesIO(_read_exactly(fd, size, deadline))).load()


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise ReplyTooLate()
        chunk = os.read(fd, min(size - len(chunks), 1 << 20))
        if not chunk:
            raise ChildGone()
        chunks += chunk
    return bytes(chunks)
