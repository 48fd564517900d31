"""The book's experiments of Part I: the runs and computations its chapters draw.

Each chapter's pictures (``scratchlearn.viz.<chapter>``) draw results; what they
draw is computed here, one section per chapter, so that the chapter, its explorer
and its tests ask one place for it:

- linear regression: polynomial features, gradient descent run even when it
  diverges, errors against the degree, both fits of a setting;
- logistic regression: Newton's and gradient descent's fits, their excess losses;
- regularized regression: R² along a regularization path;
- Bayesian regression: the line's data and the posterior of a setting;
- the perceptron: its training replayed an update at a time, each setting once;
- naive Bayes: class priors with one changed;
- LDA: directions by angle, classes moved apart, a histogram's bins, the
  direction with shrinkage;
- random forests, AdaBoost, gradient boosting: scores, errors and regions stage
  by stage, from one fit per setting; XGBoost's fits on one feature;
- model selection: a grid search's table, out-of-fold probabilities, soft votes.
"""

import dataclasses
import functools
import warnings

import numpy as np

from scratchlearn import datasets
from scratchlearn.base import clone
from scratchlearn.exceptions import ConvergenceWarning
from scratchlearn.metrics import mean_squared_error
from scratchlearn.preprocessing import PolynomialFeatures, StandardScaler
from scratchlearn.supervised import (
    AdaBoostClassifier,
    BayesianLinearRegression,
    ElasticNet,
    GradientBoostingRegressor,
    LinearDiscriminantAnalysis,
    LinearRegression,
    LogisticRegression,
    RandomForestClassifier,
    XGBoostRegressor,
    coefficient_path,
)
from scratchlearn.supervised.linear_regression import DivergenceError
from scratchlearn.supervised.perceptron import mistake_bound, train_perceptron
from scratchlearn.utils.validation import check_random_state
from scratchlearn.viz.figures import grid_over

# --- linear regression --------------------------------------------------------


def polynomial_features(x_train, degree):
    """The features of a degree-``degree`` polynomial in ``x``, standardised.

    Returns a function mapping ``x`` of shape (n_samples,) to the standardised
    columns ``x, x^2, ..., x^degree``, shape (n_samples, degree). The powers and the
    scaler are fitted on ``x_train`` only, and reused unchanged on other data.
    """
    powers = PolynomialFeatures(degree).fit(np.reshape(x_train, (-1, 1)))
    scaler = StandardScaler().fit(powers.transform(np.reshape(x_train, (-1, 1))))

    def features(x):
        return scaler.transform(powers.transform(np.reshape(x, (-1, 1))))

    return features


def largest_stable_learning_rate(Z):
    """The learning rate below which batch gradient descent converges.

    The mean squared error is a quadratic whose Hessian is
    :math:`H = \\frac{2}{n} [Z, 1]^\\top [Z, 1]`. Gradient descent shrinks the error
    along each eigenvector of :math:`H` by a factor :math:`|1 - \\eta \\lambda|` per
    step, so it converges exactly when :math:`\\eta < 2 / \\lambda_{\\max}`.
    """
    design = np.column_stack([Z, np.ones(len(Z))])  # (n_samples, n_features + 1)
    hessian = 2.0 * design.T @ design / len(Z)  # (n_features + 1, n_features + 1)
    return 2.0 / np.linalg.eigvalsh(hessian)[-1]


def descend(Z, y, learning_rate, max_iter):
    """Batch gradient descent, even when it diverges.

    Returns ``(model, losses, failure)``: the fitted model (``None`` if descent
    diverged), the training MSE from epoch 0 (all coefficients 0) onwards, and
    ``None`` or why descent failed, in a few words.
    """
    start = [float(np.mean(y**2))]  # the loss of the all-zero start
    model = LinearRegression(
        solver="gd", learning_rate=learning_rate, max_iter=max_iter
    )
    try:
        losses = np.concatenate([start, model.fit(Z, y).loss_history_])
    except DivergenceError as error:  # it carries the losses up to the divergence
        failure = str(error).split(":")[0]
        return None, np.concatenate([start, error.loss_history]), failure
    if losses[-1] > losses[0]:
        # The loss grows, if too slowly to have passed the line: diverging all
        # the same.
        return None, losses, "Gradient descent diverges: the loss grows"
    return model, losses, None


