"""Package files on disk, for a build that never holds a whole package in memory: each file is
written once, straight into a staging folder, its size and sha256 computed while writing; two
packages are compared by size and content read in chunks. :class:`FolderFiles` gives the
files of a folder as a read-only mapping (name -> bytes) read on access, for the row-by-row
diff (:mod:`pipeline.diff`), which only opens the descriptor and the CSV files."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20


@dataclass(frozen=True)
class FileInfo:
    """What ``datapackage.json`` and the README say of a file."""

    bytes: int
    sha256: str  # hex digest

    @property
    def hash(self) -> str:
        return f"sha256:{self.sha256}"


class HashingSink:
    """A file being written, its size and sha256 kept up to date as bytes go through
    (enough of the file protocol for the csv, json and pyarrow writers). :meth:`finish`
    flushes it to disk (fsync), closes it, makes it world-readable and returns its
    :class:`FileInfo`; :meth:`abort` only closes it."""

    def __init__(self, path: Path, handle: BinaryIO):
        self.path = path
        self._handle = handle
        self._digest = hashlib.sha256()
        self._size = 0

    @classmethod
    def create(cls, path: Path) -> HashingSink:
        return cls(path, path.open("wb"))

    def write(self, data) -> int:
        view = memoryview(data)
        self._digest.update(view)
        self._size += view.nbytes
        return self._handle.write(view)

    def flush(self) -> None:
        self._handle.flush()

    def tell(self) -> int:
        return self._size

    @property
    def closed(self) -> bool:
        return self._handle.closed

    def finish(self) -> FileInfo:
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        self.path.chmod(0o644)
        return FileInfo(self._size, self._digest.hexdigest())

    def abort(self) -> None:
        self._handle.close()


def write_file(path: Path, data: bytes) -> FileInfo:
    sink = HashingSink.create(path)
    try:
        sink.write(data)
    except BaseException:
        sink.abort()
        raise
    return sink.finish()


def file_info(path: Path) -> FileInfo:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return FileInfo(path.stat().st_size, digest.hexdigest())


def same_content(a: Path, b: Path) -> bool:
    """Equal bytes, read in chunks (sizes compared first)."""
    if a.stat().st_size != b.stat().st_size:
        return False
    with a.open("rb") as one, b.open("rb") as two:
        while True:
            x, y = one.read(CHUNK), two.read(CHUNK)
            if x != y:
                return False
            if not x:
                return True


def file_names(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_file())


def differing(one: Path, two: Path) -> list[str]:
    """Names of the files present in only one folder or different in the two (sorted); a
    missing folder has no files."""
    a, b = set(file_names(one)), set(file_names(two))
    return sorted(
        n for n in a | b if n not in a or n not in b or not same_content(one / n, two / n)
    )


class FolderFiles(Mapping[str, bytes]):
    """The files of a folder by name, each read when asked for; ``overrides`` replace or add
    files kept in memory (e.g. a provisional descriptor)."""

    def __init__(self, folder: Path, overrides: Mapping[str, bytes] | None = None):
        self.folder = folder
        self.overrides = dict(overrides or {})
        self._names = sorted(set(file_names(folder)) | set(self.overrides))

    def __getitem__(self, name: str) -> bytes:
        if name in self.overrides:
            return self.overrides[name]
        if name not in self._names:
            raise KeyError(name)
        return (self.folder / name).read_bytes()

    def __contains__(self, name: object) -> bool:
        return name in self._names  # not Mapping's default, which would read the file

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def path_of(self, name: str) -> Path | None:
        """The file on disk holding ``name``; None when it is kept in memory or missing."""
        if name in self.overrides or name not in self._names:
            return None
        return self.folder / name

    def same(self, other: FolderFiles, name: str) -> bool:
        """Whether ``name`` has the same bytes in both (False when missing from either)."""
        if name not in self or name not in other:
            return False
        if name in self.overrides or name in other.overrides:
            return self[name] == other[name]
        return same_content(self.folder / name, other.folder / name)
