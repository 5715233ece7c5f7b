"""Test-wide settings: Qt runs offscreen, and float warnings never pass silently."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
