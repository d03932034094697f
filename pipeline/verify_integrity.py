"""The size and hash of one package file against what datapackage.json declares, read in
chunks (a file of any size in bounded memory). Declared values of the wrong type or form
(``"bytes": "24116"``, ``"hash": "foo:abc"``) are findings, never a crash."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from pipeline.messages import shorten
from pipeline.numbers_fr import MAX_INT_DIGITS, fmt_int
from pipeline.verify_messages import finding

ALGORITHMS = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512")
MAX_BYTES = 2**53  # far above any file; a bigger integer is a mistake or a trap


@dataclass
class Integrity:
    """A file's size and hash: as declared (when well formed) and as measured (when read)."""

    expected_bytes: int | None = None
    actual_bytes: int | None = None
    expected_hash: str | None = None
    actual_hash: str | None = None


def declared(resource: dict, name: str) -> tuple[Integrity, list[dict]]:
    """The declared size and hash, each kept only when well formed (else a finding)."""
    size, digest = resource.get("bytes"), resource.get("hash")
    found = Integrity(expected_hash=digest if isinstance(digest, str) else None)
    problems = []
    if size is not None:
        if isinstance(size, int) and not isinstance(size, bool) and 0 <= size <= MAX_BYTES:
            found.expected_bytes = size
        else:
            problems.append(
                finding(
                    "bytes-invalid",
                    f"{name} : taille (bytes) invalide dans le descripteur, "
                    f"{_quote(size)} : un nombre entier d'octets est attendu.",
                )
            )
    if digest is not None and split_hash(digest) is None:
        problems.append(
            finding(
                "hash-invalid",
                f"{name} : empreinte (hash) invalide dans le descripteur, {_quote(digest)} : "
                f"attendu « algorithme:hexadécimal » ({', '.join(ALGORITHMS)}).",
            )
        )
    return found, problems


def check(found: Integrity, resource: dict, path: Path, name: str) -> list[dict]:
    """Measure ``path`` into ``found`` and compare it with what was declared."""
    split = split_hash(found.expected_hash) if found.expected_hash else None
    algorithm, expected = split or ("sha256", None)
    with path.open("rb") as handle:  # in chunks, as the publish side hashes
        digest = hashlib.file_digest(handle, algorithm)
        size = handle.tell()
    found.actual_bytes = size
    found.actual_hash = f"{algorithm}:{digest.hexdigest()}"
    problems = []
    if found.expected_bytes is not None and found.expected_bytes != size:
        problems.append(
            finding(
                "bytes-mismatch",
                f"{name} : {size} octets au lieu des {found.expected_bytes} "
                "annoncés : le fichier a été modifié ou tronqué.",
            )
        )
    if resource.get("hash") is None:
        problems.append(finding("hash-missing", f"{name} : aucune empreinte dans le descripteur."))
    elif expected is not None and digest.hexdigest() != expected:
        problems.append(
            finding(
                "hash-mismatch",
                f"{name} : empreinte {algorithm} différente de celle du descripteur : le fichier "
                "n'est pas celui qui a été validé et publié.",
            )
        )
    return problems


def split_hash(value: object) -> tuple[str, str] | None:
    """``(algorithm, hex digest)`` of a Data Package hash (``sha256:…``, or a bare digest:
    MD5 when 32 digits long, else SHA-256), or None when it is not one."""
    if not isinstance(value, str):
        return None
    if ":" in value:
        algorithm, digest = value.split(":", 1)
        algorithm = algorithm.strip().lower().replace("-", "")
    else:
        algorithm, digest = ("md5" if len(value) == 32 else "sha256"), value
    digest = digest.strip().lower()
    if algorithm not in ALGORITHMS:
        return None
    if len(digest) != hashlib.new(algorithm).digest_size * 2:
        return None
    if any(c not in "0123456789abcdef" for c in digest):
        return None
    return algorithm, digest


def _quote(value: object) -> str:
    try:
        text = repr(value)
    except ValueError:  # an integer too long to print
        text = f"un nombre de plus de {fmt_int(MAX_INT_DIGITS, ' ')} chiffres"
    return "« " + shorten(text, 40) + " »"
