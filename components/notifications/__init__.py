"""The Notificaties API 1.0.1 component: kanalen, abonnementen, notificaties and their delivery."""
