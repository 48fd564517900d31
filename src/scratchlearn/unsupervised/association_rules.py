"""Association rules: frequent itemsets by Apriori and by FP-Growth (Chapter 22).

A shop's baskets (transactions) are sets of items. An *itemset* is frequent when
at least a share ``min_support`` of the baskets hold all of its items; a *rule*
``A -> C`` (antecedent, consequent) says that baskets holding ``A`` often hold
``C`` as well, with a *confidence* of at least ``min_confidence``.

Two ways to find every frequent itemset, which give the same answer:

* :class:`Apriori` (Agrawal and Srikant, 1994) goes level by level: candidates of
  size ``k + 1`` are joined from frequent itemsets of size ``k``, pruned if one of
  their subsets is not frequent, and counted in one pass over the baskets.
* :class:`FPGrowth` (Han, Pei and Yin, 2000) generates no candidates: it grows
  each frequent itemset by one item at a time inside ever smaller *conditional*
  databases, the baskets that hold the itemset so far, compressed.

Both then make the same rules from the itemsets (:func:`association_rules`).

Orders, deterministic and documented (so that outputs reproduce everywhere):

* ``items_``: the distinct items, sorted (or, if they cannot be compared with one
  another, sorted by type name and ``repr``); for an array, its columns;
* ``frequent_itemsets_``: shorter itemsets first, then in the order of ``items_``;
  each itemset is a tuple of items in the order of ``items_``;
* ``rules_``: strongest first, by confidence, then lift, then support (all
  descending); rules that tie on all three keep the order of their itemsets in
  ``frequent_itemsets_``, and within an itemset shorter antecedents come first.

Supports, confidences and lifts are computed from integer counts with one
division each, so that equal fractions are equal floats and ties are exact.
"""

import math
from itertools import combinations
from typing import ClassVar, NamedTuple

import numpy as np

from scratchlearn.base import BaseEstimator, TransformerMixin, check_is_fitted
from scratchlearn.utils.validation import Interval, check_array, check_predict_input


class Rule(NamedTuple):
    """One association rule ``antecedent -> consequent``.

    ``support`` is the share of the transactions holding every item of both sides,
    ``confidence`` the share of those holding the antecedent that also hold the
    consequent, ``lift`` the confidence divided by the consequent's own support.
    """

    antecedent: tuple
    consequent: tuple
    support: float
    confidence: float
    lift: float


# --- transactions as a table ----------------------------------------------------------


def _sorted_items(items):
    """The distinct items, sorted; by type name and repr if they do not compare."""
    try:
        return sorted(items)
    except TypeError:  # e.g. strings and numbers mixed
        return sorted(items, key=lambda item: (type(item).__name__, repr(item)))


def _as_itemset(transaction, index):
    """One transaction as a set, or a clear error for what cannot be one."""
    if isinstance(transaction, str | bytes):
        raise ValueError(
            f"Transaction {index} is the string {transaction!r}: each transaction "
            "must be a collection of items, e.g. ['bread', 'milk'], not one string."
        )
    try:
        return set(transaction)
    except TypeError as error:
        raise ValueError(
            f"Transaction {index} ({transaction!r}) is not a collection of hashable "
            f"items: {error}. Pass a list of transactions, each a list of items, or "
            "a 2-D array with one column per item."
        ) from None


