"""Where proof photos are kept: an interface, and its backend chosen by the PHOTO_STORE URL.

A local directory is the default (`var/photos`, or `file:///srv/doorstep/photos`); an
S3-compatible bucket is `s3://bucket/prefix` (with PHOTO_S3_ENDPOINT for a server other than
AWS). Photo names are chosen by the server (route id and a random key), never taken from a
request.
"""

from __future__ import annotations

import os
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

_NAME = re.compile(r"[A-Za-z0-9_]{1,40}/[A-Za-z0-9_]{1,80}\.jpg")


class PhotoStorage(ABC):
    @abstractmethod
    def put(self, name: str, data: bytes) -> None: ...

    @abstractmethod
    def get(self, name: str) -> bytes | None: ...

    @abstractmethod
    def delete(self, name: str) -> None: ...


class LocalDirectory(PhotoStorage):
    """One file per photo under `root/<route id>/`, written whole (a temporary file renamed)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, name: str) -> Path:
        if not _NAME.fullmatch(name):
            raise ValueError(f"not a photo name: {name!r}")
        return self.root / name

    def put(self, name: str, data: bytes) -> None:
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)

    def get(self, name: str) -> bytes | None:
        try:
            return self._path(name).read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, name: str) -> None:
        path = self._path(name)
        path.unlink(missing_ok=True)
        try:
            path.parent.rmdir()  # the route's folder, once empty
        except OSError:
            pass


class S3Bucket(PhotoStorage):
    """An S3-compatible bucket (AWS S3, MinIO, Ceph, Garage, R2, ...): one object per photo
    under `prefix/<route id>/`, private (read back only through the server, which decides who
    may see it). Several hosts then share the photos without a shared disk."""

    def __init__(self, bucket: str, prefix: str, endpoint: str | None, region: str | None,
                 key_id: str | None, secret: str | None) -> None:
        import boto3  # only for this backend: a directory needs nothing of it
        from botocore.config import Config

        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.client = boto3.client(
            "s3", endpoint_url=endpoint or None, region_name=region or None,
            aws_access_key_id=key_id or None, aws_secret_access_key=secret or None,
            # Path-style addressing works with every S3-compatible server; a short timeout and
            # few retries keep a dead store from holding a worker for minutes.
            config=Config(s3={"addressing_style": "path"}, connect_timeout=5, read_timeout=20,
                          retries={"max_attempts": 2}))

    def _key(self, name: str) -> str:
        if not _NAME.fullmatch(name):
            raise ValueError(f"not a photo name: {name!r}")
        return f"{self.prefix}/{name}" if self.prefix else name

    def put(self, name: str, data: bytes) -> None:
        with _down_is_oserror():
            self.client.put_object(Bucket=self.bucket, Key=self._key(name), Body=data,
                                   ContentType="image/jpeg")

    def get(self, name: str) -> bytes | None:
        from botocore.exceptions import ClientError

        with _down_is_oserror():
            try:
                obj = self.client.get_object(Bucket=self.bucket, Key=self._key(name))
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                    return None
                raise
            return obj["Body"].read()

    def delete(self, name: str) -> None:
        with _down_is_oserror():
            self.client.delete_object(Bucket=self.bucket, Key=self._key(name))


@contextmanager
def _down_is_oserror() -> Iterator[None]:
    """A bucket that refuses or does not answer is storage that is down, as a full disk is:
    callers answer 503 and keep nothing, whichever backend it is."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except (BotoCoreError, ClientError) as exc:
        raise OSError(f"photo bucket: {exc}") from None


def open_photo_storage(url: str, s3: dict[str, str] | None = None) -> PhotoStorage:
    """A directory path, a file:// URL, or s3://bucket/prefix with `s3` holding the endpoint
    (empty for AWS), region and credentials (PHOTO_S3_* in app/config.py)."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        return LocalDirectory(parts.path)
    if parts.scheme == "":
        return LocalDirectory(url)
    if parts.scheme == "s3":
        if not parts.netloc:
            raise ValueError("PHOTO_STORE: s3://<bucket>/<prefix> needs a bucket name")
        s3 = s3 or {}
        return S3Bucket(parts.netloc, parts.path, s3.get("endpoint"), s3.get("region"),
                        s3.get("key_id"), s3.get("secret"))
    raise ValueError(f"PHOTO_STORE: unsupported scheme {parts.scheme!r} "
                     "(a directory, file:// or s3://)")
