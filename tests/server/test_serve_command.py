"""``ragagent serve`` start-up: the bind safety rule, and the command's options."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ragagent.cli import app
from ragagent.errors import ConfigError
from ragagent.server import ServeOptions, check_bind
from ragagent.server.options import is_loopback


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host)
    check_bind(ServeOptions(host=host))  # no token needed


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "::", "example.com"])
def test_network_hosts_need_a_token_or_insecure(host: str) -> None:
    assert not is_loopback(host)
    with pytest.raises(ConfigError, match="RAGAGENT_API_TOKEN"):
        check_bind(ServeOptions(host=host))
    check_bind(ServeOptions(host=host, api_token="t"))
    check_bind(ServeOptions(host=host, insecure=True))


def test_cli_refuses_a_public_bind_without_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RAGAGENT_API_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--port", "8123"])
    assert result.exit_code == 2
    assert "refusing to listen on 0.0.0.0 without a token" in result.output


def test_cli_rejects_bad_options() -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["serve", "--port", "70000"]).exit_code == 2
    assert runner.invoke(app, ["serve", "--max-upload-mb", "0"]).exit_code == 2
    bad_llm = runner.invoke(app, ["serve", "--llm", "nonsense:x"])
    assert bad_llm.exit_code == 2 and "unknown model provider" in bad_llm.output


def test_serve_is_listed() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0 and "--max-upload-mb" in result.output and "--insecure" in result.output


def test_the_cli_does_not_import_the_server_until_serve_runs() -> None:
    import subprocess
    import sys

    code = ("import sys\nfrom ragagent.cli import main\nsys.argv = ['ragagent', 'serve', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('LOADED', sorted(m for m in ('fastapi', 'uvicorn', 'starlette', 'ragagent.server') "
            "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "LOADED []" in result.stdout, result.stdout + result.stderr
