"""What the installed app needs ships inside the wheel (a non-editable install must work)."""

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_wheel_carries_the_bundled_plan_and_resources(tmp_path):
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                          "-q", "-w", str(tmp_path), str(REPO)], capture_output=True, text=True,
                         timeout=240)
    assert out.returncode == 0, out.stderr[-3000:]
    wheel = next(tmp_path.glob("kanazawa_desktop-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "kanazawa_desktop/resources/plan_gyosei_keiei.json" in names
    assert "kanazawa_desktop/resources/seed_notes.md" in names
    assert "kanazawa_desktop/store/migrations/__init__.py" in names
    fonts = [n for n in names if n.startswith("kanazawa_desktop/resources/fonts/")]
    source_fonts = list((REPO / "kanazawa_desktop/resources/fonts").glob("*")) \
        if (REPO / "kanazawa_desktop/resources/fonts").exists() else []
    assert len(fonts) == len([p for p in source_fonts if p.is_file()])
    entry = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "kanazawa-desktop = kanazawa_desktop.cli:main" in entry
