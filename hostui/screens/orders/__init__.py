"""The Orders section: the orders list, server management (details, network, traffic), the
server's dialogs and the action handlers.

What other sections may use: the list screen.
"""

from hostui.screens.orders.list import OrdersScreen

__all__ = ["OrdersScreen"]