def errors_by_degree(x_train, y_train, x_val, y_val, degrees):
    """Training and validation MSE of the closed-form fit for each degree.

    Returns two arrays of shape (len(degrees),).
    """
    train, validation = [], []
    for degree in degrees:
        features = polynomial_features(x_train, degree)
        model = LinearRegression().fit(features(x_train), y_train)
        for errors, x, y in ((train, x_train, y_train), (validation, x_val, y_val)):
            errors.append(float(np.mean((model.predict(features(x)) - y) ** 2)))
    return np.array(train), np.array(validation)


def mse(model, Z, y):
    """The mean squared error of ``model`` on ``(Z, y)``."""
    return float(np.mean((model.predict(Z) - y) ** 2))


def polynomial_fits(
    x_train, y_train, x_val, y_val, x_grid, degree, learning_rate, max_iter
):
    """A degree-``degree`` polynomial fitted in closed form and by gradient descent:
    a dict of both curves over ``x_grid``, both fits' (training, validation) MSE,
    the losses per epoch, why descent failed (or ``None``) and the learning rate
    it converges below."""
    features = polynomial_features(x_train, degree)
    Z_train, Z_val, Z_grid = features(x_train), features(x_val), features(x_grid)
    lstsq = LinearRegression().fit(Z_train, y_train)
    gd, losses, failure = descend(Z_train, y_train, learning_rate, max_iter)
    fitted = {"lstsq": lstsq} if gd is None else {"lstsq": lstsq, "gd": gd}
    result = {"losses": losses, "failure": failure, "gd_curve": []}
    for name, model in fitted.items():
        result[f"{name}_curve"] = model.predict(Z_grid)
        result[f"{name}_mse"] = (mse(model, Z_train, y_train), mse(model, Z_val, y_val))
    result["limit"] = largest_stable_learning_rate(Z_train)
    return result


# --- logistic regression ------------------------------------------------------


# Newton's fit, converged as far as floating point allows: the minimum of the curves.
EXACT = {"tol": 1e-10, "max_iter": 100}


# The explorer's floor for the objective's excess. An objective near 1 is known to
# about 1e-15 (its last bits differ between processors); an excess from 1e-10 up is
# known to 5 digits, and the stored figure is the same on every machine.
FLOOR = 1e-10


def logistic_fits(X, y, C, learning_rate, n_iter):
    """Fit Newton's method to convergence and ``n_iter`` steps of gradient descent.

    Returns ``(newton, descent, failure)``: the two fitted models and ``None`` or
    how gradient descent failed. If its weights overflowed, ``descent`` is ``None``;
    if its objective only grew, ``descent`` holds that run, to draw.
    """
    newton = LogisticRegression(C=C, **EXACT).fit(X, y)
    descent = LogisticRegression(
        C=C, solver="gd", learning_rate=learning_rate, max_iter=n_iter, tol=1e-300
    )  # so small a tol that it runs all n_iter steps
    with warnings.catch_warnings():
        # Stopping early is the point of a fixed n_iter: no warning for it.
        warnings.simplefilter("ignore", ConvergenceWarning)
        try:
            descent.fit(X, y)
        except ValueError:  # the weights overflowed
            return newton, None, "gradient descent diverges: its weights overflow"
    if descent.loss_history_[-1] > np.log(len(descent.classes_)):  # above the start
        return newton, descent, "gradient descent diverges: its objective grows"
    return newton, descent, None


def excess_losses(model, minimum, floor=FLOOR):
    """The objective minus ``minimum`` before the first iteration (all weights 0:
    log(n_classes)) and after each, floored at ``floor`` for a log scale."""
    losses = np.concatenate([[np.log(len(model.classes_))], model.loss_history_])
    return np.maximum(losses - minimum, floor)


