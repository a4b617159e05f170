"""IRT calibration runs (queued, executed by the worker)."""


from __future__ import annotations

import numpy as np
from django.db import transaction
from django.utils import timezone

from core.audit import audit_create
from core.errors import DomainError
from core.models import User
from quality.models import (
    IrtRun,
    JobStatus,
    Paper,
)
from quality.services.base import ServiceError, logger

# ---------------------------------------------------------------- IRT


@transaction.atomic
def irt_request(*, actor: User | None, paper: Paper, model: str) -> IrtRun:
    if model not in ("2PL", "GRM"):
        raise ServiceError("模型只能是 2PL 或 GRM")
    run = IrtRun.objects.create(paper=paper, model=model, created_by=actor if actor and actor.pk else None)
    audit_create(actor, run)
    from quality.tasks import irt_calibrate

    transaction.on_commit(lambda: irt_calibrate.enqueue(run.pk))
    return run


IRT_DATA_ERROR = ("这些成绩不能用所选模型估计：作答人数太少，或有题目所有学生得分相同（每道题至少要有两种得分）。"
                  "请检查小题分，或换用其他模型。")
IRT_NUMERIC_ERROR = "模型估计没有得到稳定的结果（数值计算不收敛）。请检查小题分，或换用其他模型。"


def irt_execute(*, run_id: int) -> IrtRun:
    """The task body: calibrate, store item parameters and a summary of abilities."""
    from quality.analysis.irt import calibrate

    run = IrtRun.objects.select_related("paper__exam").get(pk=run_id)
    run.status = JobStatus.RUNNING
    run.save(update_fields=["status"])
    try:
        run.result = calibrate(run.paper, run.model)
        run.status = JobStatus.DONE
    except DomainError as exc:
        # The model does not apply to these data: the page shows why, in the message written for it.
        run.status = JobStatus.FAILED
        run.error = str(exc)
    except (ValueError, np.linalg.LinAlgError, FloatingPointError) as exc:
        # The fitting routines refused their input (their ValueError, in English) or the numerics
        # broke down: the page says it in plain Chinese; the technical reason goes to the log.
        logger.warning("IRT run %s failed: %s: %s", run.pk, type(exc).__name__, exc)
        run.status = JobStatus.FAILED
        run.error = (IRT_NUMERIC_ERROR if not isinstance(exc, ValueError) else IRT_DATA_ERROR)
    except BaseException:
        # A programming error: the run must not stay "running" for ever, and the error must
        # still reach the worker's log, so it is recorded and raised again.
        run.status = JobStatus.FAILED
        run.error = "内部错误，已记录，请联系管理员"
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        raise
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "result", "error", "finished_at"])
    return run
