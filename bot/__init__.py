"""Keypoints: an article link in Slack → the story's key points, extracted offline."""

__version__ = "0.1.0"

import os as _os

# The summariser multiplies small matrices; OpenBLAS worker threads cost more than they save
# there and keep spinning after each call, stealing CPU from the event loop. Must be set
# before numpy is first imported; an operator's own setting wins.
_os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
