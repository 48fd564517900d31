"""Every tree of an ensemble walked at once (Chapters 12-14).

A tree keeps its nodes in flat arrays (Chapter 10): ``feature[node]`` and
``threshold[node]`` say which way a sample goes, ``left[node]`` and ``right[node]``
which child it goes to, ``-1`` at a leaf. One tree predicts by walking all the samples
down together, one level per step. An ensemble predicted tree by tree turns that Python
loop once per level of every tree: for a hundred small trees the loop, not the
arithmetic, is what takes the time.

Laid end to end in one set of arrays, the trees are walked all at once instead: each
step moves every sample one level down in every tree, in a few array operations on an
array of shape (n_samples, n_trees). Two details make that a plain loop of ``depth``
steps:

* a leaf becomes its own child, left and right, so a sample that has arrived at a leaf
  stays there while the others walk on;
* each tree's child indices are shifted by where the tree starts in the joined arrays,
  so one index reaches any node of any tree.
"""

from typing import NamedTuple

import numpy as np

LEAF = -1  # the child index that marks a leaf, in every tree of the package


class Forest(NamedTuple):
    """The nodes of several trees in one set of arrays.

    Attributes
    ----------
    feature, threshold, left, right : ndarray of shape (n_nodes,)
        The trees' node arrays, joined; ``left`` and ``right`` of a leaf point to
        the leaf itself.
    roots : ndarray of shape (n_trees,)
        Index of each tree's root in the joined arrays.
    depth : int
        The most steps from a root to a leaf, over all trees.
    """

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    roots: np.ndarray
    depth: int


def tree_depth(left, right):
    """Steps from the root (node 0) to the deepest leaf of one tree."""
    frontier, depth = np.array([0]), 0
    while True:
        inner = frontier[left[frontier] != LEAF]  # nodes of this level with children
        if inner.size == 0:
            return depth
        frontier = np.concatenate([left[inner], right[inner]])
        depth += 1


def join_trees(trees):
    """One :class:`Forest` from ``(feature, threshold, left, right)`` of each tree."""
    features, thresholds, lefts, rights, roots = [], [], [], [], []
    start, depth = 0, 0
    for feature, threshold, left, right in trees:
        nodes = np.arange(len(feature))  # (n_nodes_of_tree,)
        leaf = left == LEAF
        features.append(np.where(leaf, 0, feature))  # any valid column will do
        thresholds.append(threshold)
        lefts.append(np.where(leaf, nodes, left) + start)  # a leaf is its own child
        rights.append(np.where(leaf, nodes, right) + start)
        roots.append(start)
        depth = max(depth, tree_depth(left, right))
        start += len(feature)
    return Forest(
        np.concatenate(features),
        np.concatenate(thresholds).astype(np.float64),
        np.concatenate(lefts),
        np.concatenate(rights),
        np.array(roots, dtype=np.intp),
        depth,
    )


def apply_forest(forest, X, *, strictly_below=False):
    """The leaf each row of ``X`` ends in, in every tree: shape (n_samples, n_trees).

    Leaf ids index the joined arrays (so a value per joined node, such as
    ``np.concatenate([tree.value_ for tree in trees])``, reads directly). A sample
    goes left when its value is ``<= threshold``, or ``< threshold`` with
    ``strictly_below`` (XGBoost's convention).
    """
    rows = np.arange(X.shape[0])[:, np.newaxis]  # (n_samples, 1)
    node = np.tile(forest.roots, (X.shape[0], 1))  # (n_samples, n_trees)
    for _ in range(forest.depth):  # one level down in every tree at once
        values = X[rows, forest.feature[node]]  # (n_samples, n_trees)
        threshold = forest.threshold[node]  # (n_samples, n_trees)
        goes_left = values < threshold if strictly_below else values <= threshold
        node = np.where(goes_left, forest.left[node], forest.right[node])
    return node