def probabilities_over(model, xs, ys):
    """What a fitted two-feature classifier predicts over the grid ``xs`` x ``ys``.

    Returns
    -------
    probabilities : ndarray of shape (len(ys), len(xs), n_classes)
        Row 0 is ``ys[0]``.
    margins : ndarray of shape (n_classes, len(ys), len(xs))
        Each class's probability minus the largest of the others': positive where
        the class wins, 0 on its decision boundary.
    """
    xx, yy = np.meshgrid(xs, ys)  # (len(ys), len(xs)) each
    n_classes = len(model.classes_)
    probabilities = model.predict_proba(np.column_stack([xx.ravel(), yy.ravel()]))
    probabilities = probabilities.reshape(len(ys), len(xs), n_classes)
    best = probabilities.argmax(axis=2)  # (len(ys), len(xs))
    confidence = probabilities.max(axis=2)
    # The largest of the other classes' probabilities: the runner-up's for the
    # winner, the winner's for every other class.
    runner_up = np.sort(probabilities, axis=2)[:, :, -2:-1]  # (len(ys), len(xs), 1)
    winner = best[:, :, np.newaxis] == np.arange(n_classes)
    others = np.where(winner, runner_up, confidence[:, :, np.newaxis])
    margins = np.moveaxis(probabilities - others, 2, 0)  # (n_classes, len(ys), ...)
    return probabilities, margins


def mean_log_loss(model, X, y):
    """The mean log-loss of a fitted classifier's probabilities on ``(X, y)``."""
    rows = np.searchsorted(model.classes_, y)
    true_class = model.predict_proba(X)[np.arange(len(y)), rows]
    return -np.mean(np.log(np.maximum(true_class, 1e-300)))


# --- regularized regression ---------------------------------------------------


# Penalty strengths, 12 per power of ten from 0.001 to 1000 (3 significant digits):
# the paths and the live explorer use them all, the static explorer every sixth.
ALPHAS = tuple(float(f"{alpha:.3g}") for alpha in np.logspace(-3, 3, 73))


def r2_scores(coefs, X_train, y_train, X, y):
    """R² on ``(X, y)`` of the linear models whose coefficients are the rows of
    ``coefs`` (n_models, n_features), each with its unpenalised intercept
    ``mean(y_train) - mean(X_train) @ coef``. Returns shape (n_models,)."""
    coefs = np.atleast_2d(coefs)
    intercepts = y_train.mean() - coefs @ X_train.mean(axis=0)  # (n_models,)
    y_pred = X @ coefs.T + intercepts  # (n_samples, n_models)
    residual_sum = np.sum((y[:, np.newaxis] - y_pred) ** 2, axis=0)  # (n_models,)
    return 1.0 - residual_sum / np.sum((y - y.mean()) ** 2)


@dataclasses.dataclass
class Path:
    """An elastic net fitted for every ``alpha`` of a grid, with one ``l1_ratio``."""

    l1_ratio: float
    alphas: np.ndarray  # (n_alphas,), increasing
    coefs: np.ndarray  # (n_alphas, n_features)
    train_r2: np.ndarray  # (n_alphas,)
    validation_r2: np.ndarray  # (n_alphas,)


def regularization_path(X_train, y_train, X_val, y_val, l1_ratio, alphas=ALPHAS):
    """Fit ``ElasticNet(alpha, l1_ratio)`` for each of ``alphas`` (increasing) and score
    every fit on the training and validation data.

    The fits run from the largest ``alpha`` to the smallest, each starting from the
    previous solution: a warm start, which needs only a few passes.
    """
    alphas = np.sort(np.asarray(alphas, dtype=float))
    model = ElasticNet(l1_ratio=l1_ratio)
    coefs = coefficient_path(model, X_train, y_train, alphas[::-1])[::-1]
    return Path(
        l1_ratio=l1_ratio,
        alphas=alphas,
        coefs=coefs,
        train_r2=r2_scores(coefs, X_train, y_train, X_train, y_train),
        validation_r2=r2_scores(coefs, X_train, y_train, X_val, y_val),
    )


# --- Bayesian regression ------------------------------------------------------


TRUE_INTERCEPT, TRUE_SLOPE = -1.0, 0.8


X_RANGE = (0.0, 4.0)  # where the data lie


GRID = np.linspace(-1.0, 5.0, 25)  # where the lines are drawn: a little beyond


LEVEL = 0.9  # of the credible band and the predictive interval


N_DRAWS = 20


# The explorer's choices: numbers of observed points, prior precisions (the live
# explorer's: 10 per power of ten) and noise levels (the static explorer's: 1).
N_POINTS = (1, 2, 3, 5, 10, 20, 50, 100, 200)


