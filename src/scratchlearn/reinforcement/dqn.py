"""A deep Q-network (DQN) and its Double-DQN improvement (Chapter 35).

An agent acts in an environment: it sees a state :math:`s`, takes an action
:math:`a`, receives a reward :math:`r` and the next state :math:`s'`. The
*action value* :math:`Q(s, a)` is the return (the discounted sum of rewards) it can
expect after taking :math:`a` in :math:`s` and acting well afterwards; it satisfies
Bellman's equation

.. math::

    Q(s, a) = \\mathbb{E}\\left[r + \\gamma \\max_{a'} Q(s', a')\\right],

and acting well is then simply taking :math:`\\arg\\max_a Q(s, a)`. A DQN (Mnih et
al., 2015) approximates :math:`Q` with a neural network that maps a state to one
value per action, and trains it by regression on targets built from that equation:

1. act epsilon-greedily: a random action with probability :math:`\\varepsilon`
   (decaying from ``epsilon_start`` to ``epsilon_end``), else the greedy one;
2. store every transition in a :class:`~scratchlearn.reinforcement.ReplayBuffer`;
3. every ``train_freq`` steps, sample a mini-batch and take one gradient step of
   the Huber loss between :math:`Q(s, a)` and the target
   :math:`y = r + \\gamma (1 - \\text{terminated}) \\max_{a'} Q'(s', a')`
   (:func:`td_targets`), computed with a *target network* :math:`Q'`: a copy of
   the network refreshed only every ``target_update_interval`` steps (or moved a
   fraction ``tau`` of the way), so that the target does not chase the estimate it
   trains;
4. Double DQN (van Hasselt et al., 2016) picks :math:`a'` with the online network
   and evaluates it with the target network, which removes most of the upward bias
   of the max.

The networks are :class:`scratchlearn.deep.Sequential` models: ``forward`` and
``backward`` let the target computation and the loss live here, outside the model.
The whole mini-batch is one forward and one backward pass. The environment is any
object with Gymnasium's API (``reset(seed=...)`` returning ``(state, info)``,
``step(action)`` returning ``(state, reward, terminated, truncated, info)``, a
``Discrete`` action space); the package itself needs NumPy only.
"""

import copy
import dataclasses
from typing import ClassVar

import numpy as np

from scratchlearn.base import BaseEstimator, check_is_fitted
from scratchlearn.deep import Adam, Dense, Sequential
from scratchlearn.deep.losses import Huber
from scratchlearn.reinforcement.replay import ReplayBuffer
from scratchlearn.utils.validation import (
    RANDOM_STATE,
    Instance,
    Interval,
    check_random_state,
)

__all__ = [
    "DQN",
    "Episode",
    "check_environment",
    "evaluate",
    "linear_epsilon",
    "play_episode",
    "soft_update",
    "td_targets",
]


# --- the pieces ----------------------------------------------------------------------


def linear_epsilon(step, start=1.0, end=0.05, decay_steps=10_000):
    """The exploration rate at environment step ``step`` (0-based): from ``start``
    down to ``end`` in a straight line over ``decay_steps`` steps, then ``end``.
    Works on arrays of steps too."""
    fraction = np.minimum(np.asarray(step, dtype=np.float64) / max(decay_steps, 1), 1)
    return start + fraction * (end - start)


def td_targets(rewards, terminated, next_q_target, gamma, next_q_online=None):
    """The regression targets of a batch of transitions.

    Parameters
    ----------
    rewards : ndarray of shape (batch,)
    terminated : ndarray of shape (batch,)
        1 (or True) where ``next_state`` is terminal: nothing follows it, so the
        target is the reward alone. An episode cut by a time limit is *not*
        terminated: its target bootstraps.
    next_q_target : ndarray of shape (batch, n_actions)
        The target network's action values of the next states.
    gamma : float
        The discount factor.
    next_q_online : ndarray of shape (batch, n_actions), optional
        The online network's action values of the next states. Given, the targets
        are Double DQN's: the online network chooses the next action, the target
        network evaluates it. Otherwise DQN's: the target network's maximum.

    Returns
    -------
    ndarray of shape (batch,)
        :math:`r + \\gamma (1 - \\text{terminated})\\, Q_{target}(s', a')` with
        :math:`a' = \\arg\\max_a Q_{target}(s', a)` (DQN) or
        :math:`\\arg\\max_a Q_{online}(s', a)` (Double DQN); ties go to the lower
        action, as ``np.argmax`` breaks them.
    """
    rows = np.arange(len(rewards))
    chooser = next_q_target if next_q_online is None else next_q_online
    next_actions = np.argmax(chooser, axis=1)  # (batch,)
    next_values = next_q_target[rows, next_actions]  # (batch,)
    not_terminal = 1.0 - np.asarray(terminated, dtype=np.float64)
    return rewards + gamma * not_terminal * next_values


