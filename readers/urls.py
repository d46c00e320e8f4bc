"""Public endpoints for what readers send (comments, feeds)."""

app_name = "readers"

urlpatterns: list = []
