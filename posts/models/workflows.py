"""The custom workflow task of the editorial review."""

from wagtail.models import AbstractGroupApprovalTask


class TranslationCheckTask(AbstractGroupApprovalTask):
    """A translator checks a post's quoted translations before an editor sees it.

    Posts without a translation block pass through this step untouched.
    """

    class Meta:
        verbose_name = "Translation check"
        verbose_name_plural = "Translation checks"
