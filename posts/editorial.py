"""The editorial roles and the review workflow every post goes through.

Four groups share the work (see docs/editorial.md):

- Authors write posts under the blog and submit them for review.
- Translators do the same and approve the "Translation check" step.
- Editors approve the last step, publish, schedule, manage publications and
  the site settings.
- Moderators handle comments and reader questions; they publish no pages.

The functions take an optional ``apps`` registry so that the data migration
(posts/migrations/0002_editorial_roles.py) can call them with its historical
models, and the site calls them with the real ones.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db.models.signals import post_save

AUTHORS = "Authors"
TRANSLATORS = "Translators"
EDITORS = "Editors"
MODERATORS = "Moderators"
GROUPS = (AUTHORS, TRANSLATORS, EDITORS, MODERATORS)

WORKFLOW_NAME = "Editorial review"
TRANSLATION_TASK_NAME = "Translation check"
EDITOR_TASK_NAME = "Editor approval"
STARTER_APPROVAL_NAME = "Moderators approval"  # Wagtail's starter workflow
SITE_PAGES_APPROVAL_NAME = "Site pages approval"

ADMIN_ACCESS = ("wagtailadmin", "admin", "access_admin")

# Permissions held everywhere (Django's own model permissions).
MODEL_PERMISSIONS = {
    AUTHORS: [ADMIN_ACCESS],
    TRANSLATORS: [ADMIN_ACCESS],
    EDITORS: [
        ADMIN_ACCESS,
        ("posts", "publication", "add_publication"),
        ("posts", "publication", "change_publication"),
        ("posts", "publication", "delete_publication"),
        ("posts", "publication", "view_publication"),
        ("home", "sitesettings", "change_sitesettings"),
        ("readers", "commentsettings", "change_commentsettings"),
        # Editors turn reader questions into posts ("Answer in a post") and
        # bring in Blogger exports from the admin.
        ("readers", "readerquestion", "view_readerquestion"),
        ("readers", "readerquestion", "change_readerquestion"),
        ("posts", "bloggerimport", "add_bloggerimport"),
        ("posts", "bloggerimport", "view_bloggerimport"),
        # Old addresses keep working: editors look after the redirects.
        ("wagtailredirects", "redirect", "add_redirect"),
        ("wagtailredirects", "redirect", "change_redirect"),
        ("wagtailredirects", "redirect", "delete_redirect"),
        ("wagtailredirects", "redirect", "view_redirect"),
    ],
    MODERATORS: [
        ADMIN_ACCESS,
        ("readers", "comment", "view_comment"),
        ("readers", "comment", "change_comment"),
        ("readers", "readerquestion", "view_readerquestion"),
        ("readers", "readerquestion", "change_readerquestion"),
    ],
}

# Page permissions held on each blog (PostIndexPage) and so on every post in it.
# "add" lets a user create pages and edit the ones they own; "change" edits any.
BLOG_PAGE_PERMISSIONS = {
    AUTHORS: ["add_page"],
    TRANSLATORS: ["add_page"],
    EDITORS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}

# Page permissions held on each site's root (the home page): the site's own
# pages ("About", the ask page) are edited and published by Editors too.
SITE_PAGE_PERMISSIONS = {
    EDITORS: ["add_page", "change_page", "publish_page"],
}

# Image permissions on the root collection: authors put figures in their posts.
IMAGE_PERMISSIONS = {
    AUTHORS: ["add_image", "choose_image"],
    TRANSLATORS: ["add_image", "choose_image"],
    EDITORS: ["add_image", "change_image", "choose_image"],
}


def _model(apps, label):
    return (apps or global_apps).get_model(label)


def _permission(apps, app_label, model, codename):
    """The permission, or None while its app's migrations have not run yet
    (a later migration of this app gives it; see 0010)."""
    Permission = _model(apps, "auth.Permission")
    return Permission.objects.filter(
        content_type__app_label=app_label,
        content_type__model=model,
        codename=codename,
    ).first()


def _page_permission(apps, codename):
    return _permission(apps, "wagtailcore", "page", codename)


def ensure_groups(apps=None):
    """Create the four groups with exactly their permissions, and nothing more.

    Wagtail's starter "Editors" and "Moderators" groups are reused by name:
    whatever they held before (page, collection, site permissions) is replaced.
    """
    Group = _model(apps, "auth.Group")
    Collection = _model(apps, "wagtailcore.Collection")
    GroupPagePermission = _model(apps, "wagtailcore.GroupPagePermission")
    GroupCollectionPermission = _model(apps, "wagtailcore.GroupCollectionPermission")
    GroupSitePermission = _model(apps, "wagtailcore.GroupSitePermission")

    root_collection = Collection.objects.filter(depth=1).first()
    groups = {}
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        found = [_permission(apps, *spec) for spec in MODEL_PERMISSIONS[name]]
        group.permissions.set([permission for permission in found if permission])
        GroupPagePermission.objects.filter(group=group).delete()
        GroupSitePermission.objects.filter(group=group).delete()
        GroupCollectionPermission.objects.filter(group=group).delete()
        if root_collection is not None:
            for codename in IMAGE_PERMISSIONS.get(name, []):
                GroupCollectionPermission.objects.create(
                    group=group,
                    collection=root_collection,
                    permission=_permission(apps, "wagtailimages", "image", codename),
                )
        groups[name] = group
    return groups


def ensure_workflow(apps=None):
    """The "Editorial review" workflow: translation check, then editor approval."""
    Group = _model(apps, "auth.Group")
    ContentType = _model(apps, "contenttypes.ContentType")
    Workflow = _model(apps, "wagtailcore.Workflow")
    WorkflowTask = _model(apps, "wagtailcore.WorkflowTask")
    GroupApprovalTask = _model(apps, "wagtailcore.GroupApprovalTask")
    TranslationCheckTask = _model(apps, "posts.TranslationCheckTask")

    translation_task = TranslationCheckTask.objects.filter(
        name=TRANSLATION_TASK_NAME
    ).first()
    if translation_task is None:
        translation_task = TranslationCheckTask.objects.create(
            name=TRANSLATION_TASK_NAME,
            content_type=ContentType.objects.get_or_create(
                app_label="posts", model="translationchecktask"
            )[0],
        )
    translation_task.groups.set(Group.objects.filter(name=TRANSLATORS))

    editor_task = GroupApprovalTask.objects.filter(name=EDITOR_TASK_NAME).first()
    if editor_task is None:
        editor_task = GroupApprovalTask.objects.create(
            name=EDITOR_TASK_NAME,
            content_type=ContentType.objects.get_or_create(
                app_label="wagtailcore", model="groupapprovaltask"
            )[0],
        )
    editor_task.groups.set(Group.objects.filter(name=EDITORS))

    workflow, _ = Workflow.objects.get_or_create(
        name=WORKFLOW_NAME, defaults={"active": True}
    )
    if not workflow.workflow_tasks.exists():
        for order, task in enumerate((translation_task, editor_task)):
            WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=order)
    return workflow


def retire_moderator_page_approval(apps=None):
    """Moderators publish no pages: Wagtail's starter "Moderators approval" task
    (on the root page, for pages outside the blog) goes to Editors instead."""
    Group = _model(apps, "auth.Group")
    GroupApprovalTask = _model(apps, "wagtailcore.GroupApprovalTask")
    moderators = Group.objects.filter(name=MODERATORS).first()
    editors = Group.objects.filter(name=EDITORS).first()
    if moderators is None or editors is None:
        return
    Workflow = _model(apps, "wagtailcore.Workflow")
    for task in GroupApprovalTask.objects.filter(groups=moderators).exclude(
        name=EDITOR_TASK_NAME
    ):
        task.groups.remove(moderators)
        task.groups.add(editors)
        if task.name == STARTER_APPROVAL_NAME:
            task.name = SITE_PAGES_APPROVAL_NAME
            task.save(update_fields=["name"])
            Workflow.objects.filter(
                name=STARTER_APPROVAL_NAME, workflow_tasks__task=task
            ).update(name=SITE_PAGES_APPROVAL_NAME)


def ensure_editorial_workflow(blog, apps=None):
    """Give a blog the "Editorial review" workflow and the roles' page permissions.

    Called by the data migration for blogs that exist, and by a signal for every
    blog created later (demo content, the Blogger import, the admin).
    """
    WorkflowPage = _model(apps, "wagtailcore.WorkflowPage")
    Group = _model(apps, "auth.Group")
    GroupPagePermission = _model(apps, "wagtailcore.GroupPagePermission")
    Page = _model(apps, "wagtailcore.Page")

    Workflow = _model(apps, "wagtailcore.Workflow")
    # An existing workflow is used as the team left it (tasks, groups, active).
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        workflow = ensure_workflow(apps)
    page = Page.objects.get(pk=blog.pk)
    if workflow.active:
        WorkflowPage.objects.update_or_create(
            page=page, defaults={"workflow": workflow}
        )
    for name, codenames in BLOG_PAGE_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group, page=page, permission=_page_permission(apps, codename)
            )
    return workflow


def ensure_site_page_permissions(apps=None):
    """Give the roles of SITE_PAGE_PERMISSIONS their rights on every site's root."""
    Group = _model(apps, "auth.Group")
    GroupPagePermission = _model(apps, "wagtailcore.GroupPagePermission")
    Site = _model(apps, "wagtailcore.Site")
    roots = [site.root_page_id for site in Site.objects.all()]
    for name, codenames in SITE_PAGE_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        for root_id in roots:
            for codename in codenames:
                GroupPagePermission.objects.get_or_create(
                    group=group,
                    page_id=root_id,
                    permission=_page_permission(apps, codename),
                )


def create_permissions_now(apps):
    """Django creates model permissions after the last migration; a data
    migration that hands them out creates them from the historical models."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def set_up_editorial_roles(apps=None):
    """Everything the data migrations do, in order (safe to run again)."""
    ensure_groups(apps)
    workflow = ensure_workflow(apps)
    retire_moderator_page_approval(apps)
    for blog in _model(apps, "posts.PostIndexPage").objects.all():
        ensure_editorial_workflow(blog, apps)
    ensure_site_page_permissions(apps)
    return workflow


def _on_blog_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        ensure_editorial_workflow(instance)


def connect_signals():
    from posts.models import PostIndexPage

    post_save.connect(
        _on_blog_saved, sender=PostIndexPage, dispatch_uid="posts.editorial.blog"
    )
