"""Files through Hadoop's FileSystem API (via Spark's JVM), so every URI Spark reads works the same.

Does: tell whether a path exists, list the files a path or glob names, write
and read a small text file (the stages' ``_SUCCESS`` markers), delete, and
move a file into place. Local paths, ``file:``, ``hdfs:``, ``s3a:`` … all
go through the same calls; ``os.path.exists`` is never used, as it breaks on
remote stores and cannot tell a half-written folder from a finished one.

Does not: read or write data sets (Spark does).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyspark.sql import SparkSession


@dataclass(frozen=True)
class Listed:
    """A file found under an input path."""

    uri: str
    size: int
    modified: int


class Files:
    """Hadoop FileSystem calls on the session's configuration."""

    def __init__(self, spark: SparkSession) -> None:
        self._jvm: Any = spark.sparkContext._jvm
        self._conf: Any = spark.sparkContext._jsc.hadoopConfiguration()

    def _path(self, uri: str) -> Any:
        return self._jvm.org.apache.hadoop.fs.Path(uri)

    def _fs(self, uri: str) -> Any:
        return self._path(uri).getFileSystem(self._conf)

    def qualified(self, uri: str) -> str:
        """The full URI of ``uri`` (scheme and absolute path), as Spark reports file names."""
        return str(self._fs(uri).makeQualified(self._path(uri)).toString())

    def exists(self, uri: str) -> bool:
        """True when something (file or folder) is at ``uri``."""
        return bool(self._fs(uri).exists(self._path(uri)))

    def files(self, uri: str) -> list[Listed]:
        """The files ``uri`` names: itself, the files under a folder (recursively), or a glob's matches.

        Names starting with ``_`` or ``.`` (``_SUCCESS``, ``.crc`` files) are left out, as Spark leaves them out.
        """
        fs = self._fs(uri)
        matched = fs.globStatus(self._path(uri)) or []
        out: list[Listed] = []
        for status in matched:
            if status.isDirectory():
                walk = fs.listFiles(status.getPath(), True)
                while walk.hasNext():
                    out.append(self._listed(walk.next()))
            else:
                out.append(self._listed(status))
        return sorted((f for f in out if not _hidden(f.uri)), key=lambda f: f.uri)

    @staticmethod
    def _listed(status: Any) -> Listed:
        return Listed(str(status.getPath().toString()), int(status.getLen()), int(status.getModificationTime()))

    def write_text(self, uri: str, text: str) -> None:
        """Write ``text`` (UTF-8) to ``uri``, replacing it."""
        stream = self._fs(uri).create(self._path(uri), True)
        try:
            stream.write(bytearray(text.encode("utf-8")))
        finally:
            stream.close()

    def read_text(self, uri: str) -> str | None:
        """The UTF-8 text at ``uri``, or None when there is no such file."""
        if not self.exists(uri):
            return None
        stream = self._fs(uri).open(self._path(uri))
        try:
            data = self._jvm.org.apache.commons.io.IOUtils.toByteArray(stream)
        finally:
            stream.close()
        return bytes(data).decode("utf-8")

    def delete(self, uri: str) -> None:
        """Delete ``uri`` (a folder with everything in it); nothing if absent."""
        self._fs(uri).delete(self._path(uri), True)

    def move_single_part(self, folder: str, target: str) -> None:
        """Move the one ``part-*`` file Spark wrote into ``folder`` to ``target``, then drop the folder."""
        parts = [f.uri for f in self.files(folder) if f.uri.rsplit("/", 1)[-1].startswith("part-")]
        if len(parts) != 1:
            raise RuntimeError(f"{folder}: expected one part file, found {len(parts)}")
        fs = self._fs(target)
        fs.delete(self._path(target), False)
        if not fs.rename(self._path(parts[0]), self._path(target)):
            raise OSError(f"cannot move {parts[0]} to {target}")
        self.delete(folder)


def _hidden(uri: str) -> bool:
    return uri.rsplit("/", 1)[-1].startswith(("_", "."))
