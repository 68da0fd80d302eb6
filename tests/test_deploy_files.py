"""The deployment files in ``deploy/`` (README, "Deploying for many users"), checked without Docker.

No YAML library is a dependency, so ``compose.yaml`` is read with a small reader for the block style it is written
in (mappings by indentation, ``&anchor`` / ``<<: *anchor`` merges); ``haproxy.cfg``, the ``Dockerfile`` and
``.dockerignore`` are read as text. The commands the compose file and the README give to ``python -m ucj_dash`` are
parsed by the project's own command line (their handlers replaced, so nothing runs).
"""

from __future__ import annotations

import fnmatch
import re
import shlex
from pathlib import Path

import pytest

from ucj_dash import cli

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SECRETS = ("POSTGRES_PASSWORD", "UCJ_ADMIN_PASSWORD", "UCJ_SESSION_SECRET")
REQUIRED = re.compile(r"\$\{(\w+):\?[^}]+\}")


# ---- a reader for the YAML subset compose.yaml is written in ----------------------------------------------------


def _scalar(text: str):
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    if text.startswith("[") and text.endswith("]"):
        return [_scalar(part) for part in _split_flow(text[1:-1])]
    return text


def _split_flow(text: str) -> list[str]:
    parts, depth, quote, current = [], 0, None, ""
    for ch in text:
        if quote:
            current += ch
            quote = None if ch == quote else quote
        elif ch in "\"'":
            quote, current = ch, current + ch
        elif ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            depth += ch in "[{"
            depth -= ch in "]}"
            current += ch
    if current.strip():
        parts.append(current)
    return parts


def _strip_comment(line: str) -> str:
    quote = None
    for i, ch in enumerate(line):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
    return line.rstrip()


def load_compose(text: str) -> dict:
    """Block mappings and sequences, flow lists, quoted scalars, anchors and ``<<`` merges: what compose.yaml uses."""
    lines = [(len(raw) - len(raw.lstrip(" ")), raw.strip()) for raw in map(_strip_comment, text.splitlines()) if raw.strip()]
    anchors: dict[str, object] = {}

    def block(i: int, indent: int):
        if lines[i][1].startswith("- "):
            items = []
            while i < len(lines) and lines[i][0] == indent and lines[i][1].startswith("- "):
                items.append(_scalar(lines[i][1][2:]))
                i += 1
            return items, i
        mapping: dict = {}
        while i < len(lines) and lines[i][0] == indent:
            line = lines[i][1]
            key, sep, rest = line.partition(":")
            assert sep and (not rest or rest[0] == " "), f"unsupported line: {line!r}"
            key, rest = _scalar(key), rest.strip()
            anchor = None
            if rest.startswith("&"):
                anchor, _, rest = rest.partition(" ")
                anchor, rest = anchor[1:], rest.strip()
            i += 1
            if rest.startswith("*"):
                value = anchors[rest[1:]]
            elif rest:
                value = _scalar(rest)
            elif i < len(lines) and lines[i][0] > indent:
                value, i = block(i, lines[i][0])
            elif i < len(lines) and lines[i][0] == indent and lines[i][1].startswith("- "):
                value, i = block(i, indent)
            else:
                value = None
            if anchor:
                anchors[anchor] = value
            if key == "<<":
                for k, v in value.items():
                    mapping.setdefault(k, v)
            else:
                mapping[key] = value
        return mapping, i

    result, end = block(0, 0)
    assert end == len(lines), f"unread line: {lines[end][1]!r}"
    return result


def test_compose_reader():
    doc = load_compose(
        "x: &a\n  k: 1\n  env:\n    A: \"x\" # c\ny:\n  <<: *a\n  k: 2\n  l:\n    - one\n    - 'two'\n  f: [\"a\", b]\n"
    )
    assert doc["y"] == {"k": "2", "env": {"A": "x"}, "l": ["one", "two"], "f": ["a", "b"]}


