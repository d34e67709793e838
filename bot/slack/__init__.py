"""The Slack bot: links posted in a channel → a threaded reply with the article's key points."""
