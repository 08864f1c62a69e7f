"""drf-spectacular extensions for Simpul's own API classes (loaded in ApiConfig.ready)."""

from drf_spectacular.authentication import SessionScheme, TokenScheme


class VerifiedSessionScheme(SessionScheme):
    target_class = "simpul.api.authentication.VerifiedSessionAuthentication"


class ExpiringTokenScheme(TokenScheme):
    target_class = "simpul.api.authentication.ExpiringTokenAuthentication"
