"""用户管理: the accounts feature's view."""
