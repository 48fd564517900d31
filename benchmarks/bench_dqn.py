"""Chapter 35: the deep Q-network on CartPole-v1, Double DQN (the chapter's agent)
against the same agent with DQN's targets.

No reinforcement-learning library is a dependency of the book, so the reference is
the method the chapter improves: the same code with ``double=False``, the same
settings (``scratchlearn.reinforcement.experiments.SETTINGS``) and seed. ``fit``
trains one seed until a check of 10 greedy episodes all last 500 steps, every 2,000
steps, at most 50,000 steps (the checks' time included); ``predict`` chooses the
greedy actions of 1,000 states (the same code on both sides, timed once: its ratio
is only noise); the score is the mean return of 100 greedy episodes (resets seeded
0-99) divided by 500 (0.95 is the chapter's "solved").

Run as a script, it prints the chapter's headline for seeds 0, 1 and 2 (environment
steps, gradient steps, training time and the mean return of 100 greedy episodes):

    PYTHONPATH=src python benchmarks/bench_dqn.py
"""

import time

import numpy as np
from harness import Case

from scratchlearn.reinforcement import DQN, evaluate, experiments

SEEDS = (0, 1, 2)
N_EPISODES = 100


class Agent:
    """One seeded training run as the harness times it (see the module docstring)."""

    def __init__(self, seed, double):
        self.seed, self.double = seed, double

    def fit(self, X=None, y=None):
        self.agent_ = DQN(
            **experiments.SETTINGS, double=self.double, random_state=self.seed
        ).learn(
            experiments.make_environment(),
            experiments.MAX_STEPS,
            eval_env=experiments.make_environment(),
            eval_interval=experiments.CHECK_INTERVAL,
            n_eval_episodes=experiments.N_CHECK_EPISODES,
            stop_return=experiments.MAX_RETURN,
        )
        return self

    def predict(self, X):
        return self.agent_.predict(X)

    def returns(self):
        return evaluate(self.agent_, experiments.make_environment(), N_EPISODES, seed=0)

    def score(self, X=None, y=None):
        return float(self.returns().mean()) / experiments.MAX_RETURN


def states(n_states=1_000, seed=0):
    """CartPole states met by random play, shape (n_states, 4)."""
    env, rng = experiments.make_environment(), np.random.default_rng(seed)
    state, _ = env.reset(seed=seed)
    found = []
    while len(found) < n_states:
        found.append(state)
        state, _, terminated, truncated, _ = env.step(int(rng.integers(2)))
        if terminated or truncated:
            state, _ = env.reset()
    return np.array(found, dtype=np.float64)


def case(seed):
    X = states()
    return Case(
        name=f"DQN CartPole-v1, seed {seed}",
        chapter="35",
        data=lambda: (X, X, None, None),
        ours=lambda: Agent(seed, double=True),
        reference=lambda: Agent(seed, double=False),
        repeats=1,
        notes="ours: Double DQN; reference: the same agent with DQN's targets (no RL "
        "library is a dependency); score: mean return of 100 greedy episodes / 500",
    )


CASES = [case(seed) for seed in SEEDS]


def main():
    """The chapter's headline: each seed, Double DQN and DQN."""
    for double in (True, False):
        name = "Double DQN" if double else "DQN"
        for seed in SEEDS:
            start, cpu = time.perf_counter(), time.process_time()
            run = Agent(seed, double).fit()
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            returns = run.returns()
            print(
                f"{name:>10}, seed {seed}: {experiments.outcome(run.agent_)} "
                f"({run.agent_.n_updates_:,} gradient steps) in {seconds:.1f} s "
                f"({cpu:.1f} s of CPU); "
                f"{N_EPISODES} greedy episodes: mean return {returns.mean():.1f}, "
                f"worst {returns.min():.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
