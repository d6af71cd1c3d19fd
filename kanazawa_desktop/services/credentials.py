"""A server password kept by the operating system (Windows 資格情報マネージャー, macOS
キーチェーン, the Secret Service on Linux) through the keyring library — never in the app's
settings or any file of ours. Without a usable keyring (a server machine, CI) nothing is
kept and the window asks each time."""

from __future__ import annotations

from ..domain.location import Server

SERVICE = "kanazawa-desktop"


def _key(server: Server) -> str:
    return f"{server.user}@{server.host}:{server.port}/{server.dbname}"


def available() -> bool:
    try:
        import keyring
        from keyring.backends.fail import Keyring as NoKeyring

        return not isinstance(keyring.get_keyring(), NoKeyring)
    except Exception:  # noqa: BLE001 - any keyring trouble means: not available
        return False


def stored_password(server: Server) -> str | None:
    if not available():
        return None
    try:
        import keyring

        return keyring.get_password(SERVICE, _key(server))
    except Exception:  # noqa: BLE001 - a locked or broken keyring: ask instead
        return None


def store_password(server: Server, password: str) -> bool:
    """True when the OS now keeps it."""
    if not available():
        return False
    try:
        import keyring

        keyring.set_password(SERVICE, _key(server), password)
        return True
    except Exception:  # noqa: BLE001
        return False


def forget_password(server: Server) -> None:
    if not available():
        return
    try:
        import keyring

        keyring.delete_password(SERVICE, _key(server))
    except Exception:  # noqa: BLE001 - nothing kept is nothing to forget
        pass
