"""The Presets menu's groups, and preset texts (light Markdown) as the rich text a label shows."""

import html
import re

from nnviz.data.toy import TOY_DEFAULTS

RECORDS = ("fast", "best", "best-conv")         # the speed/accuracy records, slowest last
FAILURES = ("dying-relu", "vanishing-sigmoid", "stuck-at-chance")
GROUPS = ("Seed networks", "Failures to diagnose", "2-D toys", "Records")


def preset_group(name, config):
    """Which group of the Presets menu a preset belongs to."""
    if name in RECORDS:
        return "Records"
    if name in FAILURES:
        return "Failures to diagnose"
    if config.dataset in TOY_DEFAULTS:
        return "2-D toys"
    return "Seed networks"


def grouped_presets(presets):
    """[(group, [(name, config), ...]), ...] in GROUPS order, empty groups left out."""
    groups = {group: [] for group in GROUPS}
    for name, config in presets:
        groups[preset_group(name, config)].append((name, config))
    return [(group, members) for group, members in groups.items() if members]


def markdown_to_html(text):
    """`code`, **bold** and *italic* as HTML; everything else escaped."""
    text = html.escape(text)
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
    text = re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", text)
    return re.sub(r"(?<![*\w])\*([^*\s][^*]*)\*", r"<i>\1</i>", text)
