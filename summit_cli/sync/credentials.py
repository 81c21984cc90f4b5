"""A remote's password, read when a sync needs it: from an environment variable, or from a
command that prints it (``pass show team/caldav``, ``secret-tool lookup ...``, ``op read
...``). Never from a file of summits: the remotes file holds where the password comes
from, not the password.
"""

from __future__ import annotations

from summit_cli.errors import RemoteAuthFailed
from summit_cli.sync.remotes import Remote

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from summit_cli.cli.environment import Environment

COMMAND_TIMEOUT = 120.0  # seconds: a password manager may ask for its passphrase first


def password_for(remote: Remote, env: Environment) -> str | None:
    """The password of *remote* (None when it has none), RemoteAuthFailed when it cannot
    be had."""
    if remote.password_env:
        value = env.get(remote.password_env)
        if value is None:
            raise RemoteAuthFailed(
                f"{remote.name}: the environment variable {remote.password_env} (the password "
                f"of {remote.user}) is not set; set it, e.g. "
                f"read -rs {remote.password_env} && export {remote.password_env}"
            )
        return value
    if remote.password_command:
        return _run(remote, remote.password_command, env)
    return None


def _run(remote: Remote, command: str, env: Environment) -> str:
    import shlex
    import subprocess

    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise RemoteAuthFailed(
            f"{remote.name}: the password command cannot be read: {exc}"
        ) from None
    if not argv:
        raise RemoteAuthFailed(f"{remote.name}: the password command is empty")
    try:
        done = subprocess.run(
            argv,
            capture_output=True,
            timeout=COMMAND_TIMEOUT,
            env=dict(env.environ),
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise RemoteAuthFailed(
            f"{remote.name}: the password command {argv[0]!r} could not run: {exc}"
        ) from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = f": {said[-1][:200]}" if said else ""
        raise RemoteAuthFailed(
            f"{remote.name}: the password command {argv[0]!r} failed (exit status "
            f"{done.returncode}){detail}"
        )
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    if not lines or not lines[0]:
        raise RemoteAuthFailed(f"{remote.name}: the password command {argv[0]!r} printed nothing")
    return lines[0]  # pass(1) convention: the password is the first line
