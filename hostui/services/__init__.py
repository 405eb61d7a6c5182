"""The two implementations of backend.contract.PortalService.

Import ``hostui.services.local`` or ``hostui.services.remote`` directly: this package imports
neither, so remote mode never loads SQLAlchemy.
"""
