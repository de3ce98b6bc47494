"""A local S3-compatible server (moto's, in a thread of the test process) for the shared-storage tests
(docs/decisions/0055): the same HTTP API `pyarrow.fs.S3FileSystem` speaks to Amazon S3."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

BUCKET = "alliance-tests"
#: Credentials the local server accepts (any); set so that pyarrow never looks for real ones.
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "AWS_EC2_METADATA_DISABLED": "true",
}


@contextmanager
def s3_server() -> Iterator[str]:
    """Start the server on a free loopback port with one bucket; yield its `host:port`."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one log line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"{host}:{port}"
    try:
        create_bucket(endpoint)
        yield endpoint
    finally:
        server.stop()


def create_bucket(endpoint: str) -> None:
    """Make the test bucket on the server at `endpoint`."""
    import pyarrow.fs as pafs

    filesystem = pafs.S3FileSystem(
        access_key="test",
        secret_key="test",
        endpoint_override=endpoint,
        scheme="http",
        region="eu-west-2",
        allow_bucket_creation=True,
    )
    filesystem.create_dir(BUCKET)


def s3_uri(endpoint: str, prefix: str) -> str:
    """The `ALLIANCE_STORAGE_URI` of `prefix` in the test bucket on the server at `endpoint`."""
    return f"s3://{BUCKET}/{prefix}?endpoint_override={endpoint}&scheme=http&region=eu-west-2"
