"""The custom workflow task of the editorial review."""

from django.utils import timezone
from wagtail.models import AbstractGroupApprovalTask, TaskState

SKIPPED_COMMENT = "No translation in this post: the translation check was skipped."


def needs_translation_check(obj) -> bool:
    """Whether a page (as submitted) quotes a translation."""
    has_translation = getattr(obj, "has_translation", None)
    if callable(has_translation):
        return has_translation()
    body = getattr(obj, "body", None) or []
    return any(getattr(block, "block_type", None) == "translation" for block in body)


class TranslationCheckTask(AbstractGroupApprovalTask):
    """A translator checks a post's quoted translations before an editor sees it.

    Posts without a translation block pass through this step untouched: the
    step is recorded as skipped and the workflow moves on to the next task.
    """

    def start(self, workflow_state, user=None):
        obj = workflow_state.content_object
        revision = obj.get_latest_revision()
        submitted = revision.as_object() if revision else obj
        if needs_translation_check(submitted):
            return super().start(workflow_state, user=user)

        # Nothing to check: record the step as skipped. The workflow sees a
        # finished task state and starts the next task at once.
        task_state = self.get_task_state_class()(workflow_state=workflow_state)
        task_state.status = TaskState.STATUS_SKIPPED
        task_state.revision = revision
        task_state.task = self
        task_state.finished_at = timezone.now()
        task_state.comment = SKIPPED_COMMENT
        task_state.save()
        return task_state

    def get_actions(self, obj, user):
        if user.is_superuser or self._user_in_groups(user):
            return [
                ("reject", "Request changes to the translation", True),
                ("approve", "Approve the translation", False),
                ("approve", "Approve the translation with a comment", True),
            ]
        return []

    @classmethod
    def get_description(cls):
        return (
            "Members of the chosen groups check the quoted translations. "
            "Posts without a translation pass through this step."
        )

    class Meta:
        verbose_name = "Translation check"
        verbose_name_plural = "Translation checks"
