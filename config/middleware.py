"""Our middleware: security headers (the page cache is plumbing.middleware).

`SecurityHeadersMiddleware` adds a Content-Security-Policy to every response (the
public site gets a strict one without inline script; the Wagtail admin, whose
widgets still carry small inline scripts, gets a looser one of its own), a
Permissions-Policy, and X-Frame-Options on the responses that never reach
Django's clickjacking middleware (static files served by WhiteNoise).

Django 6 has a CSP middleware of its own, but 5.2 does not; one small middleware
keeps the behaviour identical on both lines. A response that already carries a
policy (a view that set its own) keeps it.
"""

from collections.abc import Callable, Mapping

from django.conf import settings
from django.http import HttpRequest, HttpResponse

SELF = "'self'"
NONE = "'none'"

# What the public pages need: our own CSS, images from anywhere over HTTPS (old
# posts link pictures hosted elsewhere, media may sit on object storage), and
# video embeds in iframes. No inline script, no inline style, no plug-ins.
PUBLIC_POLICY: dict[str, list[str]] = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, "data:", "https:"],
    "media-src": [SELF, "https:"],
    "font-src": [SELF],
    "frame-src": ["https:"],
    "connect-src": [SELF],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}

# The Wagtail admin renders inline <script> in some widgets (date pickers, inline
# panels) and inline styles; it frames its own previews.
ADMIN_POLICY: dict[str, list[str]] = {
    "default-src": [SELF],
    "script-src": [SELF, "'unsafe-inline'"],
    "style-src": [SELF, "'unsafe-inline'"],
    "img-src": [SELF, "data:", "blob:", "https:"],
    "media-src": [SELF, "blob:", "https:"],
    "font-src": [SELF, "data:"],
    "frame-src": [SELF, "https:"],
    "connect-src": [SELF],
    "worker-src": [SELF, "blob:"],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [SELF],
}

PERMISSIONS_POLICY = "camera=(), geolocation=(), microphone=(), payment=(), usb=()"


def build_policy(directives: Mapping[str, list[str]]) -> str:
    """`{"default-src": ["'self'"]}` -> `default-src 'self'`."""
    return "; ".join(
        " ".join([name, *sources]) if sources else name
        for name, sources in directives.items()
    )


class SecurityHeadersMiddleware:
    """Content-Security-Policy, Permissions-Policy and X-Frame-Options everywhere.

    Settings (all optional): `CSP_PUBLIC` and `CSP_ADMIN` (directive -> sources),
    `CSP_ADMIN_PATHS` (path prefixes that get the admin policy),
    `CSP_REPORT_ONLY` (send the Report-Only header instead, to try a change).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.public = build_policy(getattr(settings, "CSP_PUBLIC", PUBLIC_POLICY))
        self.admin = build_policy(getattr(settings, "CSP_ADMIN", ADMIN_POLICY))
        self.admin_paths = tuple(getattr(settings, "CSP_ADMIN_PATHS", ["/admin/"]))
        self.header = (
            "Content-Security-Policy-Report-Only"
            if getattr(settings, "CSP_REPORT_ONLY", False)
            else "Content-Security-Policy"
        )
        self.frame_options = getattr(settings, "X_FRAME_OPTIONS", "DENY")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header(self.header):
            admin = request.path.startswith(self.admin_paths)
            response[self.header] = self.admin if admin else self.public
        if not response.has_header("Permissions-Policy"):
            response["Permissions-Policy"] = PERMISSIONS_POLICY
        if not response.has_header("X-Frame-Options") and not getattr(
            response, "xframe_options_exempt", False
        ):
            response["X-Frame-Options"] = self.frame_options
        return response