# ---- the files -----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose_text() -> str:
    return (DEPLOY / "compose.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def compose(compose_text) -> dict:
    return load_compose(compose_text)


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def app_services(services) -> dict:
    apps = {name: s for name, s in services.items() if re.fullmatch(r"app\d+", name)}
    assert len(apps) >= 2, "at least two app replicas"
    return apps


@pytest.fixture(scope="module")
def haproxy() -> str:
    return (DEPLOY / "haproxy.cfg").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def dockerfile() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    text = re.sub(r"\\\n", " ", "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")))
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _readme_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## Deploying for many users\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, "README section 'Deploying for many users'"
    return match.group(1)


# ---- compose.yaml ----------------------------------------------------------------------------------------------------


def test_every_app_replica_gets_store_and_secrets_from_the_environment(app_services):
    for name, service in app_services.items():
        env = service["environment"]
        assert re.fullmatch(r"postgresql://ucj:\$\{POSTGRES_PASSWORD:\?[^}]+\}@db:5432/ucj", env["UCJ_STORE_URL"]), name
        assert re.fullmatch(r"\$\{UCJ_SESSION_SECRET:\?[^}]+\}", env["UCJ_SESSION_SECRET"]), name
        assert re.fullmatch(r"\$\{UCJ_ADMIN_PASSWORD:\?[^}]+\}", env["UCJ_ADMIN_PASSWORD"]), name
        assert env["UCJ_PUBLIC_MODE"] == "1", name
        assert re.fullmatch(r"\$\{UCJ_CONCURRENT_RUNS(:-2)?\}", env["UCJ_CONCURRENT_RUNS"]), name
        assert re.fullmatch(r"\$\{UCJ_STORE_POOL_SIZE(:-6)?\}", env["UCJ_STORE_POOL_SIZE"]), name


def test_replicas_share_one_session_secret_and_one_image(app_services):
    assert len({s["environment"]["UCJ_SESSION_SECRET"] for s in app_services.values()}) == 1
    assert len({s["image"] for s in app_services.values()}) == 1


def test_replicas_wait_for_the_database_and_the_migration(app_services, services):
    for name, service in app_services.items():
        assert service["depends_on"]["db"]["condition"] == "service_healthy", name
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name
    migrate = services["migrate"]
    assert migrate["command"] == ["python", "-m", "ucj_dash", "migrate"]
    assert migrate["image"] == next(iter(app_services.values()))["image"]
    assert migrate["environment"]["UCJ_STORE_URL"] == next(iter(app_services.values()))["environment"]["UCJ_STORE_URL"]
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    assert migrate.get("restart") in (None, "no")


def test_replicas_are_reachable_only_through_the_proxy(app_services, services):
    """The replicas trust X-Forwarded-For from any peer: no port of theirs may be published."""
    for name, service in app_services.items():
        assert "ports" not in service, name
        assert service["environment"].get("FORWARDED_ALLOW_IPS") == "*", name
    assert any(port.endswith(":8080") for port in services["proxy"]["ports"])
    assert "ports" not in services["db"]


def test_database(services, compose):
    db = services["db"]
    assert db["image"].startswith("postgres:15")
    assert re.fullmatch(r"\$\{POSTGRES_PASSWORD:\?[^}]+\}", db["environment"]["POSTGRES_PASSWORD"])
    assert db["environment"]["POSTGRES_USER"] == "ucj" and db["environment"]["POSTGRES_DB"] == "ucj"
    volume = db["volumes"][0].split(":")
    assert volume[1] == "/var/lib/postgresql/data" and volume[0] in compose["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


def test_image_is_built_from_the_project_with_the_archives_as_a_build_context(app_services):
    build = next(iter(app_services.values()))["build"]
    assert build["context"] == ".."
    assert build["dockerfile"] == "deploy/Dockerfile"
    assert (DEPLOY / build["context"] / build["dockerfile"]).resolve() == (DEPLOY / "Dockerfile").resolve()
    assert "archives" in build["additional_contexts"]
    assert not any(re.search("PASSWORD|SECRET", key) for key in build.get("args", {})), "no secret as a build argument"


def test_proxy_uses_the_haproxy_config(services):
    proxy = services["proxy"]
    assert proxy["image"].startswith("haproxy:")
    assert "./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro" in proxy["volumes"]


def test_no_secret_literal_in_compose(compose_text):
    for line in compose_text.splitlines():
        key, sep, value = _strip_comment(line).partition(":")
        if sep and re.search(r"PASSWORD|SECRET", key):
            assert value.strip().startswith("${") or "${POSTGRES_PASSWORD:?" in value, line
    for name in SECRETS:
        # every use of a secret is required (${NAME:?message}), never given a default
        assert re.findall(r"\$\{" + name + r"\b([^}]*)\}", compose_text), name
        assert all(tail.startswith(":?") for tail in re.findall(r"\$\{" + name + r"([^}]*)\}", compose_text)), name


def test_env_example_names_every_required_setting_with_no_value(compose_text):
    lines = (DEPLOY / ".env.example").read_text(encoding="utf-8").splitlines()
    settings = dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))
    for name in set(REQUIRED.findall(compose_text)):
        assert name in settings, name
    for name in SECRETS:
        assert settings[name] == "", f"{name} must be empty in the example"