def one_hot(X, items=None):
    """Transactions as a boolean table: row ``i``, column ``j`` is True when
    transaction ``i`` holds item ``j``.

    Parameters
    ----------
    X : list of transactions or array-like of shape (n_transactions, n_items)
        Either a list (any iterable that is not an array) of transactions, each an
        iterable of hashable items, or a 2-D array (NumPy array, DataFrame) with
        one column per item, where a nonzero entry (``True``, ``1``, a pixel's
        intensity) means "holds the item", as in a sparse matrix.
    items : list, optional
        The columns to use, in order (those learned in ``fit``); items of ``X``
        that are not among them are ignored. By default they are read from ``X``:
        its sorted distinct items, or a DataFrame's column names, or ``0 ..
        n_items - 1``.

    Returns
    -------
    present : ndarray of bool, shape (n_transactions, n_items)
    items : list
    """
    if isinstance(X, np.ndarray) or hasattr(X, "__array__") or hasattr(X, "toarray"):
        table = check_array(X)  # finite, 2-D, not empty, not a sparse matrix
        if items is None:
            columns = getattr(X, "columns", None)
            items = list(range(table.shape[1])) if columns is None else list(columns)
        return table != 0, items
    transactions = [_as_itemset(t, index) for index, t in enumerate(X)]
    if not transactions:
        raise ValueError("X is empty: it has 0 transactions.")
    if items is None:
        items = _sorted_items(set().union(*transactions))
        if not items:
            raise ValueError("X has no items: every transaction is empty.")
    column_of = {item: column for column, item in enumerate(items)}
    rows, columns = [], []
    for row, transaction in enumerate(transactions):  # every item read once
        for item in transaction:
            if item in column_of:
                rows.append(row)
                columns.append(column_of[item])
    present = np.zeros((len(transactions), len(items)), dtype=bool)
    present[rows, columns] = True
    return present, items


def min_count(min_support, n_transactions):
    """The least number of transactions ``c`` with ``c / n_transactions >=
    min_support``: an itemset is frequent when its count reaches it.

    The comparison is made as written, on the support ``c / n``, as mlxtend's
    ``apriori`` and ``fpgrowth`` make it: ``ceil(min_support * n)`` alone would
    be one too many, since ``0.3 * 10`` is ``3.0000000000000004``.
    """
    count = max(1, math.ceil(min_support * n_transactions))
    while count > 1 and (count - 1) / n_transactions >= min_support:
        count -= 1
    while count / n_transactions < min_support:
        count += 1
    return count


# --- Apriori --------------------------------------------------------------------------


def _as_rows(itemsets):
    """Each row of an int array as one opaque value, so rows compare as wholes."""
    itemsets = np.ascontiguousarray(itemsets)
    return itemsets.view(
        np.dtype((np.void, itemsets.dtype.itemsize * itemsets.shape[1]))
    )


def apriori_candidates(frequent):
    """Candidates of size ``k + 1`` from the frequent itemsets of size ``k``.

    Parameters
    ----------
    frequent : ndarray of int, shape (n_frequent, k)
        Frequent itemsets as sorted column numbers, rows in lexicographic order.

    Returns
    -------
    candidates : ndarray of int, shape (n_candidates, k + 1)
        Sorted rows in lexicographic order.

    Notes
    -----
    *Join*: two frequent itemsets that share their first ``k - 1`` items, ``{p, a}``
    and ``{p, b}`` with ``a < b``, give the candidate ``{p, a, b}``; every candidate
    arises once, from its two subsets that drop one of its last two items.
    *Prune*: a candidate with an infrequent subset of size ``k`` cannot be frequent
    (support only falls as an itemset grows), so it is dropped before counting.
    Its subsets dropping one of the last two items are the two it was joined
    from; the others are checked here.
    """
    n_frequent, k = frequent.shape
    prefix = _as_rows(frequent[:, :-1]).ravel()  # (n_frequent,)
    # Rows with one prefix are consecutive: each row pairs with the later rows of
    # its group, from row + 1 to the group's end.
    new_group = np.r_[True, prefix[1:] != prefix[:-1]]  # (n_frequent,)
    group_end = np.r_[np.flatnonzero(new_group)[1:], n_frequent]
    end = group_end[np.cumsum(new_group) - 1]  # (n_frequent,) one past each group
    n_partners = end - np.arange(n_frequent) - 1
    first = np.repeat(np.arange(n_frequent), n_partners)  # (n_pairs,)
    starts = np.cumsum(n_partners) - n_partners  # where each row's pairs begin
    second = first + 1 + np.arange(len(first)) - np.repeat(starts, n_partners)
    candidates = np.column_stack([frequent[first], frequent[second, -1]])
    known = _as_rows(frequent).ravel()
    keep = np.ones(len(candidates), dtype=bool)
    for dropped in range(k - 1):  # the subsets without item `dropped`
        subsets = np.delete(candidates, dropped, axis=1)  # (n_candidates, k)
        keep &= np.isin(_as_rows(subsets).ravel(), known)
    return candidates[keep]


