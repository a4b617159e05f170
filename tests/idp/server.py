"""Run the test IdP: `python -m tests.idp.server SPEC.json` migrates a fresh SQLite file, creates
the users and the client application the spec names, then serves on 127.0.0.1:PORT until
killed. The spec: {"port", "db", "users": {username: {"password", "claims": {...}}},
"client_id", "client_secret", "redirect_uris": [...]}."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text())
    folder = Path(sys.argv[1]).parent
    claims_file = folder / "claims.json"
    claims_file.write_text(json.dumps({u: v.get("claims", {}) for u, v in spec["users"].items()}))
    os.environ["IDP_DB"] = str(spec["db"])
    os.environ["IDP_CLAIMS_FILE"] = str(claims_file)
    os.environ["IDP_KEY_FILE"] = str(folder / "key.pem")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.idp.settings"
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    for username, user in spec["users"].items():
        User.objects.create_user(username, password=user["password"])
    Application.objects.create(
        name="教研平台", client_id=spec["client_id"], client_secret=spec["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL, authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(spec["redirect_uris"]), algorithm=Application.RS256_ALGORITHM,
        skip_authorization=False)
    call_command("runserver", f"127.0.0.1:{spec['port']}", use_reloader=False, use_threading=True,
                 skip_checks=True)


if __name__ == "__main__":
    main()