def true_line(x):
    """The line the data come from."""
    return TRUE_INTERCEPT + TRUE_SLOPE * np.asarray(x)


def line_data(noise_std, n_points=N_POINTS[-1], seed=0):
    """Seeded points ``(x, y)`` of :func:`true_line` plus noise of standard deviation
    ``noise_std``, shapes (n_points,). The first ``n`` points are the same for every
    ``n_points >= n`` and every noise level (only their scale changes), so that the
    explorer adds points one by one to the same data set."""
    data = datasets.noisy_line(
        n_points,
        slope=TRUE_SLOPE,
        intercept=TRUE_INTERCEPT,
        noise=noise_std,
        low=X_RANGE[0],
        high=X_RANGE[1],
        random_state=seed,
    )
    return data.X[:, 0], data.y


def normal_curve(mean, std):
    """The Normal density of mean ``mean`` and standard deviation ``std``, over 4
    standard deviations either side: ``x`` and the density, shapes (41,)."""
    x = mean + std * np.linspace(-4.0, 4.0, 41)
    return x, np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * np.sqrt(2 * np.pi))


@dataclasses.dataclass
class Setting:
    """What the pictures show of one fit (see :func:`explore`)."""

    x: np.ndarray  # (n_points,) the observed points
    y: np.ndarray
    mean: np.ndarray  # (2,) the posterior mean line at GRID[0] and GRID[-1]
    band: tuple  # lower, upper (len(GRID),): credible band of the line
    predictive: tuple  # lower, upper (len(GRID),): predictive interval
    draws: np.ndarray  # (N_DRAWS, 2) lines drawn, at GRID[0] and GRID[-1]
    slope_mean: float
    slope_std: float


def explore(n_points, prior_precision, noise_std, seed=0):
    """Fit the Bayesian line to the first ``n_points`` points, with the noise known."""
    x, y = line_data(noise_std, seed=seed)
    x, y = x[:n_points], y[:n_points]
    model = BayesianLinearRegression(
        prior_precision=prior_precision,
        noise_precision=1.0 / noise_std**2,
        random_state=seed,
    ).fit(x.reshape(-1, 1), y)
    grid = GRID.reshape(-1, 1)  # (len(GRID), 1)
    ends = np.array([[GRID[0]], [GRID[-1]]])  # a straight line needs only its ends
    return Setting(
        x=x,
        y=y,
        mean=model.predict(ends),
        band=model.predict_interval(grid, level=LEVEL, include_noise=False),
        predictive=model.predict_interval(grid, level=LEVEL),
        draws=model.sample_predictions(ends, n_draws=N_DRAWS),
        slope_mean=float(model.coef_[0]),
        slope_std=float(np.sqrt(model.covariance_[0, 0])),
    )


# --- the perceptron -----------------------------------------------------------


@dataclasses.dataclass
class Replay:
    """A perceptron's training on 2-D data, one update at a time.

    Row ``t`` of ``weights`` holds ``(w_1, w_2, b)`` after ``t`` updates (row 0: all
    zero); ``samples[t - 1]`` and ``epochs[t - 1]`` say which sample caused update
    ``t`` and in which epoch; ``errors[t]`` counts the training samples that the
    weights of row ``t`` misclassify (a score of exactly 0 counting as an error).
    ``converged`` says whether training ended with an epoch without a mistake.
    """

    weights: np.ndarray  # (n_updates + 1, 3)
    samples: np.ndarray  # (n_updates,)
    epochs: np.ndarray  # (n_updates,)
    errors: np.ndarray  # (n_updates + 1,)
    n_epochs: int
    converged: bool
    bound: float

    @property
    def n_updates(self):
        return len(self.samples)


