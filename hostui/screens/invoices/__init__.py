"""The Invoices section: the list, the invoice view and dialogs, and the action handlers.

What other sections may use (nothing else here is theirs to import): the list screen, and
``pay_invoice_dialog`` to pay an invoice they just had issued (Orders' "Renew").
"""

from hostui.screens.invoices.list import InvoicesScreen
from hostui.screens.invoices.payment import PaymentMethodScreen as pay_invoice_dialog

__all__ = ["InvoicesScreen", "pay_invoice_dialog"]
