"""What happens when the user picks a server action: one method per id of ``SERVER_ACTIONS``.

Power actions and the reinstall open a confirmation that names the server and its IP and
makes the call itself; the job it starts is then followed live on the server screen. The
password and IP-KVM credentials are fetched only on request and shown in a dialog that
forgets them when it closes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backend.contract import (
    KvmSession,
    NetworkAddress,
    PowerAction,
    ReinstallStarted,
    ServerCredentials,
    ServerDetail,
    ServerJob,
)
from hostui.frame.host import host_app
from hostui.i18n import _
from hostui.screens.dialogs.secret import SecretLine, Secrets, SecretScreen
from hostui.screens.orders.server_dialogs import PowerDialog, ReinstallDialog, ReverseDnsDialog, server_name
from hostui.widgets.formatting import day_time

if TYPE_CHECKING:
    from hostui.screens.orders.server import ServerScreen

__all__ = ["ServerHandlers"]


class ServerHandlers:
    def __init__(self, screen: ServerScreen) -> None:
        self.screen = screen

    @property
    def app(self):  # noqa: ANN201 - HostUIApp
        return host_app(self.screen)

    def _started(self, job: ServerJob | None) -> None:
        if job is not None:
            self.screen.track(job)
            self.screen.reload()  # the portal's verdict now: the other job actions wait for this one

    def _power(self, server: ServerDetail, action: PowerAction) -> None:
        self.app.push_screen(PowerDialog(server, action), self._started)

    # -- the actions (one per id in SERVER_ACTIONS)

    def reboot(self, server: ServerDetail) -> None:
        self._power(server, PowerAction.REBOOT)

    def disable(self, server: ServerDetail) -> None:
        self._power(server, PowerAction.DISABLE)

    def enable(self, server: ServerDetail) -> None:
        self._power(server, PowerAction.ENABLE)

    def block(self, server: ServerDetail) -> None:
        self._power(server, PowerAction.BLOCK)

    def reinstall(self, server: ServerDetail) -> None:
        def started(result: ReinstallStarted | None) -> None:
            if result is None:
                return
            self.screen.track(result.job)
            self.screen.reload()

            async def password() -> Secrets:
                return Secrets(
                    [SecretLine(_("Login"), server.login_user), SecretLine(_("Root password"), result.root_password, copy=True)],
                    _("Shown once: copy it now (c). It works once the reinstall has finished."),
                )

            self.app.push_screen(SecretScreen(_("New password · {hostname}").format(hostname=server.hostname), password, waiting=""))

        self.app.push_screen(ReinstallDialog(server), started)

    def kvm(self, server: ServerDetail) -> None:
        async def session() -> Secrets:
            kvm: KvmSession = await self.app.service.request_kvm(server.id)
            return Secrets(
                [
                    SecretLine(_("Console"), kvm.url, link=True),
                    SecretLine(_("User"), kvm.user),
                    SecretLine(_("Password"), kvm.password, copy=True),
                    SecretLine(_("Valid until"), day_time(kvm.expires_at)),
                ],
                _("Open the console link in a browser. The password works until the time above."),
            )

        self.app.push_screen(
            SecretScreen(_("IP-KVM · {server_name}").format(server_name=server_name(server)), session, waiting=_("Opening an IP-KVM session…"))
        )

    def credentials(self, server: ServerDetail) -> None:
        async def reveal() -> Secrets:
            found: ServerCredentials = await self.app.service.reveal_credentials(server.id)
            return Secrets(
                [SecretLine(_("Login"), found.login_user), SecretLine(_("Password"), found.password, copy=True)],
                _("c copies the password (OSC 52). Showing it is written to the account's audit log."),
            )

        self.app.push_screen(SecretScreen(_("Access · {server_name}").format(server_name=server_name(server)), reveal, waiting=_("Fetching the password…")))

    def rdns(self, server: ServerDetail) -> None:
        address = self.screen.highlighted_address()
        if address is None:
            self.app.notify(_("The server has no address to name."), severity="warning", markup=False)
            return

        def saved(result: NetworkAddress | None) -> None:
            if result is not None:
                name = result.reverse_dns or _("{default_reverse_dns} (default)").format(default_reverse_dns=result.default_reverse_dns)
                self.app.notify(_("Reverse DNS of {address}: {name}").format(address=result.address, name=name), markup=False)
                self.screen.reload()

        self.app.push_screen(ReverseDnsDialog(server, address), saved)
