"""commentdesk: a self-hosted comment platform for news sites."""

__version__ = "0.1.0"
