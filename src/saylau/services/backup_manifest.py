"""A backup's manifest (OUT.manifest.json), written last beside the backup: what it holds and
how to check it. Read and checked before anything is restored: its format and version, the
backup file's size and SHA-256, and the central key a backup may carry (OUT.central.pem)
against the record's (docs/operations.md, "Backup and restore")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from sqlalchemy.engine import URL, make_url

from saylau.domain.errors import Conflict, NotFound, ValidationFailed
from saylau.domain.record.signing import public_key_bytes
from saylau.store.backup.files import sha256

FORMAT = "saylau-backup"
VERSION = 1


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".manifest.json")


def key_copy_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".central.pem")


def redacted(url: str | URL) -> str:
    return make_url(url).render_as_string(hide_password=True)


def read_manifest(backup_file: Path) -> dict[str, Any]:
    path = manifest_path(backup_file)
    if not backup_file.is_file():
        raise NotFound(f"no backup file at {backup_file}",
                       details={"field": "backup", "expected": "a file written by saylau "
                                "backup", "actual": str(backup_file)})
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotFound(f"no manifest {path.name} beside the backup: it is incomplete or not "
                       "a saylau backup", details={"field": "manifest", "expected": str(path),
                                                   "actual": "absent"}) from None
    except (OSError, ValueError) as exc:
        raise ValidationFailed(f"the manifest {path} cannot be read: {exc}",
                               code="backup_corrupt",
                               details={"field": "manifest", "expected": "JSON",
                                        "actual": str(exc)}) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or \
            manifest.get("version") != VERSION:
        got = manifest.get("format") if isinstance(manifest, dict) else type(manifest).__name__
        raise ValidationFailed(f"{path} is not a saylau backup manifest of version {VERSION}",
                               code="backup_corrupt",
                               details={"field": "format", "expected": f"{FORMAT} {VERSION}",
                                        "actual": got})
    missing = [k for k in ("database", "bytes", "sha256", "schema_revision", "rows",
                           "elections", "central_key") if k not in manifest]
    if missing:
        raise ValidationFailed(f"the manifest {path} lacks {', '.join(missing)}",
                               code="backup_corrupt",
                               details={"field": missing[0], "expected": "present",
                                        "actual": "absent"})
    return manifest


def check_digest(backup_file: Path, manifest: dict[str, Any]) -> None:
    """The backup file's size and SHA-256 are the manifest's, or ValidationFailed."""
    size, digest = sha256(backup_file)
    if size != manifest["bytes"]:
        raise ValidationFailed(
            f"{backup_file} has {size:,} bytes, its manifest says {manifest['bytes']:,}: the "
            "file is truncated or another file; nothing was restored", code="backup_corrupt",
            details={"field": "bytes", "expected": manifest["bytes"], "actual": size})
    if digest != manifest["sha256"]:
        raise ValidationFailed(
            f"{backup_file} is not the file its manifest describes (SHA-256 differs): it was "
            "damaged or changed; nothing was restored", code="backup_corrupt",
            details={"field": "sha256", "expected": manifest["sha256"], "actual": digest})


def plan_key(backup_file: Path, manifest: dict[str, Any], key_to: Path
              ) -> tuple[str, bytes | None]:
    """What happens to the central key: checked before anything is restored."""
    record_keys = {e["central_public_key"] for e in manifest["elections"].values()
                   if e.get("central_public_key")}
    info = manifest["central_key"]
    key_bytes: bytes | None = None
    if info.get("included"):
        src = key_copy_path(backup_file)
        key_bytes = read_key(src)
        public = public_hex_of_pem(key_bytes, src)
        if public != info.get("public_key"):
            raise ValidationFailed(
                f"{src} is not the key the manifest names", code="backup_corrupt",
                details={"field": "central_key", "expected": info.get("public_key"),
                         "actual": public})
    if key_to.exists():
        present = public_hex_of_pem(read_key(key_to), key_to)
        expected = info.get("public_key") if key_bytes is not None else None
        for want in ([expected] if expected else sorted(record_keys)):
            if present != want:
                raise Conflict(
                    f"{key_to} holds another central key than the restored record's: the "
                    "server would sign tree heads no verifier accepts; move it away first",
                    code="restore_key_conflict",
                    details={"field": "central_key", "expected": want, "actual": present})
        return "present", None
    return ("restored", key_bytes) if key_bytes is not None else ("missing", None)


def read_key(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"no central key at {path}",
                       details={"field": "central_key", "expected": "a PEM file",
                                "actual": str(path)}) from None


def public_hex_of_pem(data: bytes, path: Path) -> str:
    try:
        key = load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise ValidationFailed(f"{path} is not a private key in PEM: {exc}",
                               details={"field": "central_key", "expected": "an Ed25519 "
                                        "private key in PEM", "actual": str(path)}) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ValidationFailed(f"{path} is not an Ed25519 key",
                               details={"field": "central_key", "expected": "Ed25519",
                                        "actual": type(key).__name__})
    return public_key_bytes(key).hex()


def central_key_matches_record(public: str, elections: dict[str, Any], where: str) -> None:
    for eid, e in elections.items():
        if e.get("central_public_key") and e["central_public_key"] != public:
            raise ValidationFailed(
                f"the central key at {where} is not the one election {eid} names: it would "
                "not sign this record's tree heads", code="backup_key_mismatch",
                details={"field": "central_key", "expected": e["central_public_key"],
                         "actual": public})


__all__ = ["FORMAT", "VERSION", "central_key_matches_record", "check_digest", "key_copy_path",
           "manifest_path", "plan_key", "public_hex_of_pem", "read_key", "read_manifest",
           "redacted"]
