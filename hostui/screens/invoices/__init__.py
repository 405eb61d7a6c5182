"""The Invoices section: the list, the invoice view and dialogs, and the action handlers."""

from hostui.screens.invoices.list import InvoicesScreen

__all__ = ["InvoicesScreen"]