def soft_update(target, online, tau):
    """Move every weight of the ``target`` network the fraction ``tau`` of the way
    to the ``online`` network's: :math:`\\theta' \\leftarrow \\tau \\theta +
    (1 - \\tau) \\theta'`. ``tau = 1`` copies the weights (DQN's periodic copy);
    a small ``tau`` every step is Polyak averaging."""
    if tau == 1.0:
        target.set_weights(online.get_weights())
        return
    target.set_weights(
        [
            tau * w + (1.0 - tau) * w_target
            for w, w_target in zip(
                online.get_weights(), target.get_weights(), strict=True
            )
        ]
    )


def check_environment(env):
    """``(n_features, n_actions, first_action)`` of a Gymnasium-style environment
    that a DQN can learn: states that are vectors of numbers and a finite set of
    actions. Anything else raises a ``ValueError`` that says why."""
    action_space = getattr(env, "action_space", None)
    observation_space = getattr(env, "observation_space", None)
    if (
        action_space is None
        or observation_space is None
        or not callable(getattr(env, "step", None))
    ):
        raise TypeError(
            "env must be an environment with Gymnasium's API (reset, step, "
            f"action_space, observation_space); got {type(env).__name__}."
        )
    # Compared by name: the library does not import Gymnasium.
    kinds = {cls.__name__ for cls in type(action_space).__mro__}
    if "Discrete" not in kinds:
        raise ValueError(
            "A DQN chooses among a finite set of actions: it needs a Discrete "
            f"action space, but this environment's is {action_space}. For "
            "continuous actions use an actor-critic method (DDPG, SAC), or "
            "discretise the actions with a wrapper."
        )
    shape = getattr(observation_space, "shape", None)
    if shape is None or len(shape) != 1:
        raise ValueError(
            "The Q-network reads each state as a vector of numbers, but this "
            f"environment's observations are {observation_space}. Flatten them, "
            "or one-hot encode discrete ones, with a wrapper."
        )
    return int(shape[0]), int(action_space.n), int(getattr(action_space, "start", 0))


# --- the agent -----------------------------------------------------------------------


