"""Audit trail: who changed what, with old and new values (the ZGW `/audittrail` resources)."""
