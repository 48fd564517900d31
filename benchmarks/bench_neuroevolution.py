"""Chapter 33: neuroevolution (an evolution strategy) against gradient descent
(Adam, Chapter 25) training the same 64-64-10 network on digits.

``CASES`` (run by ``run.py``): one seeded training of each, timed; the score is the
test accuracy of the network chosen on the validation set. The reference is our own
``deep.Sequential.fit``: the chapter's comparison is evolution against gradient
descent on the same network, not two libraries.

``python benchmarks/bench_neuroevolution.py [n_seeds | seed,seed,...]`` measures the
chapter's target over seeds 0-9: per seed the ES's generations, the generation of the
network kept (best validation fitness), its test accuracy (right answers of 450) and
time, beside gradient descent's; then the summary and the earlier collection's budget
(3000 generations x 100 networks scored on the whole training set, with the GA)
timed for 100 generations and scaled to 3000. The test set is touched once per run,
after the search, which sees only the training and validation parts. Run it with
``OMP_NUM_THREADS=1``.
"""

import dataclasses
import sys
import time

import numpy as np
from harness import Case

from scratchlearn import datasets
from scratchlearn.deep import Adam, CategoricalCrossentropy, CosineDecay, EarlyStopping
from scratchlearn.evolutionary import Neuroevolution
from scratchlearn.evolutionary.neuroevolution import digits_network

N_HIDDEN = 64
GENERATIONS = 500
ES = {
    "population_size": 100,
    "sigma": 0.05,
    "weight_decay": 0.0005,
    "batch_size": 256,
    "max_generations": GENERATIONS,
    "validation_every": 10,
}


def digits_split():
    """Chapter 25's test set (a quarter of the digits, seed 0), the rest split
    into training and validation parts; pixels scaled to [0, 1], then centred on
    the training digits' mean."""
    X, y = datasets.digits()
    parts = datasets.split(X / 16, y, test_size=0.25, val_size=0.15, random_state=0)
    mean = parts.X_train.mean(axis=0)  # (64,)
    return dataclasses.replace(
        parts,
        X_train=parts.X_train - mean,
        X_val=parts.X_val - mean,
        X_test=parts.X_test - mean,
    )


def evolve(split, seed, **changes):
    model = digits_network(N_HIDDEN, random_state=seed)
    settings = {**ES, **changes}
    learning_rate = CosineDecay(0.03, decay_steps=settings["max_generations"])
    search = Neuroevolution(
        learning_rate=learning_rate, random_state=seed, **settings
    ).evolve(
        model, split.X_train, split.y_train, validation_data=(split.X_val, split.y_val)
    )
    return model, search


def descend(split, seed):
    model = digits_network(N_HIDDEN, random_state=seed)
    model.compile(Adam(0.01), CategoricalCrossentropy(), metrics=["accuracy"])
    stop = EarlyStopping(monitor="val_accuracy", patience=20, restore_best_weights=True)
    eye = np.eye(10)
    history = model.fit(
        split.X_train,
        eye[split.y_train],
        epochs=200,
        batch_size=32,
        validation_data=(split.X_val, eye[split.y_val]),
        callbacks=[stop],
        verbose=0,
    )
    return model, history


def accuracy(model, X, y):
    return float(np.mean(model.predict(X).argmax(axis=1) == y))


class Training:
    """One seeded training as the harness times it: ``fit`` trains a fresh
    network with the training and validation parts it was given; ``score`` is the
    test accuracy."""

    def __init__(self, train, split):
        self.train, self.split = train, split

    def fit(self, X, y):
        self.model_ = self.train(self.split, 0)[0]
        return self

    def predict(self, X):
        return self.model_.predict(X).argmax(axis=1)

    def score(self, X, y):
        return accuracy(self.model_, X, y)


def digits_case():
    split = digits_split()
    return Case(
        name=f"Neuroevolution ES 64-64-10 on digits, {GENERATIONS} x 100",
        chapter="33",
        data=lambda: (split.X_train, split.X_test, split.y_train, split.y_test),
        ours=lambda: Training(evolve, split),
        reference=lambda: Training(descend, split),
        repeats=1,
        notes="reference: the same network by gradient descent (Adam, "
        "scratchlearn.deep); score: test accuracy",
    )


CASES = [digits_case()]


def main(seeds=range(10)):
    """The target over seeds: printed, one line per seed, then the summary."""
    split = digits_split()
    rows = []
    for seed in seeds:
        start = time.perf_counter()
        model, search = evolve(split, seed)
        es_time = time.perf_counter() - start
        start = time.perf_counter()
        gd_model, history = descend(split, seed)
        gd_time = time.perf_counter() - start
        row = (
            accuracy(model, split.X_test, split.y_test),
            search.best_generation_,
            es_time,
            accuracy(gd_model, split.X_test, split.y_test),
            len(history.history["loss"]),
            gd_time,
            search.n_generations_,
        )
        rows.append(row)
        right = round(row[0] * len(split.y_test))
        print(
            f"seed {seed}: ES {row[6]} generations, kept generation {row[1]}, test "
            f"{row[0]:.4f} ({right}/{len(split.y_test)}), {row[2]:.1f} s; gradient "
            f"descent test {row[3]:.4f} ({row[4]} epochs, {row[5]:.1f} s)",
            flush=True,
        )
    rows = np.array(rows)
    print(
        f"ES: test accuracy median {np.median(rows[:, 0]):.4f}, worst "
        f"{rows[:, 0].min():.4f}, mean {rows[:, 0].mean():.4f}; "
        f"{np.sum(rows[:, 0] >= 0.967)} of {len(rows)} seeds at least 0.967; "
        f"{GENERATIONS} generations x 100; median time {np.median(rows[:, 2]):.1f} s"
    )
    print(
        f"gradient descent: test accuracy median {np.median(rows[:, 3]):.4f}, worst "
        f"{rows[:, 3].min():.4f}, mean {rows[:, 3].mean():.4f}; median time "
        f"{np.median(rows[:, 5]):.1f} s"
    )
    # The earlier collection's budget: 3000 generations of 100 networks, each
    # scored on the whole training set; timed for 100 generations, scaled.
    start = time.perf_counter()
    model = digits_network(N_HIDDEN, random_state=0)
    Neuroevolution(
        100, strategy="ga", batch_size=None, max_generations=100, random_state=0
    ).evolve(model, split.X_train, split.y_train)
    per_generation = (time.perf_counter() - start) / 100
    print(
        f"earlier budget, 3000 x 100 on the whole training set (GA, batched): "
        f"about {3000 * per_generation:.0f} s ({1e3 * per_generation:.1f} ms per "
        "generation x 3000)"
    )


if __name__ == "__main__":
    if len(sys.argv) == 1:
        main()
    elif "," in sys.argv[1]:
        main([int(seed) for seed in sys.argv[1].split(",")])
    else:
        main(range(int(sys.argv[1])))
