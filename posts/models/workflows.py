"""The custom workflow task of the editorial review."""

import json
import re

from django.utils import timezone
from wagtail.models import AbstractGroupApprovalTask, TaskState, WorkflowState

SKIPPED_COMMENT = "No translation in this post: the translation check was skipped."
RECHECK_COMMENT = (
    "A translation was added: the post goes back to the translation check."
)


def needs_translation_check(obj) -> bool:
    """Whether a page (as submitted) quotes a translation."""
    has_translation = getattr(obj, "has_translation", None)
    if callable(has_translation):
        return has_translation()
    body = getattr(obj, "body", None) or []
    return any(getattr(block, "block_type", None) == "translation" for block in body)


BLOCK_KEY = re.compile(r' data-block-key=\\?"[^"\\]*\\?"')


def translation_signature(obj) -> str:
    """The quoted translations of a page (or a revision's object) as one string:
    equal signatures mean the same translations, word for word."""
    body = getattr(obj, "body", None)
    raw = getattr(body, "raw_data", None) or []
    quoted = [
        block.get("value")
        for block in raw
        if isinstance(block, dict) and block.get("type") == "translation"
    ]
    if not quoted:
        return ""
    # The editor gives rich text new random block keys on every save.
    return BLOCK_KEY.sub("", json.dumps(quoted, sort_keys=True, default=str))


def translation_was_checked(page, revision=None) -> bool:
    """Whether a translator approved these very translations of `page` (those of
    `revision`, else of the live page). A post without one needs no check."""
    obj = revision.as_object() if revision is not None else page
    wanted = translation_signature(obj)
    if not wanted:
        return True
    approved = (
        TaskState.objects.filter(
            workflow_state__in=WorkflowState.objects.for_instance(page),
            task__in=TranslationCheckTask.objects.all(),
            status=TaskState.STATUS_APPROVED,
            revision__isnull=False,
        )
        .select_related("revision")
        .order_by("-finished_at")
    )
    return any(
        translation_signature(state.revision.as_object()) == wanted
        for state in approved
    )


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

    @classmethod
    def recheck(cls, workflow_state, user=None) -> bool:
        """Send a post back to the translation check when a translation was
        added after the check was skipped (e.g. while changes were requested).

        Returns whether the post went back to the check.
        """
        if (
            workflow_state is None
            or workflow_state.status != workflow_state.STATUS_IN_PROGRESS
        ):
            return False
        skipped = workflow_state.task_states.filter(
            status=TaskState.STATUS_SKIPPED, task__in=cls.objects.all()
        )
        if not skipped.exists():
            return False
        if not needs_translation_check(
            workflow_state.content_object.get_latest_revision_as_object()
        ):
            return False
        # The skipped step no longer counts as passed: the workflow's next task
        # is the translation check again.
        skipped.update(status=TaskState.STATUS_CANCELLED)
        current = workflow_state.current_task_state
        if current is not None and current.status == TaskState.STATUS_IN_PROGRESS:
            current.cancel(user=user, comment=RECHECK_COMMENT)
        else:
            workflow_state.update(user=user)
        return True

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
