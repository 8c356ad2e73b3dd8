"""The accounts feature: a window part whose API signs operators in and manages accounts (the
sign-in dialog and 系统管理 use it; ``smc user`` uses ``Accounts`` directly)."""

from __future__ import annotations

from console.accounts.service import Accounts
from console.core.features import FeatureSpec, Infrastructure


class AccountsWindowPart:
    def __init__(self, infra: Infrastructure) -> None:
        self.api = Accounts(infra.session_factory, infra.clock)

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


FEATURE = FeatureSpec("accounts", window=AccountsWindowPart)
