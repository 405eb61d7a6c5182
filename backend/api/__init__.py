"""The portal's HTTP API: a thin FastAPI adapter over the domain core (see app.create_app)."""