def replay(X, y, true_coef, true_intercept, *, learning_rate=1.0, max_iter=20, seed=0):
    """Train a perceptron (shuffled epochs, seeded) and record every update.

    ``true_coef`` and ``true_intercept`` describe a separating line, used for the
    bound :func:`~scratchlearn.supervised.perceptron.mistake_bound`.
    """
    y_signed = np.where(y == 1, 1.0, -1.0)  # (n_samples,)
    extended = np.column_stack([X, np.ones(len(X))])  # (n_samples, 3)
    signed = learning_rate * y_signed[:, np.newaxis] * extended  # (n_samples, 3)
    _, samples, mistakes_per_epoch = train_perceptron(
        signed, max_iter=max_iter, shuffle=True, rng=check_random_state(seed)
    )
    # The weights after each update are the running sums of the signed samples.
    weights = np.vstack([np.zeros(3), np.cumsum(signed[samples], axis=0)])
    margins = weights @ signed.T  # (n_updates + 1, n_samples)
    errors = np.count_nonzero(margins <= 0, axis=1)  # (n_updates + 1,)
    n_epochs = len(mistakes_per_epoch)
    epochs = np.repeat(np.arange(1, n_epochs + 1), mistakes_per_epoch)
    converged = bool(mistakes_per_epoch[-1] == 0)
    bound = mistake_bound(X, y_signed, true_coef, true_intercept)
    return Replay(weights, samples, epochs, errors, n_epochs, converged, bound)


def perceptron_runs(n_samples, seed=0):
    """``training(margin, learning_rate, max_iter)``: ``n_samples`` points that a
    known line separates with ``margin`` (``datasets.separable``) and the
    perceptron's training on them, replayed: ``X``, ``y``, the line ``(coef,
    intercept)`` and the :class:`Replay`. Each setting runs once and is kept."""

    @functools.cache
    def training(margin, learning_rate, max_iter):
        data = datasets.separable(n_samples, margin=margin, random_state=seed)
        line = (data.coef, data.intercept)
        settings = {"learning_rate": learning_rate, "max_iter": max_iter, "seed": seed}
        return data.X, data.y, line, replay(data.X, data.y, *line, **settings)

    return training


# --- naive Bayes --------------------------------------------------------------


def priors_with(class_counts, index, prior):
    """Class priors where class ``index`` has ``prior`` and the other classes share
    ``1 - prior`` in proportion to their numbers of training samples.

    Returns an array of shape (n_classes,) summing to 1.
    """
    others = np.array(class_counts, dtype=float)
    others[index] = 0.0
    priors = (1.0 - prior) * others / others.sum()
    priors[index] = prior
    return priors


# --- LDA ----------------------------------------------------------------------


def unit(angle_degrees):
    """The unit vector(s) at ``angle_degrees`` from the first axis: (2,) or (2, n)."""
    radians = np.deg2rad(angle_degrees)
    return np.array([np.cos(radians), np.sin(radians)])


def angle_of(w):
    """The angle of direction ``w`` in degrees, in [0, 180): a direction and its
    opposite are the same line."""
    return float(np.rad2deg(np.arctan2(w[1], w[0])) % 180.0)


def with_separation(X, y, factor):
    """``X`` with each class moved so that its distance from the overall mean is
    ``factor`` times what it was; the classes' shapes do not change."""
    classes, y_index = np.unique(y, return_inverse=True)
    centre = X.mean(axis=0)
    means = np.array([X[y_index == c].mean(axis=0) for c in range(len(classes))])
    return X + (factor - 1.0) * (means - centre)[y_index]  # (n_samples, n_features)


def shrunk_direction(X, y, shrinkage):
    """LDA's first discriminant direction with a shrunk covariance, unit length."""
    model = LinearDiscriminantAnalysis(shrinkage=shrinkage).fit(X, y)
    return model.scalings_[:, 0] / np.linalg.norm(model.scalings_[:, 0])


def histogram_bins(X, n_bins=40):
    """Bin edges shared by every direction: projections of ``X - mean`` onto a unit
    vector lie within the largest distance of a point from the mean."""
    reach = np.linalg.norm(X - X.mean(axis=0), axis=1).max()
    return np.linspace(-reach, reach, n_bins + 1)


# --- model selection ----------------------------------------------------------


def score_table(search, x_name, y_name):
    """Mean CV scores of a 2-D grid search as a (n_y, n_x) table, with its axes."""
    params = search.cv_results_["params"]
    xs = sorted({p[x_name] for p in params})
    ys = sorted({p[y_name] for p in params})
    table = np.full((len(ys), len(xs)), np.nan)
    for p, score in zip(params, search.cv_results_["mean_test_score"], strict=True):
        table[ys.index(p[y_name]), xs.index(p[x_name])] = score
    return np.array(xs), np.array(ys), table


