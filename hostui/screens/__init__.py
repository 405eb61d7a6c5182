"""hostui's screens: one package per section (its list, views, dialogs and action handlers),
beside the generic dialogs (``dialogs/``). The frame they are built on is ``hostui.frame``."""
