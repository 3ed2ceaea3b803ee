"""Real git servers on 127.0.0.1, started by a test and stopped by it: git http-backend
behind lighttpd, and gitolite behind sshd. Each runs as a serving user of its own, created
for the test (``useradd``) and removed after it, and the hooks run as that user with a
hotfix-hooks it can run: a virtual environment made by the system's python3 outside any
home directory (the venv made by root's own Python would be out of its reach; that case
has its own test). Needs root, as CI has.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests import realtools
from tests.realtools import PROJECT

SYSTEM_PYTHON = "/usr/bin/python3"
SERVER_PATH = "/usr/local/bin:/usr/bin:/bin"


def run(
    *args: str | Path,
    user: str | None = None,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """A command, as ``user`` when given (``runuser``, with that user's HOME and a plain
    PATH, as a server would start it)."""
    argv = [str(a) for a in args]
    full_env = dict(env if env is not None else os.environ)
    if user is not None:
        home = Path(os.path.expanduser(f"~{user}"))
        full_env = {"HOME": str(home), "PATH": SERVER_PATH, "USER": user, "LANG": "C.UTF-8"}
        full_env.update(env or {})
        argv = [sbin("runuser"), "-u", user, "--", *argv]
    proc = subprocess.run(
        argv, cwd=cwd, env=full_env, capture_output=True, text=True, input=input, timeout=300
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"{argv} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def sbin(name: str) -> str:
    """A system program by its absolute path (/usr/sbin is not on every PATH)."""
    found = shutil.which(name, path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin:/usr/bin:/bin")
    if found is None:
        raise AssertionError(f"{name} not found")
    return found


def world_dir(prefix: str) -> Path:
    """A directory every user may enter (pytest's own tmp directory is root's alone)."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    path.chmod(0o755)
    return path


@dataclass
class User:
    name: str
    home: Path


@contextmanager
def serving_user(kind: str) -> Iterator[User]:
    """A fresh system user with a home directory of its own, removed afterwards."""
    name = f"hh-{kind}-{secrets.token_hex(3)}"
    base = world_dir(f"hh-{kind}-")
    home = base / name
    run(
        sbin("useradd"),
        "--create-home",
        "--home-dir",
        home,
        "--shell",
        "/bin/sh",
        "--user-group",
        name,
    )
    run(sbin("usermod"), "-p", "*", name)  # no password, yet not "locked" (sshd refuses those)
    home.chmod(0o755)
    try:
        yield User(name, home)
    finally:
        subprocess.run((sbin("userdel"), name), capture_output=True, check=False)
        shutil.rmtree(base, ignore_errors=True)


def _source_digest() -> str:
    digest = hashlib.sha256()
    for root in ("hotfix_hooks", "templates"):
        for path in sorted((PROJECT / root).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(PROJECT)).encode() + b"\0" + path.read_bytes())
    for name in realtools.SNAPSHOT_FILES:  # pyproject.toml, hatch_build.py, ...
        if (PROJECT / name).exists():
            digest.update((PROJECT / name).read_bytes())
    return digest.hexdigest()[:16]


def serving_venv() -> Path:
    """This checkout installed (not editable) into a venv of the system's python3, where
    any user can run it: made once per source state and shared by the test workers."""
    base = Path("/tmp") / f"hh-serving-venv-{_source_digest()}"
    done = base / ".complete"
    lock = Path("/tmp") / f"{base.name}.lock"
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(base, ignore_errors=True)
            run(SYSTEM_PYTHON, "-m", "venv", base)
            source = realtools.copy_project(world_dir("hh-source-"))
            run(base / "bin" / "pip", "install", "--quiet", "--disable-pip-version-check", source)
            shutil.rmtree(source, ignore_errors=True)
            done.write_text("")
    return base


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{what} exited ({process.returncode}) before listening")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"{what} did not listen on 127.0.0.1:{port} within 20 s")


@contextmanager
def started(argv: list[str], port: int, what: str, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process, what)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# -- git http-backend behind lighttpd --------------------------------------------------------

