"""The test IdP's claims: each user's mapping values, from IDP_CLAIMS_FILE (JSON by username)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator


class ClaimsValidator(OAuth2Validator):  # type: ignore[misc]  # django-oauth-toolkit has no type information
    # Every claim goes into the ID token whatever the scopes (the tests check the mapping, not
    # the scope rules).
    oidc_claim_scope = None

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        claims: dict[str, dict[str, Any]] = json.loads(Path(os.environ["IDP_CLAIMS_FILE"]).read_text())
        return dict(claims.get(request.user.username, {}))
