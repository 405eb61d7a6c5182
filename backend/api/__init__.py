"""The portal's HTTP API: a thin FastAPI adapter over the domain core (see app.create_app)."""

from backend.contract.models import build_all_models

# The contract's models are built on first use (for the TUI's start-up). The server uses them
# all: built here, before any route is declared, FastAPI makes its request and response
# adapters from finished models, and no first request pays for building one.
build_all_models()
