"""The third-party side of the interop test: Python ORAS (oras==0.2.43) pushing and pulling on a plain
loopback registry.

    oras_client.py pull HOST:PORT/REPO:TAG OUTDIR   oras pull, then the layer unpacked with tarfile into
                                                    OUTDIR/bundle; prints the manifest as JSON
    oras_client.py push HOST:PORT/REPO:TAG BUNDLE_DIR   the bundle as a tar.gz made by tarfile, pushed by oras
                                                        with pacto's layer media type; prints the manifest
"""

import io
import json
import os
import sys
import tarfile

import oras.client

LAYER_MEDIA_TYPE = "application/vnd.pacto.bundle.layer.v1.tar+gzip"


def client():
    # The default "token" auth backend mistakes a basic realm for a token URL; "basic" is right for any
    # registry these tests start.
    return oras.client.OrasClient(insecure=True, auth_backend="basic")


def pull(target, outdir):
    oras_client = client()
    manifest = oras_client.get_manifest(target)
    # Leave `allowed_media_type` alone: in oras-py it is the manifest Accept list, not a layer filter.
    files = oras_client.pull(target=target, outdir=os.path.join(outdir, "layers"))
    if len(files) != 1:
        sys.exit(f"expected one layer file, got {files}")
    with tarfile.open(files[0], mode="r:gz") as archive:
        archive.extractall(os.path.join(outdir, "bundle"), filter="data")
    print(json.dumps(manifest))


def push(target, bundle_dir):
    workdir = os.path.dirname(os.path.abspath(bundle_dir))
    layer = os.path.join(workdir, "bundle.tar.gz")
    with tarfile.open(layer, mode="w:gz") as archive:
        for root, dirs, files in os.walk(bundle_dir):
            dirs.sort()
            for name in sorted(dirs) + sorted(files):
                path = os.path.join(root, name)
                archive.add(path, arcname=os.path.relpath(path, bundle_dir), recursive=False)
    # oras-py refuses files outside the working directory unless told otherwise.
    os.chdir(workdir)
    response = client().push(target=target, files=[f"bundle.tar.gz:{LAYER_MEDIA_TYPE}"])
    if response.status_code not in (200, 201):
        sys.exit(f"push failed: HTTP {response.status_code}")
    print(json.dumps(client().get_manifest(target)))


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("pull", "push"):
        sys.exit(__doc__)
    {"pull": pull, "push": push}[sys.argv[1]](sys.argv[2], sys.argv[3])
