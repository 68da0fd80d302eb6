"""The pinned reference archives and where to find them.

Order of lookup for each archive (issue #2):
1. the directory named by ``UCJ_DATA_MIRROR``;
2. ``../shared/data`` beside the project, if it exists;
3. a download of the pinned GitHub archive into the local cache
   (``UCJ_CACHE_DIR`` or ``~/.cache/ucj-dash``), with a progress bar and an
   integrity check.

Offline with no mirror, :class:`~ucj_dash.errors.ArchiveUnavailable` says what to
download and where to put it.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ucj_dash.errors import ArchiveUnavailable
from ucj_dash.paths import PROJECT_ROOT


@dataclass(frozen=True)
class Archive:
    """A GitHub repository archive pinned at one commit."""

    repo: str  # owner/name
    commit: str
    sha256: str  # of the mirrored file (GitHub's own archives are not byte-stable)
    description: str
    licence: str = "MIT, (c) cahya dsn"

    @property
    def name(self) -> str:
        return self.repo.split("/")[1]

    @property
    def filename(self) -> str:
        return f"{self.name}-{self.commit}.tar.gz"

    @property
    def url(self) -> str:
        base = os.environ.get("UCJ_ARCHIVE_BASE_URL", "https://github.com").rstrip("/")
        return f"{base}/{self.repo}/archive/{self.commit}.tar.gz"

    @property
    def top_dir(self) -> str:
        """The folder every member of the archive sits in."""
        return f"{self.name}-{self.commit}"


WILAYAH = Archive(
    repo="cahyadsn/wilayah",
    commit="b7ad440a1322e7be3189a16a8cac35f7d4c3d7f7",
    sha256="09020f3c15b706e615aac2d53cf063f6a6dc5bbbcf34741393b197209bd2cda9",
    description="Kode dan nama wilayah, penduduk, luas (Kepmendagri No 300.2.2-2430 Tahun 2025)",
)
BOUNDARIES = Archive(
    repo="cahyadsn/wilayah_boundaries",
    commit="3c5a7960f4d227a38489094d84252bdbb3f978a5",
    sha256="5474d0fef2a08faa5404823179db84871f3c9ea304d9f74ac0e5bc59ded7516c",
    description="Batas wilayah provinsi s.d. desa/kelurahan (Kepmendagri No 300.2.2-2430 Tahun 2025)",
)
ARCHIVES = (WILAYAH, BOUNDARIES)


def mirror_dirs() -> list[Path]:
    """Candidate local mirror directories, in lookup order."""
    dirs = []
    if os.environ.get("UCJ_DATA_MIRROR"):
        dirs.append(Path(os.environ["UCJ_DATA_MIRROR"]))
    shared = Path(os.environ.get("UCJ_SHARED_DATA") or PROJECT_ROOT.parent / "shared" / "data")
    dirs.append(shared)
    return dirs


def cache_dir() -> Path:
    return Path(os.environ.get("UCJ_CACHE_DIR") or Path.home() / ".cache" / "ucj-dash")


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def locate(archive: Archive, download: bool = True) -> Path:
    """Path of a local copy of ``archive``, downloading it if no mirror has it.

    Raises :class:`ArchiveUnavailable` (with what to download and where to put
    it) when no mirror holds the file and the download fails.
    """
    for d in mirror_dirs():
        candidate = d / archive.filename
        if candidate.is_file():
            return candidate
    cached = cache_dir() / archive.filename
    if cached.is_file():
        return cached
    if download:
        try:
            return _download(archive, cached)
        except (OSError, tarfile.TarError, ValueError) as exc:
            raise ArchiveUnavailable(
                "error.archive_unavailable",
                filename=archive.filename,
                url=archive.url,
                mirror=str(mirror_dirs()[0]),
                reason=str(exc)[:200],
            ) from None
    raise ArchiveUnavailable(
        "error.archive_unavailable",
        filename=archive.filename,
        url=archive.url,
        mirror=str(mirror_dirs()[0]),
        reason="download disabled",
    )


def _download(archive: Archive, target: Path) -> Path:
    """Download ``archive`` to ``target`` atomically, with a progress bar and checks."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    try:
        with urllib.request.urlopen(archive.url, timeout=30) as resp, open(partial, "wb") as out:
            total = int(resp.headers.get("Content-Length") or 0)
            done = 0
            while block := resp.read(1 << 20):
                out.write(block)
                done += len(block)
                _progress(archive.filename, done, total)
        sys.stderr.write("\n")
        verify(archive, partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)
    return target


def _progress(label: str, done: int, total: int) -> None:
    if total:
        frac = done / total
        bar = "#" * int(frac * 30)
        sys.stderr.write(f"\r{label}: [{bar:<30}] {frac:5.1%} of {total / 1e6:.0f} MB")
    else:
        sys.stderr.write(f"\r{label}: {done / 1e6:.1f} MB")
    sys.stderr.flush()


def verify(archive: Archive, path: Path) -> None:
    """Integrity check: the mirrored checksum, or else a readable archive of the right commit.

    GitHub regenerates archives on request, so a download may differ byte for
    byte from the mirror; it must then still be a complete gzip tar whose
    members all sit under ``<repo>-<commit>/`` and which holds ``db/``.
    """
    if file_sha256(path) == archive.sha256:
        return
    has_db = False
    with tarfile.open(path, "r:gz") as tar:
        for member in tar:
            if not member.name.startswith(archive.top_dir):
                raise ValueError(f"{path.name}: unexpected member {member.name!r}")
            has_db = has_db or member.name.startswith(f"{archive.top_dir}/db/")
    if not has_db:
        raise ValueError(f"{path.name}: no db/ folder in the archive")
