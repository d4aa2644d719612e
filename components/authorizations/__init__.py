"""The Autorisaties API 1.1.0 component: applicaties, their autorisaties, and client credentials."""
