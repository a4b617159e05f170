"""The liaison app's norms in core.compliance: RES.LINK_MIN, RES.LINK_RANGE, RES.LINK_LEVEL,
RES.ONSITE, RES.ROUND, RES.EXCHANGE (liaison.metrics.links)."""

from liaison.metrics import links  # noqa: F401
