"""The lexicon's big regexes, compiled once and kept on disk the way Python keeps bytecode in __pycache__.

Compiling the phrase scanner (350,000 characters of regex) takes most of a second and leaves about 20 MB of
parser debris behind in a process that keeps running. Python's regex compiler parses the source into a program of
integers and hands that to the regex engine (``_sre.compile``). The program depends only on the source, the flags
and the engine's version, so it is stored under a hash of all three in ``__pycache__/regex`` beside this file, and
the next process hands it to the engine directly. A pattern built this way is the very pattern ``re.compile``
would build: ``==`` on two patterns compares their programs, and tests/crisis/test_compiled.py checks it.

Anything unexpected (no such folder, not writable, another Python, a damaged file) falls back to ``re.compile``:
the cache only ever saves time.
"""

from __future__ import annotations

import _sre
import array
import contextlib
import hashlib
import json
import os
import re
import sys
import tempfile
from pathlib import Path

CACHE_DIR = Path(__file__).with_name("__pycache__") / "regex"
# The engine's instruction words: 32 bits on every platform CPython supports today; checked, not assumed.
_WORD = "I"
_USABLE = array.array(_WORD).itemsize == _sre.CODESIZE == 4 and hasattr(re, "_compiler")
# The folder's size limit. One lexicon's scanner and classifiers take about 14 MB; each lexicon change writes a new
# set, so past the limit the least recently used files go (a file read is marked used).
MAX_BYTES = 64 * 1024 * 1024


def compile_cached(source: str, folder: Path | None = None, max_bytes: int = MAX_BYTES) -> re.Pattern[str]:
    """``re.compile(source)``, reading the compiled program from the cache when it is there, writing it when not."""
    if not _USABLE:
        return re.compile(source)
    folder = folder or CACHE_DIR
    path = folder / f"{_key(source)}.sre"
    with contextlib.suppress(OSError, ValueError, TypeError, RuntimeError):
        pattern = _read(path, source)
        with contextlib.suppress(OSError):
            os.utime(path)
        return pattern
    # What re.compile does (re/_compiler.py, compile), keeping the program it builds on the way.
    parsed = re._parser.parse(source, 0)
    code = re._compiler._code(parsed, 0)
    header = _header(parsed, code)
    pattern = _build(source, header, code)
    with contextlib.suppress(OSError):
        _write(path, header, code)
        _prune(folder, max_bytes)
    return pattern


def _key(source: str) -> str:
    digest = hashlib.sha256()
    for part in (sys.implementation.cache_tag or "", str(_sre.MAGIC), source):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()[:40]


def _read(path: Path, source: str) -> re.Pattern[str]:
    with path.open("rb") as fh:
        header = json.loads(fh.readline())
        code = array.array(_WORD)
        code.frombytes(fh.read())
    if len(code) != header["length"]:
        raise ValueError("truncated regex cache file")
    return _build(source, header, code.tolist())


def _header(parsed, code: list[int]) -> dict:
    groupindex = dict(parsed.state.groupdict)
    indexgroup = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return {
        "flags": parsed.state.flags,
        "groups": parsed.state.groups - 1,
        "groupindex": groupindex,
        "indexgroup": indexgroup,
        "length": len(code),
    }


def _build(source: str, header: dict, code: list[int]) -> re.Pattern[str]:
    # The engine checks the program before it accepts it (RuntimeError on a damaged one).
    return _sre.compile(
        source, header["flags"], code, header["groups"], header["groupindex"], tuple(header["indexgroup"])
    )


def _write(path: Path, header: dict, code: list[int]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and renamed, so a process starting at the same time reads a whole file or none.
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(json.dumps(header).encode() + b"\n")
            fh.write(array.array(_WORD, code).tobytes())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _prune(folder: Path, max_bytes: int) -> None:
    """Remove the least recently used files until the folder holds at most ``max_bytes``."""
    files = []
    for path in folder.glob("*.sre"):
        with contextlib.suppress(OSError):  # another process may have removed it meanwhile
            stat = path.stat()
            files.append((stat.st_mtime, stat.st_size, path))
    total = sum(size for _, size, _ in files)
    for _, size, path in sorted(files):
        if total <= max_bytes:
            return
        with contextlib.suppress(OSError):
            path.unlink()
        total -= size
