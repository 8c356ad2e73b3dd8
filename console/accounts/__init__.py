"""Operator accounts: passwords, sign-in with lockout, users and their scopes, all audited."""
