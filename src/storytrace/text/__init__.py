"""Text helpers: segmentation into paragraphs and sentences, and tokens."""