# ---- haproxy.cfg ------------------------------------------------------------------------------------------------------


def _directives(cfg: str) -> list[str]:
    return [" ".join(line.split("#", 1)[0].split()) for line in cfg.splitlines() if line.split("#", 1)[0].strip()]


def test_haproxy_sticky_sessions_websockets_and_health(haproxy):
    lines = _directives(haproxy)
    assert "mode http" in lines
    assert "balance roundrobin" in lines
    assert any(re.fullmatch(r"cookie UCJSRV insert indirect nocache( \w+)*", line) for line in lines)
    assert "timeout tunnel 1h" in lines
    assert "option httpchk GET /_stcore/health" in lines
    assert "http-request set-header X-Forwarded-For %[src]" in lines
    assert "option forwardfor" not in lines, "appending to X-Forwarded-For would let a client forge its address"


def test_haproxy_lists_every_app_service(haproxy, app_services):
    servers = {}
    for line in _directives(haproxy):
        if line.startswith("server "):
            parts = line.split()
            servers[parts[1]] = parts
    assert set(servers) == set(app_services)
    for name, parts in servers.items():
        assert parts[2] == f"{name}:8501", parts
        assert parts[parts.index("cookie") + 1] == name, "each replica its own cookie value"
    default_server = next(line for line in _directives(haproxy) if line.startswith("default-server "))
    assert " check" in f" {default_server}"


# ---- Dockerfile --------------------------------------------------------------------------------------------------------


def test_dockerfile_installs_pinned_requirements_then_builds_the_layers(dockerfile):
    copy_req = next(i for i, line in enumerate(dockerfile) if re.match(r"COPY (--\S+ )*requirements\.txt ", line))
    pip = next(i for i, line in enumerate(dockerfile) if line.startswith("RUN ") and "pip install -r requirements.txt" in line)
    build = next(i for i, line in enumerate(dockerfile) if line.startswith("RUN ") and "python -m ucj_dash build" in line)
    copy_all = next(i for i, line in enumerate(dockerfile) if re.match(r"COPY (--\S+ )*\. \.$", line))
    assert copy_req < pip < copy_all < build
    assert "--mount=type=bind,from=archives" in dockerfile[build], "the archives are mounted, never copied into the image"
    assert any(re.fullmatch(r"FROM scratch AS archives", line) for line in dockerfile)


def test_dockerfile_runtime(dockerfile):
    user = [i for i, line in enumerate(dockerfile) if line.startswith("USER ")]
    assert user and dockerfile[user[-1]].split()[1] not in ("root", "0")
    assert any(line.startswith("ENV ") and "PYTHONUNBUFFERED=1" in line for line in dockerfile)
    assert any(line.startswith("HEALTHCHECK ") and "/_stcore/health" in line for line in dockerfile)
    cmd = next(line for line in dockerfile if line.startswith("CMD "))
    for part in ('"streamlit", "run", "app.py"', '"--server.port", "8501"', '"--server.address", "0.0.0.0"',
                 '"--server.headless", "true"'):
        assert part in cmd


