"""The contract between the TUI and the portal: pydantic models, errors and the service protocol.

Pure pydantic: importing it never imports SQLAlchemy, so the TUI in remote mode stays light.
"""

from backend.contract.errors import *  # noqa: F403
from backend.contract.models import *  # noqa: F403
from backend.contract.service import PortalService  # noqa: F401
from backend.contract.orders import *  # noqa: F403
from backend.contract.tickets import *  # noqa: F403
from backend.contract.account_settings import *  # noqa: F403
