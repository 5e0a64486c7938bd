"""The deployment files in docs/: the nginx config template and the sample environment file.

docs/deploy.md shows the template rendered with PRODUCTION, and the sample file verbatim;
tests/test_deploy.py checks they agree, and the browser test behind nginx renders the same template.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).absolute().parents[1]
DEPLOY_DOC = ROOT / "docs" / "deploy.md"
NGINX_TEMPLATE = ROOT / "docs" / "nginx" / "forum.conf.template"
ENV_SAMPLE = ROOT / "docs" / "forum.env.sample"

# The values docs/deploy.md shows.
PRODUCTION = {
    "SERVER_NAME": "forum.example.org",
    "HTTP_LISTEN": "80",
    "HTTP_LISTEN6": "[::]:80",
    "HTTPS_LISTEN": "443",
    "HTTPS_LISTEN6": "[::]:443",
    "CERTIFICATE": "/etc/letsencrypt/live/forum.example.org/fullchain.pem",
    "CERTIFICATE_KEY": "/etc/letsencrypt/live/forum.example.org/privkey.pem",
    "LOG_DIR": "/var/log/nginx",
    "STATIC_ROOT": "/srv/forum/static",
    "UPSTREAM": "127.0.0.1:8000",
}
_PLACEHOLDER = re.compile(r"@([A-Z0-9_]+)@")


def render_nginx(values: dict[str, str]) -> str:
    """The nginx site config with every @NAME@ replaced; every name must be given, and no other."""
    template = NGINX_TEMPLATE.read_text()
    names = set(_PLACEHOLDER.findall(template))
    assert names == set(values), f"placeholders {sorted(names)} vs values {sorted(values)}"
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def code_blocks(markdown: str, language: str = "") -> list[str]:
    """The fenced code blocks of a Markdown text (those opened with ```language, if given)."""
    pattern = re.compile(r"^```" + re.escape(language) + r"[^\n]*\n(.*?)^```$", re.MULTILINE | re.DOTALL)
    return pattern.findall(markdown)