LIGHTTPD_CONF = """\
server.modules = ("mod_alias", "mod_cgi", "mod_setenv")
server.bind = "127.0.0.1"
server.port = {port}
server.document-root = "{root}"
server.username = "{user}"
server.groupname = "{user}"
server.errorlog = "{root}/lighttpd-error.log"
server.pid-file = "{root}/lighttpd.pid"
alias.url = ("/git" => "{backend}")
$HTTP["url"] =~ "^/git/" {{
    cgi.assign = ("" => "")
    setenv.add-environment = (
        "GIT_PROJECT_ROOT" => "{repos}",
        "GIT_HTTP_EXPORT_ALL" => "1",
        "REMOTE_USER" => "tester",
        "PATH" => "{path}",
        "HOME" => "{home}",
    )
}}
"""


@dataclass
class HttpServer:
    user: User
    repos: Path
    url: str  # of the repositories' root: {url}/app.git

    def bare(self, name: str = "app.git") -> Path:
        """A bare repository the serving user owns, accepting pushes over HTTP."""
        path = self.repos / name
        run("git", "init", "-q", "--bare", path, user=self.user.name)
        run("git", "-C", path, "config", "http.receivepack", "true", user=self.user.name)
        return path


@contextmanager
def http_server() -> Iterator[HttpServer]:
    with serving_user("http") as user:
        root = user.home / "www"
        repos = user.home / "repos"
        for directory in (root, repos):
            run("mkdir", "-p", directory, user=user.name)
        port = free_port()
        conf = root / "lighttpd.conf"
        backend = realtools.path_of("git-http-backend")
        conf.write_text(
            LIGHTTPD_CONF.format(
                port=port,
                root=root,
                user=user.name,
                backend=backend,
                repos=repos,
                path=SERVER_PATH,
                home=user.home,
            )
        )
        lighttpd = str(realtools.path_of("lighttpd"))
        log = root / "lighttpd.out"
        with started([lighttpd, "-D", "-f", str(conf)], port, "lighttpd", log):
            yield HttpServer(user, repos, f"http://127.0.0.1:{port}/git")


# -- gitolite behind sshd ---------------------------------------------------------------------

SSHD_CONFIG = """\
Port {port}
ListenAddress 127.0.0.1
HostKey {hostkey}
PidFile {root}/sshd.pid
AuthorizedKeysFile .ssh/authorized_keys
AllowUsers {user}
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin no
LogLevel ERROR
"""


@dataclass
class Gitolite:
    user: User
    ssh_env: dict[str, str]  # GIT_SSH_COMMAND for the admin's key
    address: str  # user@127.0.0.1

    @property
    def repositories(self) -> Path:
        return self.user.home / "repositories"

    def url(self, repo: str) -> str:
        return f"ssh://{self.address}/{repo}"

    def as_gitolite(
        self, *args: str | Path, cwd: Path | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        return run(*args, user=self.user.name, cwd=cwd, check=check)


@contextmanager
def gitolite_server(client_home: Path, port: int | None = None) -> Iterator[Gitolite]:
    """gitolite set up for a fresh user, its admin key the client's; sshd on 127.0.0.1."""
    with serving_user("gl") as user:
        keys = world_dir("hh-keys-")
        try:
            run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", keys / "admin")
            run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", keys / "hostkey")
            (keys / "admin.pub").chmod(0o644)
            run(realtools.path_of("gitolite"), "setup", "-pk", keys / "admin.pub", user=user.name)
            port = port or free_port()
            conf = keys / "sshd_config"
            conf.write_text(
                SSHD_CONFIG.format(port=port, hostkey=keys / "hostkey", root=keys, user=user.name)
            )
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation
            sshd = str(realtools.path_of("sshd"))
            ssh = (
                f"ssh -i {keys / 'admin'} -o IdentitiesOnly=yes -o BatchMode=yes "
                "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
            )
            with started([sshd, "-D", "-e", "-f", str(conf)], port, "sshd", keys / "sshd.log"):
                yield Gitolite(user, {"GIT_SSH_COMMAND": ssh}, f"{user.name}@127.0.0.1:{port}")
        finally:
            shutil.rmtree(keys, ignore_errors=True)
