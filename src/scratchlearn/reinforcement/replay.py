"""The replay buffer of a deep Q-network (Chapter 35).

An agent that learned only from the transition it has just lived would learn from a
stream of almost identical, strongly correlated samples, and would forget what it
saw a minute ago. The replay buffer keeps the last ``capacity`` transitions
``(state, action, reward, next_state, terminated)`` and hands out mini-batches drawn
uniformly from all of them: old and new experience mixed, as independent as a
supervised data set's samples can be made.

The buffer is five preallocated arrays used as a ring: the newest transition
overwrites the oldest once the buffer is full, and sampling is one fancy-indexing
step per array, with no Python loop over the batch.
"""

import numpy as np


class ReplayBuffer:
    """A ring of the last ``capacity`` transitions, sampled uniformly.

    Parameters
    ----------
    capacity : int
        How many transitions are kept; the oldest goes first.
    n_features : int
        The length of a state vector.

    Attributes
    ----------
    states, next_states : ndarrays of shape (capacity, n_features)
    actions : ndarray of shape (capacity,), int
    rewards : ndarray of shape (capacity,)
    terminated : ndarray of shape (capacity,), float (1.0 where the episode ended
        in a terminal state)
    size : int
        How many transitions the buffer holds (at most ``capacity``).
    n_added : int
        How many were ever added.

    Notes
    -----
    Only ``terminated`` is stored, not ``truncated``. An episode cut by a time limit
    (truncated) did not reach a terminal state: its last state still has a future,
    and the target of its last transition must bootstrap from the next state's
    value like any other. Storing it as not terminated does exactly that.
    """

    def __init__(self, capacity, n_features):
        self.capacity = int(capacity)
        self.states = np.zeros((self.capacity, n_features))
        self.actions = np.zeros(self.capacity, dtype=np.intp)
        self.rewards = np.zeros(self.capacity)
        self.next_states = np.zeros((self.capacity, n_features))
        self.terminated = np.zeros(self.capacity)
        self.size = 0
        self.n_added = 0

    def __len__(self):
        return self.size

    def add(self, state, action, reward, next_state, terminated):
        """Store one transition, overwriting the oldest when the buffer is full."""
        i = self.n_added % self.capacity  # the ring's next slot
        self.states[i] = state
        self.actions[i] = action
        self.rewards[i] = reward
        self.next_states[i] = next_state
        self.terminated[i] = terminated
        self.n_added += 1
        self.size = min(self.size + 1, self.capacity)

    def sample(self, batch_size, rng):
        """``batch_size`` transitions drawn uniformly with replacement, as the tuple
        ``(states, actions, rewards, next_states, terminated)`` of arrays whose
        first axis has length ``batch_size``."""
        if self.size == 0:
            raise ValueError("The replay buffer is empty: add transitions first.")
        rows = rng.integers(0, self.size, size=batch_size)  # (batch_size,)
        return (
            self.states[rows],
            self.actions[rows],
            self.rewards[rows],
            self.next_states[rows],
            self.terminated[rows],
        )
