"""LocalService: the portal in-process, against the bundled database.

A thin adapter: each call runs the domain core in a worker thread (the database is
blocking) and returns the contract's models, exactly as the HTTP API would.

The domain modules are imported in that worker thread when first called, not when the
service is built: building it is on the way to the first screen, and most of them (the PDF
documents' fpdf above all) are not needed there. ``warm_up`` imports the ones a user reaches
by a key, in a thread, once the first screen is up.
"""

from __future__ import annotations

import asyncio
import importlib
import threading
from types import ModuleType
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from backend.contract import (
    AccountSettings,
    AccountSummary,
    AutoRenewRequest,
    CodeWordRequest,
    Document,
    InvoiceDetail,
    InvoiceQuery,
    InvoiceRow,
    IpRangesRequest,
    KvmSession,
    LoginQuery,
    LoginRecord,
    MailboxRequest,
    NetworkAddress,
    NewTicket,
    OrderQuery,
    OrderRow,
    OsImageOption,
    Page,
    PayLink,
    PaymentMethod,
    PaymentMethodCode,
    PaymentOutcome,
    PowerAction,
    ProfileChangeRequest,
    ReinstallStarted,
    ServerCredentials,
    ServerDetail,
    ServerJob,
    TicketChanges,
    TicketDetail,
    TicketQuery,
    TicketReply,
    TicketRow,
    TrafficPeriod,
    TrafficReport,
)

if TYPE_CHECKING:
    from backend.portal import Portal

# Everything _run calls but documents (see warm_up).
WARM_MODULES = (
    "accounts", "invoices", "payments", "orders", "servers", "kvm", "billing", "traffic", "server_jobs",
    "tickets", "ticket_changes", "account_settings", "mailboxes", "account_security", "login_history",
    "profile_changes",
)

ACTOR = "tui"
# Where in-process requests come from, as the audit trail and server jobs record it.
CLIENT_ADDRESS = "local"


def _domain(module: str) -> ModuleType:
    return importlib.import_module(f"backend.domain.{module}")


def _call(module: str, name: str, *args: object) -> Any:
    return getattr(_domain(module), name)(*args)


