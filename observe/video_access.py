"""Who may see, stream, code and comment on an observation's lesson video.

The same policy as the observation's attachments: whoever may read the observation
(observe.access.observations_visible_to) may open the video page and stream the file. Only the
observer changes the video and the codes, and only while the record is a draft
(get_observation_for_user(write=True)). Comments are the conversation of the lesson: its
observer and its observed teacher pin them.
"""

from __future__ import annotations

from django.http import Http404

from core.access import AnyUser, scope_of
from observe.access import get_observation_for_user
from observe.models import Observation, ObservationStatus, ObservationVideo


def get_video_observation(user: AnyUser, observation_id: int, *, write: bool = False) -> Observation:
    return get_observation_for_user(user, observation_id, write=write)


def get_video_for_user(user: AnyUser, observation_id: int) -> ObservationVideo:
    """The video of an observation the user may read, else 404."""
    obs = get_observation_for_user(user, observation_id)
    video = ObservationVideo.objects.filter(observation=obs).select_related("observation").first()
    if video is None:
        raise Http404("该听课记录没有录像")
    return video


def can_code(user: AnyUser, obs: Observation) -> bool:
    return obs.observer_id == scope_of(user).person_id and obs.status == ObservationStatus.DRAFT


def can_comment(user: AnyUser, obs: Observation) -> bool:
    me = scope_of(user).person_id
    return me is not None and me in (obs.observer_id, obs.teacher_id)
