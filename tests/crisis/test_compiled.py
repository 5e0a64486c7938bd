"""The regex cache: a pattern read back from disk is the one re.compile builds, and a bad file costs only time."""

from __future__ import annotations

import os
import re

from forum.crisis import compiled
from forum.crisis.compiled import compile_cached
from forum.crisis.detector import load

NAMED = r"(?:(?P<c0>kill (?:my ?self|me))|(?P<c1>end it(?: all)?))(?![a-z0-9_])"


def test_a_pattern_read_back_is_the_pattern_re_compile_builds(tmp_path):
    first = compile_cached(NAMED, tmp_path)  # written
    again = compile_cached(NAMED, tmp_path)  # read back
    fresh = re.compile(NAMED)
    assert list(tmp_path.glob("*.sre"))
    # Pattern equality compares the flags, the source and the compiled program itself.
    assert first == again == fresh
    assert (again.groups, again.groupindex) == (fresh.groups, fresh.groupindex)
    hit = again.match("end it all")
    assert (hit.lastgroup, hit.end()) == ("c1", 10)


def test_the_phrase_scanner_read_back_is_identical(tmp_path):
    scanner = load().matcher._scanner
    compile_cached(scanner.pattern, tmp_path)
    assert compile_cached(scanner.pattern, tmp_path) == re.compile(scanner.pattern) == scanner


def test_a_damaged_or_truncated_file_falls_back_to_compiling(tmp_path):
    compile_cached(NAMED, tmp_path)
    (path,) = tmp_path.glob("*.sre")
    header, _, code = path.read_bytes().partition(b"\n")
    path.write_bytes(header + b"\n" + code[: len(code) // 2])
    assert compile_cached(NAMED, tmp_path) == re.compile(NAMED)
    path.write_bytes(header + b"\n" + bytes(len(code)))  # the right length, nonsense instructions
    assert compile_cached(NAMED, tmp_path) == re.compile(NAMED)
    path.write_bytes(b"not json\n")
    assert compile_cached(NAMED, tmp_path) == re.compile(NAMED)


def test_an_unwritable_folder_still_compiles(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder would go")
    assert compile_cached(NAMED, blocked / "regex") == re.compile(NAMED)


def test_another_python_or_engine_reads_another_file():
    assert compiled._key(NAMED) != compiled._key(NAMED + " ")


def test_the_cache_keeps_to_its_size_and_drops_the_least_recently_used(tmp_path):
    sources = [f"(?:kill|end) it {n}" for n in range(4)]
    compile_cached(sources[0], tmp_path)
    size = next(tmp_path.glob("*.sre")).stat().st_size
    limit = size * 2 + size // 2  # room for two files
    compile_cached(sources[1], tmp_path, limit)
    first, second = (tmp_path / f"{compiled._key(s)}.sre" for s in sources[:2])
    os.utime(first, (1, 1))
    os.utime(second, (2, 2))
    compile_cached(sources[0], tmp_path, limit)  # read back: now the most recently used
    compile_cached(sources[2], tmp_path, limit)
    kept = {path.name for path in tmp_path.glob("*.sre")}
    assert kept == {first.name, f"{compiled._key(sources[2])}.sre"}
    assert sum(path.stat().st_size for path in tmp_path.glob("*.sre")) <= limit
