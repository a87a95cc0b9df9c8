"""The backup file: one tar.gz holding `manifest.json` and the database copy.

The manifest says what the file is (format and its version, which kind of database, the schema
revision, when), what it holds (rows per table, attachments, the audit chain's head: its last
sequence number and hash) and the sha256 of every other member. `read_backup` refuses a file that
is not one of ours, names members the manifest does not, or whose bytes do not hash as the manifest
says, before anything is restored from it. (The manifest's own figures are checked against the
restored rows afterwards: services/backups.py.)
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
from pathlib import Path

from .errors import XiaoweiError

FORMAT = "xiaowei-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


class BackupRefused(XiaoweiError):
    """A backup file that cannot be verified, or a restore that must not go ahead."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def write_backup(output: Path, manifest: dict, members: dict[str, Path]) -> dict:
    """Write the file (atomically: a partial file never has the final name); the manifest as written."""
    manifest = {**manifest, "format": FORMAT, "format_version": FORMAT_VERSION,
                "members": {name: {"sha256": sha256_of(path), "size": path.stat().st_size}
                            for name, path in members.items()}}
    data = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode = len(data), 0o600
        tar.addfile(info, io.BytesIO(data))
        for name, path in members.items():
            tar.add(path, arcname=name, recursive=False)
    os.replace(partial, output)
    return manifest


def read_backup(path: Path, into: Path) -> dict:
    """The manifest, with every member extracted under `into` and checked; BackupRefused if not."""
    try:
        with tarfile.open(path, "r:gz") as tar:
            manifest = _manifest(tar)
            expected = manifest["members"]
            found = [m for m in tar.getmembers() if m.name != MANIFEST]
            if sorted(m.name for m in found) != sorted(expected):
                raise BackupRefused("备份文件的内容与清单不符（多出或缺少文件）")
            for member in found:
                _extract_checked(tar, member, into / Path(member.name).name, expected[member.name]["sha256"])
    except (tarfile.TarError, EOFError, OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupRefused(f"备份文件已损坏或不是小微的备份文件：{type(exc).__name__}") from exc
    return manifest


def _manifest(tar) -> dict:
    first = tar.next()
    if first is None or first.name != MANIFEST or not first.isfile():
        raise BackupRefused("不是小微的备份文件（缺少 manifest.json）")
    manifest = json.loads(tar.extractfile(first).read().decode("utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupRefused("不是小微的备份文件")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupRefused(f"备份文件格式版本 {manifest.get('format_version')} 不受本程序支持")
    return manifest


def _extract_checked(tar, member, target: Path, sha256: str) -> None:
    if not member.isfile() or "/" in member.name or member.name.startswith("."):
        raise BackupRefused(f"备份文件中有不应有的成员：{member.name}")
    digest = hashlib.sha256()
    source = tar.extractfile(member)
    with open(target, "wb") as out:
        for block in iter(lambda: source.read(CHUNK), b""):
            digest.update(block)
            out.write(block)
    if digest.hexdigest() != sha256:
        raise BackupRefused(f"备份文件中 {member.name} 的 sha256 与清单不符：文件被改动或损坏")
