"""Where archives come from: mirror variable, shared mirror, download with integrity check, offline message."""

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from ucj_dash import cli
from ucj_dash.errors import ArchiveUnavailable
from ucj_dash.geography import archives


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No mirror, an empty cache, downloads pointed at a closed local port."""
    monkeypatch.setenv("UCJ_DATA_MIRROR", str(tmp_path / "mirror"))
    monkeypatch.setenv("UCJ_SHARED_DATA", str(tmp_path / "no-shared"))
    monkeypatch.setenv("UCJ_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("UCJ_ARCHIVE_BASE_URL", "http://127.0.0.1:9")
    (tmp_path / "mirror").mkdir()
    return tmp_path


def _real_archive(archive) -> Path:
    for d in (Path(os.environ.get("UCJ_SHARED_DATA_REAL", "")), archives.PROJECT_ROOT.parent / "shared" / "data"):
        if (d / archive.filename).is_file():
            return d / archive.filename
    pytest.fail(f"the reference mirror with {archive.filename} is needed for this test")


def test_offline_without_mirror_says_what_to_download_and_where(isolated):
    with pytest.raises(ArchiveUnavailable) as info:
        archives.locate(archives.BOUNDARIES)
    for lang in ("id", "en"):
        text = info.value.message(lang)
        assert archives.BOUNDARIES.filename in text
        assert "/cahyadsn/wilayah_boundaries/archive/3c5a7960f4d227a38489094d84252bdbb3f978a5.tar.gz" in text
        assert str(isolated / "mirror") in text
    assert "Unduh" in info.value.message("id") and "Download" in info.value.message("en")


def test_cli_prints_the_message_without_a_traceback(isolated, capsys, monkeypatch):
    monkeypatch.setenv("UCJ_GEO_DIR", str(isolated / "geo"))
    assert cli.main(["build-boundaries"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "tidak ditemukan" in err and "was not found" in err


def test_mirror_variable_comes_first(isolated):
    real = _real_archive(archives.WILAYAH)
    os.symlink(real, isolated / "mirror" / archives.WILAYAH.filename)
    assert archives.locate(archives.WILAYAH) == isolated / "mirror" / archives.WILAYAH.filename


def _serve(directory: Path):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_download_with_progress_and_integrity_check(isolated, monkeypatch, capsys):
    archive = archives.WILAYAH
    site = isolated / "site" / archive.repo / "archive"
    site.mkdir(parents=True)
    shutil.copy(_real_archive(archive), site / f"{archive.commit}.tar.gz")
    server = _serve(isolated / "site")
    try:
        monkeypatch.setenv("UCJ_ARCHIVE_BASE_URL", f"http://127.0.0.1:{server.server_port}")
        path = archives.locate(archive)
    finally:
        server.shutdown()
    assert path == isolated / "cache" / archive.filename
    assert archives.file_sha256(path) == archive.sha256
    assert "100.0%" in capsys.readouterr().err


def test_corrupt_download_is_rejected_and_not_kept(isolated, monkeypatch):
    archive = archives.WILAYAH
    site = isolated / "site" / archive.repo / "archive"
    site.mkdir(parents=True)
    (site / f"{archive.commit}.tar.gz").write_bytes(b"<html>not an archive</html>")
    server = _serve(isolated / "site")
    try:
        monkeypatch.setenv("UCJ_ARCHIVE_BASE_URL", f"http://127.0.0.1:{server.server_port}")
        with pytest.raises(ArchiveUnavailable):
            archives.locate(archive)
    finally:
        server.shutdown()
    assert list((isolated / "cache").iterdir()) == []
