"""Transactional outbox: a notification is written in the same transaction as the change it announces."""
