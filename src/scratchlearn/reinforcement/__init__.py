"""Reinforcement learning (Part IV): a deep Q-network that learns to act.

    from scratchlearn.reinforcement import DQN, evaluate

An agent learns from the rewards of an environment with Gymnasium's API rather
than from a data set ``X, y``, so it has ``learn(env, total_timesteps)`` and
``predict(states)`` instead of ``fit``. The networks are
:mod:`scratchlearn.deep` models.
"""

from scratchlearn.reinforcement.dqn import (
    DQN,
    Episode,
    check_environment,
    evaluate,
    linear_epsilon,
    play_episode,
    soft_update,
    td_targets,
)
from scratchlearn.reinforcement.replay import ReplayBuffer

__all__ = [
    "DQN",
    "Episode",
    "ReplayBuffer",
    "check_environment",
    "evaluate",
    "linear_epsilon",
    "play_episode",
    "soft_update",
    "td_targets",
]
