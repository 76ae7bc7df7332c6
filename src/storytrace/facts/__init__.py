"""Facts stage: what sources state, compared across a story (first layer: numbers)."""
