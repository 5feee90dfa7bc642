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
TOTP_ADDED = "2fa.totp_added"
RECOVERY_CODES_GENERATED = "2fa.recovery_codes_generated"
DEVICE_REMOVED = "2fa.device_removed"
TWO_FACTOR_RESET = "2fa.reset"
VERIFIED = "2fa.verified"
RECOVERY_CODE_USED = "2fa.recovery_code_used"
CODE_FAILED = "2fa.failed"
