"""The one service protocol the TUI talks to; LocalService and RemoteService both satisfy it."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from backend.contract.account_settings import AccountSettings, AutoRenewRequest
from backend.contract.account_settings import (
    CodeWordRequest,
    IpRangesRequest,
    LoginQuery,
    LoginRecord,
    MailboxRequest,
    ProfileChangeRequest,
)
from backend.contract.models import (
    AccountSummary,
    Document,
    InvoiceDetail,
    InvoiceQuery,
    InvoiceRow,
    Page,
    PayLink,
    PaymentMethod,
    PaymentMethodCode,
    PaymentOutcome,
)
from backend.contract.orders import (
    KvmSession,
    NetworkAddress,
    OrderQuery,
    OrderRow,
    OsImageOption,
    PowerAction,
    ReinstallStarted,
    ServerCredentials,
    ServerDetail,
    ServerJob,
    TrafficPeriod,
    TrafficReport,
)
from backend.contract.tickets import (
    NewTicket,
    TicketChanges,
    TicketDetail,
    TicketQuery,
    TicketReply,
    TicketRow,
)


@runtime_checkable
class PortalService(Protocol):
    """Everything the logged-in customer can see and do. Every call is scoped to that customer:
    an id that belongs to someone else raises NotFound, exactly like an id that does not exist.
    """

    async def account(self) -> AccountSummary: ...

    # -- invoices
    async def list_invoices(self, query: InvoiceQuery) -> Page[InvoiceRow]: ...

    async def get_invoice(self, invoice_id: int) -> InvoiceDetail: ...

    async def find_invoice(self, number: str) -> InvoiceRow:
        """The invoice with this number as printed on it (``NH-000193``); NotFound otherwise."""
        ...

    async def payment_methods(self) -> list[PaymentMethod]: ...

    async def pay_invoice(
        self, invoice_id: int, method: PaymentMethodCode, idempotency_key: str
    ) -> PaymentOutcome: ...

    async def delete_invoice(self, invoice_id: int) -> InvoiceDetail: ...

    async def create_pay_link(self, invoice_id: int) -> PayLink: ...

    async def invoice_document(self, invoice_id: int) -> Document: ...

    async def quote_document(self, invoice_id: int) -> Document: ...

    async def export_invoices_csv(self, query: InvoiceQuery) -> Document: ...

    # -- orders
    async def list_orders(self, query: OrderQuery) -> Page[OrderRow]: ...

    async def get_order(self, order_id: int) -> OrderRow: ...

    async def find_order(self, number: str) -> OrderRow:
        """The order with this number as printed (``ORD-104825``); NotFound otherwise."""
        ...

    async def get_server(self, server_id: int) -> ServerDetail: ...

    async def reveal_credentials(self, server_id: int) -> ServerCredentials:
        """The server's login password, decrypted; each reveal is written to the audit trail."""
        ...

    async def request_kvm(self, server_id: int) -> KvmSession:
        """Fresh IP-KVM credentials, valid until ``expires_at``; refused where there is no IP-KVM."""
        ...

    async def set_reverse_dns(self, server_id: int, address: str, name: str) -> NetworkAddress:
        """Set the reverse DNS name of one of the server's addresses; "" resets it to the default."""
        ...

    async def os_images(self) -> list[OsImageOption]: ...

    async def renew_order(self, order_id: int, idempotency_key: str) -> InvoiceDetail:
        """Issue the invoice for the order's next billing period (once per key)."""
        ...

    # -- traffic
    async def traffic(self, server_id: int, period: TrafficPeriod) -> TrafficReport:
        """The server's traffic over the period, rolled up per hour, day or month, with this
        calendar month's 95th percentile and usage against the included traffic."""
        ...

    # -- server jobs (queued; the job runner carries them out)
    async def power(
        self, server_id: int, action: PowerAction, idempotency_key: str, code_word: str | None = None
    ) -> ServerJob:
        """Queue a reboot, disable, block or enable job (once per key). ServerBusy names the job
        already running; CodeWordRequired when the customer has a code word and none was sent."""
        ...

    async def reinstall(
        self,
        server_id: int,
        os_image: str,
        hostname_confirmation: str,
        idempotency_key: str,
        code_word: str | None = None,
    ) -> ReinstallStarted:
        """Queue a reinstall erasing the server; ``hostname_confirmation`` must be its hostname.
        The answer carries the new root password, shown once."""
        ...

    async def get_job(self, job_id: int) -> ServerJob: ...

    # -- tickets
    async def list_tickets(self, query: TicketQuery) -> Page[TicketRow]:
        """Newest activity first; paged, filtered and searched by the portal."""
        ...

    async def get_ticket(self, ticket_id: int) -> TicketDetail:
        """The ticket and its messages, oldest first. A pure read: ``mark_read`` marks it read."""
        ...

    async def find_ticket(self, number: str) -> TicketRow:
        """The ticket with this number as printed (``T-58123``); NotFound otherwise."""
        ...

    async def mark_read(self, ticket_id: int) -> TicketRow:
        """Read up to the newest message (what opening a ticket does); read already: unchanged."""
        ...

    async def mark_unread(self, ticket_id: int) -> TicketRow:
        """Make the newest message unread again; unread already: unchanged."""
        ...

    async def create_ticket(self, ticket: NewTicket, idempotency_key: str) -> TicketDetail:
        """Open a ticket (once per key); InvalidInput("order: ...") for an order not the customer's."""
        ...

    async def reply_ticket(self, ticket_id: int, reply: TicketReply, idempotency_key: str) -> TicketDetail:
        """Add the customer's message (once per key); a closed ticket opens again."""
        ...

    async def close_ticket(self, ticket_id: int) -> TicketRow: ...

    async def reopen_ticket(self, ticket_id: int) -> TicketRow: ...

    async def ticket_changes(self, cursor: str | None) -> TicketChanges:
        """Tickets changed since ``cursor`` (from the previous answer; None starts), the unread
        count and the next cursor: one indexed query when nothing changed."""
        ...

    # -- settings
    async def get_settings(self) -> AccountSettings:
        """Everything the Settings section shows, in one read."""
        ...

    async def set_auto_renew(self, request: AutoRenewRequest) -> AccountSettings:
        """Turn automatic renewal on or off for the account, or for one order (``enabled`` None:
        the order follows the account again); the settings as they are afterwards."""
        ...

    async def set_currency(self, code: str) -> AccountSettings:
        """Bill the account in this currency from now on; the balance is converted at the
        current rate, issued invoices keep theirs. InvalidInput for a currency not offered."""
        ...

    async def set_language(self, code: str) -> AccountSettings:
        """The language of the account ("en" or "de"): the portal's e-mails and PDFs use it."""
        ...

    # -- settings: mailboxes, security, logins, profile
    async def add_mailbox(self, request: MailboxRequest) -> AccountSettings:
        """Add an alternative mailbox for these categories. Conflict ("categories: ...") when a
        category is routed to another mailbox already: take it off there first."""
        ...

    async def update_mailbox(self, mailbox_id: int, request: MailboxRequest) -> AccountSettings: ...

    async def remove_mailbox(self, mailbox_id: int) -> AccountSettings:
        """Its categories go to the registration address again."""
        ...

    async def set_code_word(self, request: CodeWordRequest) -> AccountSettings:
        """Set, change or (empty) remove the code word. Forbidden for a wrong current password,
        which counts as a failed login; TooManyRequests while those lock the account out."""
        ...

    async def set_ip_ranges(self, request: IpRangesRequest) -> AccountSettings:
        """Replace the allowed IP ranges. LockoutRisk when they leave out the address in use
        (never for the in-process service, which has none) unless ``confirm_lockout``;
        CodeWordRequired / Forbidden when a code word is set and missing / wrong."""
        ...

    async def login_history(self, query: LoginQuery) -> Page[LoginRecord]:
        """Logins, and requests refused by the IP ranges, newest first."""
        ...

    async def request_profile_change(
        self, request: ProfileChangeRequest, idempotency_key: str | None = None
    ) -> TicketDetail:
        """Open a finance ticket asking for the change, prefilled with the current and the new
        value. The same key again answers with that ticket; None: a fresh key (a new ticket)."""
        ...

    async def aclose(self) -> None: ...