def test_no_secret_in_the_image(dockerfile):
    for line in dockerfile:
        if line.startswith(("ENV ", "ARG ", "LABEL ")):
            assert not re.search(r"PASSWORD|SECRET|UCJ_STORE_URL", line), line
        assert not re.search(r"postgresql://\w+:[^@$]+@", line), line


# ---- .dockerignore ---------------------------------------------------------------------------------------------------


def _ignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule, near enough: the last matching pattern wins; a match on a folder covers what is in it."""
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        variants = {pattern, pattern[3:]} if pattern.startswith("**/") else {pattern}
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        if any(fnmatch.fnmatchcase(prefix, v) for v in variants for prefix in prefixes):
            ignored = not negate
    return ignored


@pytest.mark.parametrize("path", [
    ".venv/bin/python", ".git/HEAD", "data/datasets/demo-peserta/meta.json", "data/audit.log",
    "geo/layers-20260101T000000-1/regions.parquet", "geo/layers", "geo/.build.lock", ".streamlit/secrets.toml",
    "deploy/.env", "ucj_dash/__pycache__/cli.cpython-311.pyc", "ucj_dash/text/locale/id/LC_MESSAGES/messages.mo",
])
def test_dockerignore_excludes(path):
    patterns = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if line.strip() and not line.startswith("#")]
    assert _ignored(path, patterns)


@pytest.mark.parametrize("path", [
    "requirements.txt", "app.py", ".streamlit/config.toml", "ucj_dash/cli.py", "ucj_dash/database/migrations/0001_initial.sql",
    "ucj_dash/text/locale/id/LC_MESSAGES/messages.po", "ui/state.py", "pages/data.py", "static", "geo/README.md",
])
def test_dockerignore_keeps_what_the_image_needs(path):
    patterns = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if line.strip() and not line.startswith("#")]
    assert (ROOT / path).exists(), path
    assert not _ignored(path, patterns)


# ---- the commands given to the CLI -----------------------------------------------------------------------------------


def _cli_commands(text: str) -> list[list[str]]:
    """Every ``python -m ucj_dash ...`` command line in ``text`` (continuation lines joined), as arguments."""
    commands = []
    for line in re.sub(r"\\\n", " ", text).splitlines():
        words = shlex.split(line, comments=True) if "python -m ucj_dash" in line else []
        for i in range(len(words) - 2):
            if words[i:i + 3] == ["python", "-m", "ucj_dash"]:
                commands.append(words[i + 3:])
    return commands


def _parse(monkeypatch, argv: list[str]) -> str:
    seen = []
    for handler in ("import_file", "migrate_command", "versions_command", "rollback_command", "export_command",
                    "plan_command"):
        monkeypatch.setattr(cli, handler, lambda args, _h=handler: seen.append(_h) or 0)
    monkeypatch.setattr(cli, "info", lambda: seen.append("info") or {})
    assert cli.main(argv) == 0, argv
    return seen[0]


def test_migrate_service_runs_a_cli_command(monkeypatch, services):
    assert _parse(monkeypatch, services["migrate"]["command"][3:]) == "migrate_command"


def test_readme_commands(monkeypatch):
    section = _readme_section()
    blocks = "\n".join(re.findall(r"```bash\n(.*?)```", section, re.S))
    for required in ("cp deploy/.env.example deploy/.env", "docker compose -f deploy/compose.yaml up -d --build",
                     "docker compose -f deploy/compose.yaml run --rm", "pg_dump"):
        assert required in blocks, required
    commands = _cli_commands(blocks)
    assert any(argv[0] == "import" for argv in commands)
    for argv in commands:
        _parse(monkeypatch, argv)
    # every compose service the README runs a command in exists
    services = load_compose((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))["services"]
    for name in re.findall(r"docker compose -f deploy/compose\.yaml (?:run --rm(?: -v \S+)?|exec -T|stop|start) ([\w ]+?)(?: python| pg_|\n|$)", blocks, re.M):
        for service in name.split():
            assert service in services, service
