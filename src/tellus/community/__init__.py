"""The community hub: discussions, blogs, polls and direct dialogue with the destination."""
