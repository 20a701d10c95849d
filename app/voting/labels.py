"""Words for the default options, from the interface's own translations."""

from flask_babel import lazy_gettext as _l

DEFAULT_LABELS = {"yes": _l("Yes"), "no": _l("No"), "abstain": _l("Abstain")}


def option_label(option):
    if option.key in DEFAULT_LABELS:
        return DEFAULT_LABELS[option.key]
    return option.label.shown()
