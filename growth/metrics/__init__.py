"""The growth app's norms in core.compliance: RES.TRAINING, RES.ROTATION, RES.BACKBONE,
STUDIO.LARGE_SCHOOL, BASE.SCHOOLS and PSY.CERT (`norms`)."""

from growth.metrics import norms  # noqa: F401