class LocalService:
    def __init__(self, portal: Portal, customer_id: int, *, carry_out_jobs: bool = False) -> None:
        """``carry_out_jobs``: no server runs this database's server jobs (a local profile), so
        this service starts their runner, in ``warm_up``: after the first screen, which the
        runner's imports and first claims would otherwise hold up by some 80 ms."""
        self._portal = portal
        self._customer_id = customer_id
        self._carry_out_jobs = carry_out_jobs
        self._job_runner = None
        # warm_up starts the runner in a thread while aclose may be stopping it on the loop.
        self._jobs_lock = threading.Lock()
        self._closed = False

    @property
    def portal(self) -> Portal:
        return self._portal

    async def _run(self, function: str, *args: object) -> Any:
        """``backend.domain.<module>.<function>(portal, *args)`` in a worker thread, where the
        module is imported on first use (the event loop never waits for an import)."""
        module, name = function.split(".")
        return await asyncio.to_thread(_call, module, name, self._portal, *args)

    def warm_up(self) -> None:
        """Once the first screen is up (blocking: run it in a thread): import the domain
        modules the sections call, so the first key that needs one does not wait for it (the
        PDF documents' are left to the first document: their save dialog is on screen
        meanwhile, and they weigh some 20 MiB); then start the job runner if this service
        carries out the jobs."""
        for module in WARM_MODULES:
            _domain(module)
        if self._carry_out_jobs:
            self.start_jobs()

    async def account(self) -> AccountSummary:
        return await self._run("accounts.account_summary", self._customer_id)

    async def list_invoices(self, query: InvoiceQuery) -> Page[InvoiceRow]:
        return await self._run("invoices.list_invoices", self._customer_id, query)

    async def get_invoice(self, invoice_id: int) -> InvoiceDetail:
        return await self._run("invoices.get_invoice", self._customer_id, invoice_id)

    async def find_invoice(self, number: str) -> InvoiceRow:
        return await self._run("invoices.find_invoice", self._customer_id, number)

    async def payment_methods(self) -> list[PaymentMethod]:
        return await self._run("payments.offered_methods")

    async def pay_invoice(
        self, invoice_id: int, method: PaymentMethodCode, idempotency_key: str
    ) -> PaymentOutcome:
        return await self._run(
            "payments.pay_invoice", self._customer_id, invoice_id, method, idempotency_key, ACTOR
        )

    async def delete_invoice(self, invoice_id: int) -> InvoiceDetail:
        return await self._run("invoices.delete_invoice", self._customer_id, invoice_id, ACTOR)

    async def create_pay_link(self, invoice_id: int) -> PayLink:
        return await self._run("invoices.create_pay_link", self._customer_id, invoice_id, ACTOR)

    async def invoice_document(self, invoice_id: int) -> Document:
        return await self._run("documents.invoice_pdf", self._customer_id, invoice_id)

    async def quote_document(self, invoice_id: int) -> Document:
        return await self._run("documents.quote_pdf", self._customer_id, invoice_id)

    async def export_invoices_csv(self, query: InvoiceQuery) -> Document:
        return await self._run("invoices.export_invoices_csv", self._customer_id, query)

    async def list_orders(self, query: OrderQuery) -> Page[OrderRow]:
        return await self._run("orders.list_orders", self._customer_id, query)

    async def get_order(self, order_id: int) -> OrderRow:
        return await self._run("orders.get_order", self._customer_id, order_id)

    async def find_order(self, number: str) -> OrderRow:
        return await self._run("orders.find_order", self._customer_id, number)

    async def get_server(self, server_id: int) -> ServerDetail:
        return await self._run("servers.get_server", self._customer_id, server_id)

    async def reveal_credentials(self, server_id: int) -> ServerCredentials:
        return await self._run("servers.reveal_credentials", self._customer_id, server_id, ACTOR, CLIENT_ADDRESS)

    async def request_kvm(self, server_id: int) -> KvmSession:
        return await self._run("kvm.request_kvm", self._customer_id, server_id, ACTOR, CLIENT_ADDRESS)

    async def set_reverse_dns(self, server_id: int, address: str, name: str) -> NetworkAddress:
        return await self._run(
            "servers.set_reverse_dns", self._customer_id, server_id, address, name, ACTOR, CLIENT_ADDRESS
        )

    async def os_images(self) -> list[OsImageOption]:
        return await self._run("servers.os_images")

    async def renew_order(self, order_id: int, idempotency_key: str) -> InvoiceDetail:
        return await self._run("billing.renew_order", self._customer_id, order_id, idempotency_key, ACTOR)

    async def traffic(self, server_id: int, period: TrafficPeriod) -> TrafficReport:
        return await self._run("traffic.traffic_report", self._customer_id, server_id, period)

    async def power(
        self, server_id: int, action: PowerAction, idempotency_key: str, code_word: str | None = None
    ) -> ServerJob:
        return await self._run(
            "server_jobs.power", self._customer_id, server_id, action, idempotency_key, code_word, ACTOR,
            CLIENT_ADDRESS,
        )

    async def reinstall(
        self,
        server_id: int,
        os_image: str,
        hostname_confirmation: str,
        idempotency_key: str,
        code_word: str | None = None,
    ) -> ReinstallStarted:
        return await self._run(
            "server_jobs.reinstall", self._customer_id, server_id, os_image, hostname_confirmation,
            idempotency_key, code_word, ACTOR, CLIENT_ADDRESS,
        )

    async def get_job(self, job_id: int) -> ServerJob:
        return await self._run("server_jobs.get_job", self._customer_id, job_id)

    async def list_tickets(self, query: TicketQuery) -> Page[TicketRow]:
        return await self._run("tickets.list_tickets", self._customer_id, query)

    async def get_ticket(self, ticket_id: int) -> TicketDetail:
        return await self._run("tickets.get_ticket", self._customer_id, ticket_id)

    async def find_ticket(self, number: str) -> TicketRow:
        return await self._run("tickets.find_ticket", self._customer_id, number)

    async def mark_read(self, ticket_id: int) -> TicketRow:
        return await self._run("tickets.mark_read", self._customer_id, ticket_id)

    async def mark_unread(self, ticket_id: int) -> TicketRow:
        return await self._run("tickets.mark_unread", self._customer_id, ticket_id)

    async def create_ticket(self, ticket: NewTicket, idempotency_key: str) -> TicketDetail:
        return await self._run("tickets.create_ticket", self._customer_id, ticket, idempotency_key, ACTOR)

    async def reply_ticket(self, ticket_id: int, reply: TicketReply, idempotency_key: str) -> TicketDetail:
        return await self._run("tickets.reply_ticket", self._customer_id, ticket_id, reply, idempotency_key, ACTOR)

    async def close_ticket(self, ticket_id: int) -> TicketRow:
        return await self._run("tickets.close_ticket", self._customer_id, ticket_id, ACTOR)

    async def reopen_ticket(self, ticket_id: int) -> TicketRow:
        return await self._run("tickets.reopen_ticket", self._customer_id, ticket_id, ACTOR)

    async def ticket_changes(self, cursor: str | None) -> TicketChanges:
        return await self._run("ticket_changes.ticket_changes", self._customer_id, cursor)

    async def get_settings(self) -> AccountSettings:
        return await self._run("account_settings.get_settings", self._customer_id, CLIENT_ADDRESS)

    async def set_auto_renew(self, request: AutoRenewRequest) -> AccountSettings:
        return await self._run("account_settings.set_auto_renew", self._customer_id, request, ACTOR, CLIENT_ADDRESS)

    async def set_currency(self, code: str) -> AccountSettings:
        return await self._run("account_settings.set_currency", self._customer_id, code, ACTOR, CLIENT_ADDRESS)

    async def set_language(self, code: str) -> AccountSettings:
        return await self._run("account_settings.set_language", self._customer_id, code, ACTOR, CLIENT_ADDRESS)

    # -- settings: mailboxes, security, logins, profile. The in-process service has no client
    # address ("local"): the allowed IP ranges guard the HTTP API, never this.

    async def add_mailbox(self, request: MailboxRequest) -> AccountSettings:
        return await self._run("mailboxes.add_mailbox", self._customer_id, request, ACTOR, CLIENT_ADDRESS)

    async def update_mailbox(self, mailbox_id: int, request: MailboxRequest) -> AccountSettings:
        return await self._run(
            "mailboxes.update_mailbox", self._customer_id, mailbox_id, request, ACTOR, CLIENT_ADDRESS
        )

    async def remove_mailbox(self, mailbox_id: int) -> AccountSettings:
        return await self._run("mailboxes.remove_mailbox", self._customer_id, mailbox_id, ACTOR, CLIENT_ADDRESS)

    async def set_code_word(self, request: CodeWordRequest) -> AccountSettings:
        return await self._run("account_security.set_code_word", self._customer_id, request, ACTOR, CLIENT_ADDRESS)

    async def set_ip_ranges(self, request: IpRangesRequest) -> AccountSettings:
        return await self._run("account_security.set_ip_ranges", self._customer_id, request, ACTOR, CLIENT_ADDRESS)

    async def login_history(self, query: LoginQuery) -> Page[LoginRecord]:
        return await self._run("login_history.login_history", self._customer_id, query)

    async def request_profile_change(
        self, request: ProfileChangeRequest, idempotency_key: str | None = None
    ) -> TicketDetail:
        return await self._run(
            "profile_changes.request_profile_change", self._customer_id, request, idempotency_key or uuid4().hex, ACTOR
        )

    # -- the job runner: with no hostui-server, this process carries out the server jobs

    @property
    def runs_jobs(self) -> bool:
        return self._job_runner is not None

    def start_jobs(self) -> None:
        """Run queued server jobs in this process until ``aclose`` (or ``stop_jobs``); jobs left
        running when a process died are resumed or failed here."""
        from backend.jobs.runner import JobRunner

        with self._jobs_lock:
            if self._job_runner is None and not self._closed:
                self._job_runner = JobRunner(self._portal).start()

    async def stop_jobs(self) -> None:
        """Stop the runner; a job in progress is handed back at its next step, for the next
        start to resume."""
        with self._jobs_lock:
            runner, self._job_runner = self._job_runner, None
        if runner is not None:
            await asyncio.to_thread(runner.stop)

    async def aclose(self) -> None:
        with self._jobs_lock:
            self._closed = True  # a warm-up still under way starts no runner now
        await self.stop_jobs()
        await asyncio.to_thread(self._portal.dispose)