class DQN(BaseEstimator):
    """A deep Q-network agent for environments with a finite set of actions.

    Parameters
    ----------
    hidden_units : tuple of int, default (64, 64)
        The sizes of the Q-network's hidden ReLU layers; the output layer has one
        linear unit per action.
    learning_rate : float, default 0.001
        Adam's step size.
    gamma : float in [0, 1], default 0.99
        The discount factor of future rewards.
    buffer_size : int, default 50_000
        How many transitions the replay buffer keeps.
    batch_size : int, default 64
    learning_starts : int, default 1_000
        Environment steps taken (with random actions mostly) before the first
        update, so that the first mini-batches are not all from one episode.
    train_freq : int, default 1
        One gradient step every ``train_freq`` environment steps.
    target_update_interval : int, default 500
        Every this many environment steps the target network moves towards the
        online one by ``tau``.
    tau : float in (0, 1], default 1.0
        1: copy the weights (DQN). Smaller: Polyak averaging.
    epsilon_start, epsilon_end : floats in [0, 1], default 1.0 and 0.05
    epsilon_decay_steps : int, default 10_000
        Epsilon falls linearly from ``epsilon_start`` to ``epsilon_end`` over this
        many environment steps (:func:`linear_epsilon`).
    double : bool, default True
        Double DQN's targets (see :func:`td_targets`); ``False`` is DQN's.
    huber_delta : float, default 1.0
        Where the Huber loss turns from squared to absolute.
    random_state : None, int or numpy.random.Generator, default None
        Seeds everything: the networks' initial weights, the environment's first
        reset, exploration and sampling.

    Attributes
    ----------
    q_network_, target_network_ : scratchlearn.deep.Sequential
    n_features_, n_actions_ : int
    n_steps_ : int
        Environment steps taken by :meth:`learn`.
    n_updates_ : int
        Gradient steps taken.
    episode_returns_ : ndarray of shape (n_episodes,)
        The return of every training episode that ended, in order.
    episode_ends_ : ndarray of shape (n_episodes,)
        The number of environment steps taken when each of them ended.
    eval_steps_, eval_returns_ : ndarrays
        When the greedy policy was checked (if ``learn`` had an ``eval_env``) and
        its mean return in each check.
    solved_at_ : int or None
        The step at which a check reached ``stop_return`` (training stopped there).
    replay_buffer_ : ReplayBuffer
        The transitions the agent remembers.

    Notes
    -----
    Reproducible: with an int ``random_state`` and the same environment, two runs
    take the same actions and end with the same weights. Greedy actions break ties
    towards the lower action (``np.argmax``). Chapter 35 explains this code.

    References
    ----------
    Mnih, V. et al. (2015). Human-level control through deep reinforcement
    learning. Nature 518, 529-533.

    van Hasselt, H., Guez, A. and Silver, D. (2016). Deep reinforcement learning
    with double Q-learning. AAAI.
    """

    _parameter_constraints: ClassVar[dict] = {
        "hidden_units": [Instance(tuple, description="a tuple of positive ints")],
        "learning_rate": [Interval(float, 0, None, closed="neither")],
        "gamma": [Interval(float, 0, 1, closed="both")],
        "buffer_size": [Interval(int, 1, None, closed="left")],
        "batch_size": [Interval(int, 1, None, closed="left")],
        "learning_starts": [Interval(int, 0, None, closed="left")],
        "train_freq": [Interval(int, 1, None, closed="left")],
        "target_update_interval": [Interval(int, 1, None, closed="left")],
        "tau": [Interval(float, 0, 1, closed="right")],
        "epsilon_start": [Interval(float, 0, 1, closed="both")],
        "epsilon_end": [Interval(float, 0, 1, closed="both")],
        "epsilon_decay_steps": [Interval(int, 0, None, closed="left")],
        "double": [bool],
        "huber_delta": [Interval(float, 0, None, closed="neither")],
        "random_state": RANDOM_STATE,
    }

    def __init__(
        self,
        hidden_units=(64, 64),
        *,
        learning_rate=0.001,
        gamma=0.99,
        buffer_size=50_000,
        batch_size=64,
        learning_starts=1_000,
        train_freq=1,
        target_update_interval=500,
        tau=1.0,
        epsilon_start=1.0,
        epsilon_end=0.05,
        epsilon_decay_steps=10_000,
        double=True,
        huber_delta=1.0,
        random_state=None,
    ):
        self.hidden_units = hidden_units
        self.learning_rate = learning_rate
        self.gamma = gamma
        self.buffer_size = buffer_size
        self.batch_size = batch_size
        self.learning_starts = learning_starts
        self.train_freq = train_freq
        self.target_update_interval = target_update_interval
        self.tau = tau
        self.epsilon_start = epsilon_start
        self.epsilon_end = epsilon_end
        self.epsilon_decay_steps = epsilon_decay_steps
        self.double = double
        self.huber_delta = huber_delta
        self.random_state = random_state

    # --- learning --------------------------------------------------------------------

    def learn(
        self,
        env,
        total_timesteps,
        *,
        eval_env=None,
        eval_interval=2_000,
        n_eval_episodes=10,
        stop_return=None,
    ):
        """Learn from ``total_timesteps`` steps of ``env`` (fewer if stopped early).

        Parameters
        ----------
        env : environment with Gymnasium's API and a Discrete action space
        total_timesteps : int
        eval_env : environment, optional
            Another instance of the environment. Every ``eval_interval`` steps
            (once learning has started) the greedy policy plays
            ``n_eval_episodes`` episodes in it; the network keeps the weights that
            scored best in these checks.
        eval_interval, n_eval_episodes : int
        stop_return : float, optional
            Stop as soon as every episode of a check returns at least this much.

        Returns
        -------
        self
        """
        self._validate_params()
        self._check_learn(total_timesteps, eval_env, eval_interval, n_eval_episodes)
        self.n_features_, self.n_actions_, self._first_action = check_environment(env)
        rng = check_random_state(self.random_state)
        self.q_network_ = self._network(rng)
        self.q_network_.compile(Adam(self.learning_rate), loss=Huber(self.huber_delta))
        self.target_network_ = self._network(rng)
        self.target_network_.set_weights(self.q_network_.get_weights())
        buffer = ReplayBuffer(self.buffer_size, self.n_features_)

        returns, ends, eval_steps, eval_returns = [], [], [], []
        best_score, best_weights = -np.inf, None
        self.n_updates_, self.solved_at_ = 0, None
        state, _ = env.reset(seed=int(rng.integers(2**31)))
        episode_return = 0.0
        for step in range(total_timesteps):
            action = self._explore(state, linear_epsilon(step, *self._schedule), rng)
            next_state, reward, terminated, truncated, _ = env.step(
                self._first_action + action
            )
            buffer.add(state, action, reward, next_state, terminated)
            episode_return += float(reward)
            state = next_state
            if terminated or truncated:  # truncated: cut by the time limit
                returns.append(episode_return)
                ends.append(step + 1)
                state, _ = env.reset()
                episode_return = 0.0
            learning = step + 1 >= self.learning_starts
            if learning and (step + 1) % self.train_freq == 0:
                self._update(buffer.sample(self.batch_size, rng))
            if (step + 1) % self.target_update_interval == 0:
                soft_update(self.target_network_, self.q_network_, self.tau)
            if eval_env is not None and learning and (step + 1) % eval_interval == 0:
                seed = int(rng.integers(2**31))
                scores = evaluate(self, eval_env, n_eval_episodes, seed=seed)
                eval_steps.append(step + 1)
                eval_returns.append(scores.mean())
                if scores.mean() >= best_score:  # the later of equal scores
                    best_score = scores.mean()
                    best_weights = self.q_network_.get_weights()
                if stop_return is not None and scores.min() >= stop_return:
                    self.solved_at_ = step + 1
                    break
        self.n_steps_ = step + 1
        if best_weights is not None:
            self.q_network_.set_weights(best_weights)
        self.episode_returns_ = np.array(returns)
        self.episode_ends_ = np.array(ends, dtype=np.intp)
        self.eval_steps_ = np.array(eval_steps, dtype=np.intp)
        self.eval_returns_ = np.array(eval_returns)
        self.replay_buffer_ = buffer
        return self

    @property
    def _schedule(self):
        return self.epsilon_start, self.epsilon_end, self.epsilon_decay_steps

    def _network(self, rng):
        """A Q-network: the hidden ReLU layers, then one linear output per action."""
        layers = [Dense(units, activation="relu") for units in self.hidden_units]
        model = Sequential(
            [*layers, Dense(self.n_actions_)], random_state=int(rng.integers(2**31))
        )
        return model.build((self.n_features_,))

    def _explore(self, state, epsilon, rng):
        """Epsilon-greedy: a uniformly random action with probability ``epsilon``,
        else the greedy one. (One uniform draw every step, whatever epsilon is, so
        that the random stream does not depend on the schedule's values.)"""
        if rng.random() < epsilon:
            return int(rng.integers(self.n_actions_))
        q_values = self.q_network_.forward(np.asarray(state)[np.newaxis])  # (1, n)
        return int(np.argmax(q_values[0]))

    def _update(self, batch):
        """One gradient step on a mini-batch: the Huber loss between Q(s, a) and the
        targets, whose gradient flows only into the actions taken."""
        states, actions, rewards, next_states, terminated = batch
        next_q_target = self.target_network_.forward(next_states)  # (batch, n)
        next_q_online = self.q_network_.forward(next_states) if self.double else None
        targets = td_targets(
            rewards, terminated, next_q_target, self.gamma, next_q_online
        )
        q_values = self.q_network_.forward(states, training=True)  # (batch, n)
        rows = np.arange(len(actions))
        grad = np.zeros_like(q_values)  # the other actions' outputs: no error
        grad[rows, actions] = self.q_network_.loss.gradient(
            targets, q_values[rows, actions]
        )
        self.q_network_.backward(grad)
        self.q_network_.apply_gradients()
        self.n_updates_ += 1

    def _check_learn(self, total_timesteps, eval_env, eval_interval, n_eval_episodes):
        """The checks that need more than one hyperparameter, or the arguments."""
        units = self.hidden_units
        if not all(
            isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 1
            for n in units
        ):
            raise ValueError(
                f"hidden_units must be a tuple of positive ints; got {units!r}."
            )
        for name, value in (
            ("total_timesteps", total_timesteps),
            ("eval_interval", eval_interval),
            ("n_eval_episodes", n_eval_episodes),
        ):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
                raise TypeError(f"{name} must be an int; got {value!r}.")
            if value < 1:
                raise ValueError(f"{name} must be at least 1; got {value}.")
        if eval_env is not None:
            check_environment(eval_env)

    # --- acting ----------------------------------------------------------------------

    def q_values(self, states):
        """The Q-network's action values, shape (n_states, n_actions)."""
        check_is_fitted(self)
        states = np.asarray(states, dtype=np.float64)
        if states.ndim != 2 or states.shape[1] != self.n_features_:
            raise ValueError(
                f"states must have shape (n_states, {self.n_features_}); got "
                f"{states.shape}."
            )
        return self.q_network_.forward(states)

    def predict(self, states):
        """The greedy actions for a batch of states, shape (n_states,), as the
        environment numbers them (ties to the lower action)."""
        q_values = self.q_values(states)  # (n_states, n_actions)
        return self._first_action + np.argmax(q_values, axis=1)