def count_support(present, candidates, chunk_size=2**22):
    """How many transactions hold every item of each candidate: one pass over
    the table per item position of the candidates.

    Parameters
    ----------
    present : ndarray of bool, shape (n_transactions, n_items)
    candidates : ndarray of int, shape (n_candidates, k)

    Returns
    -------
    counts : ndarray of int, shape (n_candidates,)
    """
    n_transactions = present.shape[0]
    step = max(1, chunk_size // n_transactions)  # a (n_transactions, step) table
    counts = np.empty(len(candidates), dtype=np.int64)
    for start in range(0, len(candidates), step):  # chunks bound the memory
        block = candidates[start : start + step]  # (n_block, k)
        holds = present[:, block[:, 0]]  # (n_transactions, n_block)
        for position in range(1, block.shape[1]):
            holds &= present[:, block[:, position]]
        counts[start : start + step] = np.count_nonzero(holds, axis=0)
    return counts


def frequent_items(present, min_count):
    """The first pass of both algorithms: each item's count, and the columns of
    the items that reach ``min_count`` (an itemset can only be frequent if all
    its items are).

    Returns
    -------
    item_counts : ndarray of int, shape (n_items,)
    frequent : ndarray of int, shape (n_frequent,)
        Column numbers, increasing.
    """
    item_counts = np.count_nonzero(present, axis=0)  # (n_items,)
    return item_counts, np.flatnonzero(item_counts >= min_count)


def apriori_itemsets(present, min_count, max_len=None):
    """Every frequent itemset and its count, level by level (Apriori).

    Parameters
    ----------
    present : ndarray of bool, shape (n_transactions, n_items)
    min_count : int
        The count an itemset needs to be frequent.
    max_len : int or None
        The largest itemset size to look for.

    Returns
    -------
    counts : dict
        ``{itemset: count}``, each itemset a tuple of increasing column numbers.
    """
    item_counts, frequent = frequent_items(present, min_count)
    found = {(int(i),): int(item_counts[i]) for i in frequent}
    frequent = frequent[:, np.newaxis]  # (n_frequent, 1): the 1-itemsets
    size = 1
    while len(frequent) > 1 and (max_len is None or size < max_len):
        candidates = apriori_candidates(frequent)  # (n_candidates, size + 1)
        counts = count_support(present, candidates)  # one pass over the table
        frequent = candidates[counts >= min_count]
        found.update(
            zip(
                map(tuple, frequent.tolist()),
                counts[counts >= min_count].tolist(),
                strict=True,
            )
        )
        size += 1
    return found


# --- FP-Growth ------------------------------------------------------------------------


def row_keys(paths):
    """Each boolean row as one number (its bits packed), so that rows can be
    sorted and compared as wholes: ``uint64`` for up to 64 columns, else bytes."""
    packed = np.packbits(paths, axis=1)  # (n_paths, ceil(n_items / 8)) uint8
    n_bytes = packed.shape[1]
    if n_bytes <= 8:
        padded = np.zeros((len(packed), 8), dtype=np.uint8)
        padded[:, :n_bytes] = packed
        return padded.view(np.uint64).ravel()
    return np.ascontiguousarray(packed).view(np.dtype((np.void, n_bytes))).ravel()


def merge_identical(paths, weights):
    """Identical rows merged into one, their weights added.

    This is what an FP-tree does: transactions with the same items share one path
    and a count. Returns the distinct rows and their weights, ``(n_distinct,
    n_items)`` and ``(n_distinct,)``, in the order of their packed bits.
    """
    keys = row_keys(paths)  # (n_paths,)
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    starts = np.flatnonzero(keys[1:] != keys[:-1]) + 1  # where each new row starts
    starts = np.concatenate([[0], starts])
    return paths[order[starts]], np.add.reduceat(weights[order], starts)


def fp_growth_itemsets(present, min_count, max_len=None):
    """Every frequent itemset and its count, by pattern growth (FP-Growth): the
    same arguments and result as :func:`apriori_itemsets`.

    Notes
    -----
    Items are put in the FP-tree's order, most frequent first (ties by column).
    Each transaction becomes a *path*: its frequent items in that order; the tree
    stores identical paths once with a count (:func:`merge_identical`). Then, for
    each item ``i`` from the least frequent up, the *conditional pattern base* of
    ``i`` is the set of paths through ``i``, cut above ``i``, with their counts:
    the transactions that hold ``i``, restricted to the items before it. Counting
    each item ``j`` there gives the count of ``{j, i}``; the frequent ones grow the
    same way inside it (:func:`grow_itemsets`). Each itemset is found exactly
    once, as its items in the tree's order, from the last one up.
    """
    item_counts, frequent = frequent_items(present, min_count)
    order = frequent[np.lexsort((frequent, -item_counts[frequent]))]  # the tree's
    found = {}
    if len(order):
        paths, weights = merge_identical(
            present[:, order], np.ones(len(present), dtype=np.int64)
        )
        grow_itemsets(
            paths, weights, order, item_counts[order], (), found, min_count, max_len
        )
    return found


def grow_itemsets(paths, weights, items, supports, suffix, found, min_count, max_len):
    """Record ``{item} + suffix`` for each item of a conditional database, and
    grow each further inside its own conditional database.

    ``paths`` (n_paths, n_items) and ``weights`` (n_paths,) are the database,
    ``items`` (n_items,) the column numbers of its columns in the tree's order,
    all frequent with counts ``supports`` (n_items,).
    """
    for position in range(len(items) - 1, -1, -1):  # from the bottom of the tree
        itemset = (int(items[position]), *suffix)
        found[tuple(sorted(itemset))] = int(supports[position])
        if max_len is not None and len(itemset) >= max_len:
            continue
        through = paths[:, position]  # the paths that hold this item
        base = paths[through, :position]  # cut above it: (n_through, position)
        base_weights = weights[through]
        base_supports = base_weights @ base  # (position,) counts with the item
        keep = base_supports >= min_count  # the conditional tree's items
        if not keep.any():
            continue
        base, base_weights = merge_identical(base[:, keep], base_weights)
        grow_itemsets(
            base,
            base_weights,
            items[:position][keep],
            base_supports[keep],
            itemset,
            found,
            min_count,
            max_len,
        )


# --- rules ----------------------------------------------------------------------------


def association_rules(counts, n_transactions, min_confidence):
    """Every rule ``A -> C`` whose itemset ``A + C`` is frequent and whose
    confidence reaches ``min_confidence``, strongest first.

    Parameters
    ----------
    counts : dict
        ``{itemset: count}`` of every frequent itemset (tuples, in the canonical
        order of ``frequent_itemsets_``); every subset of a frequent itemset is
        frequent, so each side's count is there.
    n_transactions : int
    min_confidence : float

    Returns
    -------
    rules : list of Rule
        With the sides as tuples of the same items as ``counts``' keys.

    Notes
    -----
    For disjoint non-empty itemsets :math:`A` and :math:`C`, with
    :math:`n(S)` the number of transactions holding :math:`S` and :math:`N` the
    number of transactions,

    .. math::

        \\mathrm{support} = \\frac{n(A \\cup C)}{N}, \\quad
        \\mathrm{confidence} = \\frac{n(A \\cup C)}{n(A)}, \\quad
        \\mathrm{lift} = \\frac{\\mathrm{confidence}}{n(C) / N}
        = \\frac{N\\, n(A \\cup C)}{n(A)\\, n(C)}.

    Each is one division of integers (Python's integers are exact), so equal
    fractions give equal floats. A Python loop over the itemsets and their
    splits: each rule is a Python object in the end anyway.
    """
    rules = []
    for itemset, count in counts.items():
        for size in range(1, len(itemset)):
            for antecedent in combinations(itemset, size):
                antecedent_count = counts[antecedent]
                confidence = count / antecedent_count
                if confidence < min_confidence:
                    continue
                consequent = tuple(i for i in itemset if i not in antecedent)
                lift = count * n_transactions / (antecedent_count * counts[consequent])
                rules.append(
                    Rule(
                        antecedent, consequent, count / n_transactions, confidence, lift
                    )
                )
    rules.sort(key=lambda rule: (-rule.confidence, -rule.lift, -rule.support))  # stable
    return rules


# --- the estimators -------------------------------------------------------------------


def _check_y_length(y, n_transactions):
    """``y`` is ignored, but if given it must have one entry per transaction."""
    if y is None:
        return
    y = check_array(y, name="y", ensure_2d=False, dtype=None)
    if len(y) != n_transactions:
        raise ValueError(
            f"X and y have different numbers of samples: X has {n_transactions}, "
            f"y has {len(y)}."
        )


class _FrequentItemsetMiner(TransformerMixin, BaseEstimator):
    """What Apriori and FP-Growth share: the input, the rules, ``transform``."""

    _parameter_constraints: ClassVar[dict] = {
        "min_support": [Interval(float, 0, 1, closed="right")],
        "min_confidence": [Interval(float, 0, 1, closed="both")],
        "max_len": [None, Interval(int, 1, None, closed="left")],
    }

    def __init__(self, min_support=0.5, *, min_confidence=0.8, max_len=None):
        self.min_support = min_support
        self.min_confidence = min_confidence
        self.max_len = max_len

    def _itemset_counts(self, present, min_count):
        raise NotImplementedError

    def fit(self, X, y=None):
        """Find the frequent itemsets of ``X`` and the rules they give.

        Parameters
        ----------
        X : list of transactions or array-like of shape (n_transactions, n_items)
            Transactions, each an iterable of hashable items; or a table with one
            column per item where a nonzero entry means "holds the item".
        y : ignored
            Accepted for pipelines; if given, it must be as long as ``X``.

        Returns
        -------
        self
        """
        self._validate_params()
        present, items = one_hot(X)  # (n_transactions, n_items)
        n_transactions = len(present)
        _check_y_length(y, n_transactions)
        counts = self._itemset_counts(
            present, min_count(self.min_support, n_transactions)
        )
        # The canonical order: shorter itemsets first, then by column.
        counts = dict(sorted(counts.items(), key=lambda pair: (len(pair[0]), pair[0])))
        self.items_ = items
        self.n_transactions_ = n_transactions
        self.n_features_in_ = len(items)
        self.frequent_itemsets_ = {
            tuple(items[i] for i in itemset): count / n_transactions
            for itemset, count in counts.items()
        }
        self.rules_ = [
            rule._replace(
                antecedent=tuple(items[i] for i in rule.antecedent),
                consequent=tuple(items[i] for i in rule.consequent),
            )
            for rule in association_rules(counts, n_transactions, self.min_confidence)
        ]
        self._itemset_columns = list(counts)
        return self

    def transform(self, X):
        """Which frequent itemsets each transaction holds.

        Parameters
        ----------
        X : list of transactions or array-like of shape (n_transactions, n_items)
            As in ``fit``; items not seen in ``fit`` are ignored.

        Returns
        -------
        holds : ndarray of bool, shape (n_transactions, n_itemsets)
            Column ``j`` is the ``j``-th itemset of ``frequent_itemsets_``.
        """
        check_is_fitted(self)
        if isinstance(X, np.ndarray) or hasattr(X, "__array__"):
            present = check_predict_input(self, X) != 0
        else:
            present, _ = one_hot(X, self.items_)
        membership = np.zeros(
            (self.n_features_in_, len(self._itemset_columns)), dtype=np.int64
        )
        for column, itemset in enumerate(self._itemset_columns):
            membership[list(itemset), column] = 1
        sizes = membership.sum(axis=0)  # (n_itemsets,)
        # Integer products: exact, whatever the BLAS.
        return present.astype(np.int64) @ membership == sizes


class Apriori(_FrequentItemsetMiner):
    """Frequent itemsets and association rules by the Apriori algorithm.

    Parameters
    ----------
    min_support : float in (0, 1], default 0.5
        An itemset is frequent when at least this share of the transactions hold
        it: ``count / n_transactions >= min_support``.
    min_confidence : float in [0, 1], default 0.8
        A rule is kept when its confidence is at least this.
    max_len : int >= 1 or None, default None
        The largest itemset size to look for (``None``: no limit).

    Attributes
    ----------
    items_ : list
        The distinct items, in the order of the columns (see the module's notes).
    frequent_itemsets_ : dict
        ``{itemset: support}``, each itemset a tuple of items in the order of
        ``items_``; shorter itemsets first, then in the order of ``items_``.
    rules_ : list of Rule
        ``(antecedent, consequent, support, confidence, lift)``, strongest first
        (confidence, then lift, then support, descending).
    n_transactions_ : int
    n_features_in_ : int
        The number of items (columns).

    Notes
    -----
    Support falls as an itemset grows: every transaction that holds
    :math:`A \\cup \\{x\\}` holds :math:`A`. So every subset of a frequent itemset
    is frequent, and a candidate of size :math:`k + 1` is worth counting only if
    all its subsets of size :math:`k` are frequent. Apriori counts the frequent
    items, then repeats: join frequent :math:`k`-itemsets into candidates, prune
    those with an infrequent subset (:func:`apriori_candidates`), count the rest
    in one pass over the transactions (:func:`count_support`), until no candidate
    is frequent. The counting passes cost :math:`O(N \\cdot k)` per candidate.

    Chapter 22 explains this code.

    References
    ----------
    Agrawal, R. and Srikant, R. (1994). Fast algorithms for mining association
    rules. Proceedings of the 20th VLDB Conference, 487-499.
    """

    def _itemset_counts(self, present, min_count):
        return apriori_itemsets(present, min_count, self.max_len)


class FPGrowth(_FrequentItemsetMiner):
    """Frequent itemsets and association rules by FP-Growth.

    The same parameters, attributes and results as :class:`Apriori`; only the way
    the frequent itemsets are found differs.

    Parameters
    ----------
    min_support : float in (0, 1], default 0.5
        An itemset is frequent when at least this share of the transactions hold
        it: ``count / n_transactions >= min_support``.
    min_confidence : float in [0, 1], default 0.8
        A rule is kept when its confidence is at least this.
    max_len : int >= 1 or None, default None
        The largest itemset size to look for (``None``: no limit).

    Attributes
    ----------
    items_ : list
    frequent_itemsets_ : dict
        ``{itemset: support}``, in the same order as :class:`Apriori`'s.
    rules_ : list of Rule
    n_transactions_ : int
    n_features_in_ : int

    Notes
    -----
    No candidates: the transactions are compressed once into an FP-tree (each
    transaction's frequent items in order of decreasing support, identical
    prefixes shared, with counts), and each frequent itemset :math:`S` grows by
    one item :math:`i` at a time inside the *conditional database* of :math:`S`:
    the tree's paths through :math:`S`, cut above its first item, with their
    counts. The support of :math:`\\{i\\} \\cup S` is the count of :math:`i` there.
    The databases shrink at every step, and the work is proportional to the
    itemsets found rather than to the candidates tried. Here the tree is kept as
    its distinct paths with their counts (:func:`merge_identical`): the paths of
    an item's conditional pattern base are exactly the distinct prefixes of the
    transactions holding it.

    Chapter 22 explains this code.

    References
    ----------
    Han, J., Pei, J. and Yin, Y. (2000). Mining frequent patterns without candidate
    generation. Proceedings of the 2000 ACM SIGMOD Conference, 1-12.
    """

    def _itemset_counts(self, present, min_count):
        return fp_growth_itemsets(present, min_count, self.max_len)
