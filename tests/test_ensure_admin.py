"""`make run` prints the admin address with the port it serves on."""

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.django_db
def test_ensure_admin_prints_the_port_from_the_environment(monkeypatch):
    monkeypatch.setenv("PORT", "8101")
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    assert "http://127.0.0.1:8101/admin/" in out.getvalue()
    assert get_user_model().objects.filter(is_superuser=True).count() == 1

    again = StringIO()
    call_command("ensure_admin", address="localhost:9000", stdout=again)
    assert "http://localhost:9000/admin/" in again.getvalue()
    assert get_user_model().objects.filter(is_superuser=True).count() == 1


def test_make_run_passes_its_host_and_port_to_ensure_admin():
    plan = subprocess.run(
        ["make", "-n", "setup", "PORT=8101", f"PYTHON={sys.executable}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "ensure_admin --address 127.0.0.1:8101" in plan