def out_of_fold_probabilities(members, X, y, cv):
    """Each member's predicted probabilities for the samples of each test fold.

    Returns a list over folds of ``(test_indices, probabilities)`` with
    probabilities of shape (n_members, n_test, n_classes), and the class index of
    every sample: what a soft vote with any weights needs, so that the explorer can
    re-weigh the members without refitting them.
    """
    _, y_index = np.unique(y, return_inverse=True)
    folds = []
    for train, test in cv.split(X, y):
        probabilities = np.stack(
            [
                clone(member).fit(X[train], y_index[train]).predict_proba(X[test])
                for _, member in members
            ]
        )  # (n_members, n_test, n_classes)
        folds.append((test, probabilities))
    return folds, y_index


def soft_vote_accuracy(folds, y_index, weights):
    """Mean over folds of the accuracy of the weighted soft vote."""
    weights = np.asarray(weights, dtype=float)[:, np.newaxis, np.newaxis]
    scores = []
    for test, probabilities in folds:
        # A plain weighted sum, not a matrix product: the same bits on every
        # machine, so that an exact tie between two classes is broken the same way.
        vote = (weights * probabilities).sum(axis=0)  # (n_test, n_classes)
        scores.append(np.mean(np.argmax(vote, axis=1) == y_index[test]))
    return float(np.mean(scores))


def coarse_indices(n_fine, resolution):
    """Evenly spaced indices of a fine grid axis: a coarser grid inside it."""
    return np.round(np.linspace(0, n_fine - 1, resolution)).astype(int)


# --- random forests -----------------------------------------------------------


def staged_scores(forest, X_train, y_train, X_test, y_test):
    """Out-of-bag and test accuracy of the first 1, 2, ..., B trees of ``forest``.

    Uses only the fitted forest's public attributes: each tree's class
    probabilities (its columns are the class indices its bootstrap sample held)
    and ``estimators_samples_``, the rows each tree was grown on. After ``b`` trees
    a training sample's out-of-bag vote averages those of the first ``b`` trees
    that left it out; samples that no tree left out yet are skipped.

    Returns
    -------
    oob, test : ndarray of shape (n_estimators,)
    """
    n_classes = len(forest.classes_)
    y_train_index = np.searchsorted(forest.classes_, y_train)
    y_test_index = np.searchsorted(forest.classes_, y_test)
    n_trees, n_train = len(forest.estimators_), len(y_train)
    train_proba = np.zeros((n_trees, n_train, n_classes))
    test_proba = np.zeros((n_trees, len(y_test), n_classes))
    out_of_bag = np.ones((n_trees, n_train), dtype=bool)
    for index, (tree, rows) in enumerate(
        zip(forest.estimators_, forest.estimators_samples_, strict=True)
    ):
        train_proba[index][:, tree.classes_] = tree.predict_proba(X_train)
        test_proba[index][:, tree.classes_] = tree.predict_proba(X_test)
        out_of_bag[index, rows] = False
    # Running sums over the trees: (n_trees, n_samples, n_classes).
    oob_votes = np.cumsum(train_proba * out_of_bag[..., np.newaxis], axis=0)
    covered = np.cumsum(out_of_bag, axis=0) > 0  # (n_trees, n_train)
    oob_right = np.argmax(oob_votes, axis=2) == y_train_index  # (n_trees, n_train)
    oob = np.sum(oob_right & covered, axis=1) / np.maximum(covered.sum(axis=1), 1)
    oob[covered.sum(axis=1) == 0] = np.nan
    test_votes = np.cumsum(test_proba, axis=0)
    test = np.mean(np.argmax(test_votes, axis=2) == y_test_index, axis=1)
    return oob, test


def forest_staged_regions(forest, X, sizes, resolution=50):
    """Class index predicted over a grid by the first ``n`` trees, for ``n`` in
    ``sizes``: a list of arrays of shape (resolution, resolution).

    The trees are grown one after the other from one seed, so the first ``n`` trees
    of a forest are exactly the forest that ``n_estimators=n`` grows.
    """
    xs, ys, points = grid_over(X, resolution)
    n_classes = len(forest.classes_)
    votes = np.zeros((len(points), n_classes))  # (n_points, n_classes)
    regions = []
    for count, tree in enumerate(forest.estimators_, start=1):
        votes[:, tree.classes_] += tree.predict_proba(points)
        if count in sizes:
            regions.append(np.argmax(votes, axis=1).reshape(len(ys), len(xs)))
    return xs, ys, regions


