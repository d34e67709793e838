"""Keypoints: an article link in Slack → the story's key points, extracted offline."""

__version__ = "0.1.0"