# --- playing -------------------------------------------------------------------------


@dataclasses.dataclass
class Episode:
    """One episode: ``states`` of shape (n_steps + 1, n_features) (the first state
    to the last), the ``actions`` and ``rewards`` of its ``n_steps`` steps, and
    whether it ended in a terminal state or was cut by the time limit."""

    states: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray
    terminated: bool
    truncated: bool

    @property
    def total_return(self):
        return float(self.rewards.sum())


def play_episode(agent, env, seed=None):
    """Play one episode with ``agent``'s greedy policy; return the :class:`Episode`.
    ``seed`` seeds the environment's reset (its first state)."""
    state, _ = env.reset(seed=seed)
    states, actions, rewards = [state], [], []
    terminated = truncated = False
    while not (terminated or truncated):
        action = int(agent.predict(np.asarray(state)[np.newaxis])[0])
        state, reward, terminated, truncated, _ = env.step(action)
        states.append(state)
        actions.append(action)
        rewards.append(float(reward))
    return Episode(
        np.array(states, dtype=np.float64),
        np.array(actions),
        np.array(rewards),
        bool(terminated),
        bool(truncated),
    )


def evaluate(agent, env, n_episodes=100, seed=0):
    """The returns of ``n_episodes`` greedy episodes, shape (n_episodes,); the
    environment's reset of episode ``i`` is seeded with ``seed + i``.

    The episodes are played side by side, each in its own copy of ``env``
    (``copy.deepcopy``): one forward pass of the network chooses the actions of
    every episode still running, instead of one pass per episode and step. Each
    episode is the one :func:`play_episode` would play with the same seed."""
    envs = [copy.deepcopy(env) for _ in range(n_episodes)]
    states = np.array(
        [episode_env.reset(seed=seed + i)[0] for i, episode_env in enumerate(envs)],
        dtype=np.float64,
    )  # (n_episodes, n_features)
    returns = np.zeros(n_episodes)
    running = np.arange(n_episodes)  # the episodes not over yet
    while len(running):
        actions = agent.predict(states[running])  # (n_running,), one forward pass
        still = []
        for i, action in zip(running, actions, strict=True):
            states[i], reward, terminated, truncated, _ = envs[i].step(int(action))
            returns[i] += float(reward)
            if not (terminated or truncated):
                still.append(i)
        running = np.array(still, dtype=np.intp)
    return returns