def features_used_per_tree(forest):
    """How many distinct features each tree of ``forest`` splits on: (n_estimators,)."""
    trees = forest.estimators_
    return np.array(
        [len(np.unique(tree.feature_[tree.feature_ >= 0])) for tree in trees]
    )


def forest_stages(X_train, y_train, X_test, y_test, max_trees, resolution=50):
    """``grown(max_features, max_depth)``: a forest's out-of-bag and test accuracy
    with its first 1, 2, ..., ``max_trees`` trees, its regions with each over a grid
    covering ``X_train`` (``xs``, ``ys`` and an int8 array of shape (max_trees,
    resolution, resolution)), and the deepest of its first trees.

    The first ``n`` trees of one forest are the forest of ``n`` trees: one fit per
    setting serves every number of trees, and it is kept.
    """

    @functools.cache
    def grown(max_features, max_depth):
        forest = RandomForestClassifier(
            max_trees,
            max_features=max_features,
            max_depth=max_depth,
            random_state=0,
        ).fit(X_train, y_train)
        oob, test = staged_scores(forest, X_train, y_train, X_test, y_test)
        sizes = range(1, max_trees + 1)
        xs, ys, regions = forest_staged_regions(forest, X_train, sizes, resolution)
        depths = np.maximum.accumulate([t.get_depth() for t in forest.estimators_])
        return oob, test, xs, ys, np.array(regions, dtype=np.int8), depths

    return grown


# --- AdaBoost -----------------------------------------------------------------


def sample_weights_by_round(model, X, y):
    """The sample weights each learner of a fitted ``model`` was trained with.

    Round 1 starts from equal weights; every round multiplies the weights of the
    samples its learner got wrong by ``exp(alpha)`` and renormalises. So the weights
    before round ``m`` are proportional to ``exp(sum of alpha_j over the rounds
    j < m whose learner missed the sample)``, computed here from the learners and
    their weights alone.

    Returns
    -------
    ndarray of shape (n_rounds, n_samples), each row summing to 1.
    """
    y_index = np.searchsorted(model.classes_, y)
    alphas = model.estimator_weights_[: len(model.estimators_)]  # (n_rounds,)
    wrong = np.stack([tree.predict(X) != y_index for tree in model.estimators_])
    # Penalty before round m: the alphas of rounds 0 .. m-1 that missed the sample.
    penalties = np.cumsum(alphas[:, np.newaxis] * wrong, axis=0)  # (n_rounds, n)
    penalties = np.vstack([np.zeros(len(y)), penalties[:-1]])  # shift by one round
    weights = np.exp(penalties - penalties.max(axis=1, keepdims=True))  # stable exp
    return weights / weights.sum(axis=1, keepdims=True)


def adaboost_staged_errors(model, X, y):
    """Error rate (1 - accuracy) after each boosting round: (n_rounds,)."""
    return 1.0 - np.fromiter(model.staged_score(X, y), dtype=float)


def adaboost_staged_regions(model, X, sizes, resolution=50):
    """Class index predicted over a grid after ``n`` rounds, for ``n`` in ``sizes``
    (after an early stop, the last round stands in for later ones).

    Returns ``xs``, ``ys`` and a list of arrays of shape (resolution, resolution).
    """
    xs, ys, points = grid_over(X, resolution)
    staged = list(model.staged_predict(points))
    regions = []
    for size in sizes:
        labels = staged[min(size, len(staged)) - 1]
        index = np.searchsorted(model.classes_, labels)
        regions.append(index.reshape(len(ys), len(xs)))
    return xs, ys, regions


