"""Use cases over the database: what the desktop app, the CLI and the exporters call.

Each service call is one transaction and speaks domain objects (``exchange_app.domain``).
"""

from exchange_app.services.workspace import (
    ImportResult,
    ProgramInfo,
    Revision,
    VersionInfo,
    Workspace,
    check_scenario,
    demo_database,
    export_scenario,
    export_schedule,
    import_file,
)

__all__ = [
    "ImportResult",
    "ProgramInfo",
    "Revision",
    "VersionInfo",
    "Workspace",
    "check_scenario",
    "demo_database",
    "export_scenario",
    "export_schedule",
    "import_file",
]
