"""Guard against PySide6 6.12.0 on CPython 3.11 (void methods drop a reference to None).

Tens of thousands of void calls abort the interpreter with `none_dealloc` on a bad build.
"""

import subprocess
import sys

SCRIPT = r"""
import os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication, QLabel
from PySide6.QtGui import QImage, QPainter, QColor
app = QApplication([])
label = QLabel()
img = QImage(64, 64, QImage.Format.Format_ARGB32)
p = QPainter(img)
for i in range(40000):
    label.setText("あ")
    p.save(); p.setPen(QColor("black")); p.drawRect(1, 1, 5, 5); p.restore()
p.end()
print("survived")
"""


def test_many_void_qt_calls_do_not_crash_python():
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "survived" in out.stdout
