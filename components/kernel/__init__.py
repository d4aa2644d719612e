"""Shared plumbing every component imports: settings, ZGW auth, errors, audit, outbox, health.

The `auth` subpackage is framework-free so the ASGI gateway can use it without Django.
"""
