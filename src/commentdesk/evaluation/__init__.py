"""Offline evaluation and training of the moderation models on public labeled sets."""
