"""Read a few string fields from a GGUF file's header, without loading the model.

Used to check that an assembled file is the model we pinned (``general.architecture``, ``general.name``)
before llama.cpp parses it. The reader is bounded (at most
:data:`MAX_KEYS` keys, strings of at most :data:`MAX_STRING` bytes) because the file is untrusted.
llama.cpp's own ``gguf`` package memory-maps and parses the whole tensor table; two header strings do
not need that (or another dependency).

>>> read_header_strings(Path("model.gguf"), {"general.architecture"})   # doctest: +SKIP
{'general.architecture': 'qwen2'}
"""

from __future__ import annotations

import struct
from collections.abc import Collection
from pathlib import Path
from typing import BinaryIO

from ragagent.errors import ModelFileError

MAGIC = b"GGUF"
MAX_KEYS = 4096
MAX_STRING = 1 << 20  # chat templates are a few KB
_STRING, _ARRAY = 8, 9
_FIXED = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}  # GGUF value type -> bytes


class _Reader:
    def __init__(self, file: BinaryIO, path: Path) -> None:
        self.file, self.path = file, path

    def read(self, n: int) -> bytes:
        data = self.file.read(n)
        if len(data) != n:
            raise ModelFileError(f"{self.path}: truncated GGUF header")
        return data

    def u32(self) -> int:
        return int(struct.unpack("<I", self.read(4))[0])

    def u64(self) -> int:
        return int(struct.unpack("<Q", self.read(8))[0])

    def string(self) -> bytes:
        n = self.u64()
        if n > MAX_STRING:
            raise ModelFileError(f"{self.path}: GGUF header string of {n} bytes is implausible")
        return self.read(n)

    def skip(self, value_type: int) -> None:
        if value_type == _STRING:
            self.string()
        elif value_type == _ARRAY:
            item_type, count = self.u32(), self.u64()
            if item_type in _FIXED:
                self.file.seek(_FIXED[item_type] * count, 1)
            else:
                for _ in range(count):
                    self.skip(item_type)
        elif value_type in _FIXED:
            self.read(_FIXED[value_type])
        else:
            raise ModelFileError(f"{self.path}: unknown GGUF value type {value_type}")


def read_header_strings(path: Path, keys: Collection[str]) -> dict[str, str]:
    """The string values of ``keys`` present in the header (stops once all are found)."""
    wanted, found = set(keys), {}
    try:
        with path.open("rb") as file:
            reader = _Reader(file, path)
            if reader.read(4) != MAGIC:
                raise ModelFileError(f"{path}: not a GGUF file (bad magic bytes)")
            version = reader.u32()
            if version < 2:
                raise ModelFileError(f"{path}: GGUF version {version} is not supported")
            reader.u64()  # tensor count
            kv_count = reader.u64()
            for _ in range(min(kv_count, MAX_KEYS)):
                key = reader.string().decode("utf-8", "replace")
                value_type = reader.u32()
                if key in wanted and value_type == _STRING:
                    found[key] = reader.string().decode("utf-8", "replace")
                    if len(found) == len(wanted):
                        break
                else:
                    reader.skip(value_type)
    except OSError as error:
        raise ModelFileError(f"cannot read model file {path}: {error.strerror or error}") from error
    return found
