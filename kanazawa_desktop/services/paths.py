"""Where things live: the default database file and the bundled plan data."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from platformdirs import user_data_path

from ..domain.location import Location, parse_location

ENV_DB = "KANAZAWA_DESKTOP_DB"
APP_DIR = "kanazawa-desktop"


def default_db_path() -> Location:
    """$KANAZAWA_DESKTOP_DB (a file, or a server's postgresql://…), else desk.sqlite3 in the
    user's data folder."""
    env = os.environ.get(ENV_DB)
    if env:
        return parse_location(env)
    return user_data_path(APP_DIR, appauthor=False) / "desk.sqlite3"


def own_file_path() -> Path:
    """This PC's own database file: $KANAZAWA_DESKTOP_DB when it names a file, else the one in
    the user's data folder (where a window on a server goes back to)."""
    location = default_db_path()
    if isinstance(location, Path):
        return location
    return user_data_path(APP_DIR, appauthor=False) / "desk.sqlite3"


# the plans a database holds from the start, in the order the window offers them: (code, file)
BUNDLED_PLANS = (
    ("gyosei_keiei", "plan_gyosei_keiei.json"),
    ("sogo_senryaku_3", "plan_sogo_senryaku_3.json"),
    ("digital_2", "plan_digital_2.json"),
)


def bundled_plan_bytes(name: str = "plan_gyosei_keiei.json") -> bytes:
    return resources.files("kanazawa_desktop.resources").joinpath(name).read_bytes()


def bundled_plans() -> list[tuple[str, str]]:
    """The bundled plans whose data this installation ships."""
    root = resources.files("kanazawa_desktop.resources")
    return [(code, name) for code, name in BUNDLED_PLANS if root.joinpath(name).is_file()]
