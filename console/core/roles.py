"""Roles and what each may do: one table, checked by the domain APIs (a hidden button is a
courtesy, not a control). An operator's scope is the county or a set of supply stations."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    DISPATCHER = "dispatcher"  # 调度员
    SUPERVISOR = "supervisor"  # 班长/主任
    FIELD = "field"  # 台区经理 / field engineer
    ADMINISTRATOR = "administrator"  # 管理员
    VIEWER = "viewer"  # 只读


class Permission(StrEnum):
    VIEW = "view"  # read figures in the operator's scope
    READ_METERS = "read_meters"  # 点抄
    RUN_JOBS = "run_jobs"  # 立即执行 / 取消 a job
    HANDLE_ALARMS = "handle_alarms"  # acknowledge, shelve (the warning issue)
    DISPATCH = "dispatch"  # work orders and crews (the dispatch issue)
    FIELD_WORK = "field_work"  # take and sync back a field package
    EDIT_THRESHOLDS = "edit_thresholds"
    EDIT_SCHEDULE = "edit_schedule"
    IMPORT_ARCHIVE = "import_archive"
    BACKUP = "backup"  # back up and restore
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"  # read and export the audit log
    REMOTE_CONTROL = "remote_control"  # 费控 (the remote-control issue)


_ALL = frozenset(Permission)
PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: frozenset({Permission.VIEW}),
    Role.FIELD: frozenset({Permission.VIEW, Permission.READ_METERS, Permission.FIELD_WORK}),
    Role.DISPATCHER: frozenset(
        {
            Permission.VIEW,
            Permission.READ_METERS,
            Permission.RUN_JOBS,
            Permission.HANDLE_ALARMS,
            Permission.DISPATCH,
        }
    ),
    Role.SUPERVISOR: frozenset(
        {
            Permission.VIEW,
            Permission.READ_METERS,
            Permission.RUN_JOBS,
            Permission.HANDLE_ALARMS,
            Permission.DISPATCH,
            Permission.EDIT_THRESHOLDS,
            Permission.EDIT_SCHEDULE,
            Permission.REMOTE_CONTROL,
            Permission.VIEW_AUDIT,
        }
    ),
    Role.ADMINISTRATOR: _ALL,
}


def may(role: Role | None, permission: Permission) -> bool:
    return role is not None and permission in PERMISSIONS[role]