def adaboost_stages(X_train, y_train, X_test, y_test, max_rounds, resolution=50):
    """``boosted(max_depth, learning_rate)``: AdaBoost's training and test error
    after each of ``max_rounds`` rounds, and its regions after each round over a
    grid covering ``X_train`` (``xs``, ``ys`` and an int8 array of shape
    (max_rounds, resolution, resolution)).

    The first ``n`` rounds of one ensemble are exactly what ``n_estimators=n``
    would train: one fit per setting serves every number of rounds, and it is kept.
    """

    @functools.cache
    def boosted(max_depth, learning_rate):
        model = AdaBoostClassifier(
            max_rounds, learning_rate=learning_rate, max_depth=max_depth
        ).fit(X_train, y_train)
        train = adaboost_staged_errors(model, X_train, y_train)
        test = adaboost_staged_errors(model, X_test, y_test)
        xs, ys, regions = adaboost_staged_regions(
            model, X_train, range(1, max_rounds + 1), resolution
        )
        return train, test, xs, ys, np.array(regions, dtype=np.int8)

    return boosted


# --- gradient boosting --------------------------------------------------------


def staged_errors(model, X, y):
    """Mean squared error (regressor) or error rate (classifier) after each stage."""
    if hasattr(model, "predict_proba"):
        return np.array([np.mean(p != y) for p in model.staged_predict(X)])
    return np.array([np.mean((y - p) ** 2) for p in model.staged_predict(X)])


def staged_fits(X_train, y_train, X_test, y_test, grid, max_trees):
    """``fits(learning_rate, max_depth, subsample)``: the model of every number of
    trees up to ``max_trees`` on ``grid`` (max_trees, len(grid)), and its training
    and test MSE after every tree.

    One fit of ``max_trees`` trees gives the model of every smaller
    ``n_estimators``, so the explorer's slider over the trees never refits; the fits
    of the settings visited last are kept, so that coming back to one is instant.
    """

    @functools.lru_cache(maxsize=32)
    def fits(learning_rate, max_depth, subsample):
        model = GradientBoostingRegressor(
            n_estimators=max_trees,
            learning_rate=learning_rate,
            max_depth=max_depth,
            subsample=subsample,
            random_state=0,
        ).fit(X_train, y_train)
        curves = np.array(list(model.staged_predict(grid)))
        # A training error of 1e-30 is rounding noise, different on every machine.
        train = np.maximum(staged_errors(model, X_train, y_train), 1e-10)
        return curves, train, staged_errors(model, X_test, y_test)

    return fits


def boosting_stages(X, y, grid, n_stages, *, learning_rate, max_depth):
    """Gradient boosting of ``n_stages`` trees on one feature, stage by stage:
    ``fits[m]`` (len(grid),) and ``train[m]`` (n_samples,) are the model ``F_m`` on
    ``grid`` and on ``X`` (``F_0``, the initial estimate, first), ``trees[m - 1]``
    is the tree ``h_m`` on ``grid``, and ``mse[m]`` is the training MSE of ``F_m``.
    """
    model = GradientBoostingRegressor(
        n_estimators=n_stages, learning_rate=learning_rate, max_depth=max_depth
    ).fit(X, y)
    start = model.initial_estimate_
    fits = [np.full(len(grid), start), *model.staged_predict(grid)]
    train = [np.full(len(y), start), *model.staged_predict(X)]
    trees = [stage[0].predict(grid) for stage in model.estimators_]
    mse = [np.mean((y - prediction) ** 2) for prediction in train]
    return fits, train, trees, mse


# --- XGBoost ------------------------------------------------------------------


def grid_along(X, n_points=300):
    """``n_points`` evenly spaced values of the one feature of ``X``, (n_points, 1)."""
    return np.linspace(X[:, 0].min(), X[:, 0].max(), n_points)[:, np.newaxis]


def xgboost_fit(X_train, y_train, grid, validation=None, **params):
    """An ``XGBoostRegressor(**params)`` fitted on one feature: its prediction on
    ``grid``, its number of leaves (all its trees') and its mean squared error on the
    training data and, if given, on ``validation = (X_val, y_val)``."""
    model = XGBoostRegressor(**params).fit(X_train, y_train)
    n_leaves = sum(trees[0].n_leaves for trees in model.estimators_)
    errors = [mean_squared_error(y_train, model.predict(X_train))]
    if validation is not None:
        errors.append(mean_squared_error(validation[1], model.predict(validation[0])))
    return model.predict(grid), n_leaves, errors
