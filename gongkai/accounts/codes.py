"""Audit action codes of logins and accounts (stable once released; labels in gongkai/auditlog/labels.py)."""

from __future__ import annotations

LOGIN = "auth.login"
LOGOUT = "auth.logout"
LOGIN_FAILED = "auth.login_failed"
LOCKED_OUT = "auth.locked_out"
UNLOCKED = "auth.unlocked"
PASSWORD_CHANGED = "account.password_changed"
PASSWORD_RESET = "account.password_reset"
PASSWORD_RESET_REQUESTED = "account.password_reset_requested"
TOTP_ADDED = "two_factor.totp_added"
RECOVERY_CODES_GENERATED = "two_factor.recovery_codes_generated"
DEVICE_REMOVED = "two_factor.device_removed"
TWO_FACTOR_RESET = "two_factor.reset"
VERIFIED = "two_factor.verified"
RECOVERY_CODE_USED = "two_factor.recovery_code_used"
CODE_FAILED = "two_factor.failed"
