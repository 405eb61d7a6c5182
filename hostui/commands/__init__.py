"""The command line beside the TUI: one module per section, sharing the same layer.

A section module (``invoices``; Orders, Tickets and Settings follow the same pattern) has
``register(commands)``, which adds its subcommands to the ``hostui`` parser, each with
``set_defaults(run=function)``. ``hostui.cli`` parses and calls ``args.run(args)``; the function
builds its request from the arguments and calls ``_common.run_with_service(args, action)``,
where ``action(service)`` talks to the profile's ``PortalService`` and prints with
``_output`` (JSON of contract models, tables, key: value blocks, files). Failures are
``CommandError`` or ``ServiceError`` and end as one line on stderr with the exit codes listed
in ``_common``.
"""
