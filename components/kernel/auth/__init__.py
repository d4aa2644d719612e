"""ZGW authentication and authorisation, framework-free so the gateway can share it."""
