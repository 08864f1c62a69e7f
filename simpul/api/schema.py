"""drf-spectacular extensions for Simpul's own API classes (loaded in ApiConfig.ready)."""

from drf_spectacular.authentication import SessionScheme


class VerifiedSessionScheme(SessionScheme):
    target_class = "simpul.api.authentication.VerifiedSessionAuthentication"
