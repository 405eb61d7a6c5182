"""The provider behind the portal: the data centre that powers, blocks and reinstalls servers.

``interface`` is what the job runner needs of any data centre; ``simulated`` is the one hostui
ships, whose jobs take time and can fail, so progress, failures and "server busy" are real
in the demo and in tests.
"""

from backend.provisioning.interface import Machine, Provisioning, ProvisioningError  # noqa: F401
