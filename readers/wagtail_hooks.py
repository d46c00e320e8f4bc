"""Admin registration for the "Readers" menu group.

Each screen lives in its own module (comment moderation, reader questions);
this file only gathers them.
"""

from wagtail_modeladmin.options import ModelAdminGroup, modeladmin_register

from readers import cache_hooks  # noqa: F401  (the page cache's hooks)
from readers.admin_comments import CommentAdmin
from readers.admin_questions import QuestionAdmin


@modeladmin_register
class ReadersGroup(ModelAdminGroup):
    menu_label = "Readers"
    menu_icon = "group"
    menu_order = 300
    items = (CommentAdmin, QuestionAdmin)
