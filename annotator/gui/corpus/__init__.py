"""The corpus views: figures across documents (framing, tone, actors, network, timeline, stories)."""
