"""Settings come from the environment and fail loudly; production settings pass Django's checklist.

Each case starts a fresh `shezhi` process, because settings are read once, at start-up.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

# The variables settings.py reads; each test starts from none of them but SHEZHI_VAR_DIR.
SETTINGS_VARIABLES = {
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "SHEZHI_FIELD_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "DB_CONN_MAX_AGE",
    "REDIS_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_MINUTES",
    "SHEZHI_TESTING",
    "SHEZHI_VAR_DIR",
    "SHEZHI_NODE_MODULES",
    "SHEZHI_LOG_LEVEL",
}
# A key as `python -c "import secrets; print(secrets.token_urlsafe(50))"` makes one.
PRODUCTION_SECRET_KEY = "k3Jd9-vQz1XwYb7_Lm2Np4Rs6Tu8Vw0Xy2Za4Bc6De8Fg0Hi2Jk4Lm6No8Pq0Rs2Tu4"


def shezhi_command() -> list[str]:
    """The `shezhi` console script next to this Python, as the README tells people to run it."""
    script = Path(sys.executable).with_name("shezhi")
    return [str(script)] if script.exists() else [sys.executable, "-m", "shezhi"]


def run_shezhi(var_dir: Path, *args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    env.update(SHEZHI_VAR_DIR=str(var_dir), **variables)
    return subprocess.run(  # noqa: S603 (our own console script, fixed arguments)
        [*shezhi_command(), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def read_settings(var_dir: Path, *names: str, **variables: str) -> dict[str, str]:
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: str(getattr(settings, n)) for n in {list(names)!r}}}))"
    )
    result = run_shezhi(var_dir, "shell", "-c", code, **variables)
    assert result.returncode == 0, result.stderr
    values: dict[str, str] = json.loads(result.stdout.strip().splitlines()[-1])
    return values


def production(**overrides: str) -> dict[str, str]:
    return {
        "DEBUG": "0",
        "SECRET_KEY": PRODUCTION_SECRET_KEY,
        "SHEZHI_FIELD_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "shezhi.gd.example.cn",
        **overrides,
    }


def test_it_passes_the_deployment_checklist_with_production_settings(tmp_path: Path) -> None:
    result = run_shezhi(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **production())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_deployment_checklist_does_fail_in_development(tmp_path: Path) -> None:
    # The counterpart of the test above: the same command does notice an unsafe set-up.
    result = run_shezhi(tmp_path, "check", "--deploy", "--fail-level", "WARNING", DEBUG="1")
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr  # DEBUG on in deployment


def test_it_refuses_a_debug_value_that_is_not_a_boolean(tmp_path: Path) -> None:
    result = run_shezhi(tmp_path, "check", DEBUG="maybe")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG='maybe' is not a boolean" in result.stderr


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off(tmp_path: Path) -> None:
    variables = production()
    del variables["SECRET_KEY"]
    result = run_shezhi(tmp_path, "check", **variables)
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set when DEBUG is off" in result.stderr
    assert not (tmp_path / "secret_key").exists()  # never generated outside development


def test_it_refuses_to_start_without_a_field_key_when_debug_is_off(tmp_path: Path) -> None:
    variables = production()
    del variables["SHEZHI_FIELD_KEY"]
    result = run_shezhi(tmp_path, "check", **variables)
    assert result.returncode != 0
    assert "ImproperlyConfigured: SHEZHI_FIELD_KEY must be set when DEBUG is off" in result.stderr
    assert not (tmp_path / "field_key").exists()


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SHEZHI_FIELD_KEY", "not-a-key", "SHEZHI_FIELD_KEY must be Fernet keys"),
        ("AXES_FAILURE_LIMIT", "five", "AXES_FAILURE_LIMIT='five' is not a whole number"),
        ("DB_CONN_MAX_AGE", "1m", "DB_CONN_MAX_AGE='1m' is not a whole number"),
        ("DATABASE_URL", "oracle-ish://db", "DATABASE_URL is not a database URL"),
        ("SECURE_SSL_REDIRECT", "sometimes", "SECURE_SSL_REDIRECT='sometimes' is not a boolean"),
    ],
)
def test_it_names_the_variable_that_holds_a_bad_value(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    result = run_shezhi(tmp_path, "check", **production(**{variable: value}))
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {message}" in result.stderr


def test_it_generates_the_field_key_once_in_development_and_reuses_it(tmp_path: Path) -> None:
    first = read_settings(tmp_path, "SHEZHI_FIELD_KEY", "SECRET_KEY")
    key_file = tmp_path / "field_key"
    assert key_file.read_text().strip() == first["SHEZHI_FIELD_KEY"]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600  # readable by its owner only
    Fernet(first["SHEZHI_FIELD_KEY"].encode())  # a usable key, or this raises

    second = read_settings(tmp_path, "SHEZHI_FIELD_KEY", "SECRET_KEY")
    assert second == first  # reused: data encrypted yesterday still decrypts today

    elsewhere = read_settings(tmp_path / "other", "SHEZHI_FIELD_KEY")
    assert elsewhere["SHEZHI_FIELD_KEY"] != first["SHEZHI_FIELD_KEY"]  # generated, not built in


def test_a_field_key_from_the_environment_wins_and_nothing_is_written(tmp_path: Path) -> None:
    key = Fernet.generate_key().decode()
    values = read_settings(tmp_path, "SHEZHI_FIELD_KEY", SHEZHI_FIELD_KEY=key)
    assert values["SHEZHI_FIELD_KEY"] == key
    assert not (tmp_path / "field_key").exists()


def test_without_redis_tasks_run_in_process_and_with_it_celery_uses_redis(tmp_path: Path) -> None:
    names = ("CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER", "CACHES")
    embedded = read_settings(tmp_path, *names)
    assert embedded["CELERY_BROKER_URL"] == "memory://"
    assert embedded["CELERY_TASK_ALWAYS_EAGER"] == "True"

    redis_url = "redis://127.0.0.1:6379/15"
    served = read_settings(tmp_path, *names, REDIS_URL=redis_url)  # reads, never connects
    assert served["CELERY_BROKER_URL"] == redis_url
    assert served["CELERY_TASK_ALWAYS_EAGER"] == "False"
    assert "RedisCache" in served["CACHES"]


def test_production_settings_keep_cookies_secure_and_require_https(tmp_path: Path) -> None:
    values = read_settings(
        tmp_path,
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_HTTPONLY",
        "ALLOWED_HOSTS",
        **production(),
    )
    assert values == {
        "SESSION_COOKIE_SECURE": "True",
        "CSRF_COOKIE_SECURE": "True",
        "SECURE_SSL_REDIRECT": "True",
        "SECURE_HSTS_SECONDS": str(60 * 60 * 24 * 365),
        "SESSION_COOKIE_HTTPONLY": "True",
        "ALLOWED_HOSTS": "['shezhi.gd.example.cn']",
    }
