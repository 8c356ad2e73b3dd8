"""Role names as a dispatcher reads them (the top bar, 用户管理)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from console.core.roles import Role
from console.ui.kit.noop import QT_TRANSLATE_NOOP

ROLES = {
    Role.DISPATCHER: QT_TRANSLATE_NOOP("Roles", "Dispatcher"),
    Role.SUPERVISOR: QT_TRANSLATE_NOOP("Roles", "Supervisor"),
    Role.FIELD: QT_TRANSLATE_NOOP("Roles", "台区 manager"),
    Role.ADMINISTRATOR: QT_TRANSLATE_NOOP("Roles", "Administrator"),
    Role.VIEWER: QT_TRANSLATE_NOOP("Roles", "Read-only"),
}


def role_name(role: Role) -> str:
    return QCoreApplication.translate("Roles", ROLES[role])
