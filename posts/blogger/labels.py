"""The addresses Blogger gave a label, as Wagtail's redirect middleware looks them up.

Blogger links a label as ``/search/label/`` plus its name percent-encoded
(``c%2B%2B``, ``Culture%20%26%20Society``, ``c%23``); other sites often write a
space as ``+``. Django decodes the path and the middleware asks for
``request.get_full_path()``, which encodes it again but leaves ``+``, ``&``
and the like as they are: so ``c%2B%2B`` and ``c++`` arrive as the same
``/search/label/c++``. The stored redirect must use that form, not
``quote(name)``.
"""

from django.utils.encoding import escape_uri_path
from wagtail.contrib.redirects.models import Redirect


def old_label_paths(name: str) -> list[str]:
    """Every normalised old path that meant the label ``name``, main form first."""
    name = name.strip()
    paths = [Redirect.normalise_path(escape_uri_path(f"/search/label/{name}"))]
    if " " in name and "+" not in name:
        plus = escape_uri_path(f"/search/label/{name.replace(' ', '+')}")
        paths.append(Redirect.normalise_path(plus))
    return paths
