"""The REST toolkit every app's API uses (DRF): optimistic concurrency with ETag / If-Match, and
input serializers that refuse what they do not know. It lives in core so that an app's api.py
never imports the API router app (simpul.api), which imports every app's api.py."""
