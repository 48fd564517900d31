"""Association rules (Chapter 22): Apriori and FP-Growth find exactly the itemsets
and rules of a brute-force enumeration and of each other on seeded random
transactions; the classic seven-basket example; and the same itemsets and rules as
mlxtend's apriori, fpgrowth and association_rules on transactions made from
bundled data (the digits' inked pixels, the planted baskets)."""

import warnings
from fractions import Fraction
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from mlxtend.frequent_patterns import apriori, association_rules, fpgrowth

from scratchlearn import datasets
from scratchlearn.unsupervised import Apriori, FPGrowth
from scratchlearn.unsupervised.association_rules import (
    Rule,
    apriori_candidates,
    count_support,
    merge_identical,
    min_count,
    one_hot,
)

MINERS = [Apriori, FPGrowth]


def brute_force(transactions, min_support, min_confidence, max_len=None):
    """Every itemset over the items, counted by looking at every transaction, and
    every split of every frequent one into a rule: the definitions, enumerated.

    Returns ``{itemset: support}`` and ``{(antecedent, consequent): (support,
    confidence, lift)}`` with exact fractions turned into floats once.
    """
    baskets = [set(t) for t in transactions]
    n = len(baskets)
    items = sorted(set().union(*baskets))
    largest = len(items) if max_len is None else max_len
    counts = {}
    for size in range(1, largest + 1):
        for itemset in combinations(items, size):
            count = sum(set(itemset) <= basket for basket in baskets)
            if count / n >= min_support:  # the definition, as documented
                counts[itemset] = count
    rules = {}
    for itemset, count in counts.items():
        for size in range(1, len(itemset)):
            for antecedent in combinations(itemset, size):
                consequent = tuple(i for i in itemset if i not in antecedent)
                if count / counts[antecedent] >= min_confidence:
                    confidence = Fraction(count, counts[antecedent])
                    lift = confidence / Fraction(counts[consequent], n)
                    rules[antecedent, consequent] = (
                        float(Fraction(count, n)),
                        float(confidence),
                        float(lift),
                    )
    supports = {itemset: float(Fraction(c, n)) for itemset, c in counts.items()}
    return supports, rules


def random_transactions(seed, n_transactions, n_items):
    """Baskets whose items have different popularities, some correlated."""
    rng = np.random.default_rng(seed)
    popularity = rng.uniform(0.05, 0.7, size=n_items)
    bought = rng.random((n_transactions, n_items)) < popularity
    together = rng.random(n_transactions) < 0.3  # a planted pattern
    bought[together, :3] = True
    return [np.flatnonzero(row).tolist() for row in bought]


def as_dict(rules):
    return {
        (r.antecedent, r.consequent): (r.support, r.confidence, r.lift) for r in rules
    }


# --- the same as a brute-force enumeration, and as each other -----------------------


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("min_support", [0.05, 0.12, 0.3, 0.6])
def test_both_find_exactly_the_brute_force_itemsets_and_rules(seed, min_support):
    transactions = random_transactions(seed, n_transactions=40 + 30 * seed, n_items=9)
    min_confidence = [0.0, 0.5, 0.8][seed % 3]
    max_len = [None, None, 2, 3][seed % 4]
    supports, rules = brute_force(transactions, min_support, min_confidence, max_len)
    assert supports, "the case must have frequent itemsets to compare"
    fitted = [
        cls(min_support, min_confidence=min_confidence, max_len=max_len).fit(
            transactions
        )
        for cls in MINERS
    ]
    for model in fitted:
        # Exact: every value is one division of integers, as the fractions are.
        assert model.frequent_itemsets_ == supports
        assert as_dict(model.rules_) == rules
    apriori_model, fp_growth_model = fitted
    # The same order too: both run the same rules on the same sorted itemsets.
    assert list(apriori_model.frequent_itemsets_) == list(
        fp_growth_model.frequent_itemsets_
    )
    assert apriori_model.rules_ == fp_growth_model.rules_


@pytest.mark.parametrize("seed", range(3))
def test_apriori_and_fp_growth_agree_on_larger_random_tables(seed):
    """Too many items for brute force (2^25 itemsets): the two against each other."""
    transactions = random_transactions(100 + seed, n_transactions=500, n_items=25)
    for min_support in (0.1, 0.15):
        results = [
            cls(min_support, min_confidence=0.6).fit(transactions) for cls in MINERS
        ]
        assert len(results[0].frequent_itemsets_) > 200
        assert results[0].frequent_itemsets_ == results[1].frequent_itemsets_
        assert results[0].rules_ == results[1].rules_


def test_the_orders_are_the_documented_ones():
    transactions = random_transactions(7, n_transactions=120, n_items=8)
    model = FPGrowth(0.08, min_confidence=0.3).fit(transactions)
    itemsets = list(model.frequent_itemsets_)
    assert itemsets == sorted(itemsets, key=lambda s: (len(s), s))
    assert all(list(s) == sorted(s) for s in itemsets)
    # Strongest first; exact ties in the order of the itemsets, then shorter
    # antecedents first, then in the order of the items.
    position = {itemset: i for i, itemset in enumerate(itemsets)}

    def rank(rule):
        itemset = tuple(sorted(rule.antecedent + rule.consequent))
        return (
            -rule.confidence,
            -rule.lift,
            -rule.support,
            position[itemset],
            len(rule.antecedent),
            rule.antecedent,
        )

    assert model.rules_ == sorted(model.rules_, key=rank)
    assert len({rank(rule)[:3] for rule in model.rules_}) < len(model.rules_), (
        "the case must have exact ties to test their order"
    )


# --- the classic example --------------------------------------------------------------


@pytest.mark.parametrize("cls", MINERS)
def test_the_classic_seven_baskets(cls):
    transactions = datasets.classic_transactions()
    model = cls(0.25, min_confidence=0.8).fit(transactions)
    rules = as_dict(model.rules_)
    expected = {
        ((1,), (2,)): (3 / 7, 1.0),
        ((4,), (2,)): (4 / 7, 0.8),
        ((1, 4), (2,)): (2 / 7, 1.0),
    }
    assert set(rules) == set(expected)  # no other rule reaches confidence 0.8
    for sides, (support, confidence) in expected.items():
        assert rules[sides][:2] == (support, confidence)
    # As the literature rounds them: 1 -> 2 (0.43, 1.0), 4 -> 2 (0.57, 0.8),
    # {1, 4} -> 2 (0.29, 1.0).
    rounded = [(r.antecedent, round(r.support, 2), r.confidence) for r in model.rules_]
    assert rounded == [((1,), 0.43, 1.0), ((1, 4), 0.29, 1.0), ((4,), 0.57, 0.8)]
    # Two lifts: 2 is in 6 of the 7 baskets, so a rule -> 2 lifts it little.
    assert rules[(1,), (2,)][2] == pytest.approx(7 / 6, rel=1e-15)
    assert rules[(4,), (2,)][2] == pytest.approx(0.8 * 7 / 6, rel=1e-15)
    assert model.frequent_itemsets_[(2, 4)] == 4 / 7
    assert (1, 3) not in model.frequent_itemsets_  # one basket of seven


# --- against mlxtend ------------------------------------------------------------------


def mlxtend_itemsets(frame, min_support, algorithm):
    found = algorithm(frame, min_support=min_support, use_colnames=True)
    return dict(zip(found["itemsets"], found["support"], strict=True)), found


def mlxtend_rules(itemsets, n_transactions, min_confidence):
    with warnings.catch_warnings():  # a DeprecationWarning inside pandas
        warnings.simplefilter("ignore", DeprecationWarning)
        rules = association_rules(
            itemsets, n_transactions, metric="confidence", min_threshold=min_confidence
        )
    return {
        (frozenset(a), frozenset(c)): (s, conf, lift)
        for a, c, s, conf, lift in zip(
            rules["antecedents"],
            rules["consequents"],
            rules["support"],
            rules["confidence"],
            rules["lift"],
            strict=True,
        )
    }


def assert_same_as_mlxtend(model, frame, min_support, min_confidence):
    ours = {frozenset(s): support for s, support in model.frequent_itemsets_.items()}
    for algorithm in (apriori, fpgrowth):
        theirs, found = mlxtend_itemsets(frame, min_support, algorithm)
        assert ours.keys() == theirs.keys()
        # mlxtend divides the same integer counts: the same floats.
        assert all(ours[s] == theirs[s] for s in ours)
    theirs_rules = mlxtend_rules(found, len(frame), min_confidence)
    ours_rules = {
        (frozenset(r.antecedent), frozenset(r.consequent)): r[2:] for r in model.rules_
    }
    # At the threshold itself, rounding decides: mlxtend divides two rounded
    # supports (9/10 may come out just below 0.9), we divide two counts (exactly
    # 0.9). Only rules within 1e-12 of it may differ, and only ours keep them.
    on_edge = {
        sides
        for rules in (ours_rules, theirs_rules)
        for sides, values in rules.items()
        if abs(values[1] - min_confidence) < 1e-12
    }
    assert theirs_rules.keys() <= ours_rules.keys()
    assert ours_rules.keys() - theirs_rules.keys() <= on_edge
    shared = list(theirs_rules)
    np.testing.assert_allclose(
        np.array([ours_rules[sides] for sides in shared]),
        np.array([theirs_rules[sides] for sides in shared]),
        rtol=1e-13,
        atol=0,
    )
    return len(ours), len(ours_rules)


@pytest.fixture(scope="module")
def inked_pixels():
    """Each digit image as the set of its inked pixels (intensity > 0)."""
    return datasets.digits().X > 0  # (1797, 64)


@pytest.mark.parametrize("cls", MINERS)
def test_digits_inked_pixels_as_mlxtend(cls, inked_pixels):
    model = cls(0.7, min_confidence=0.95).fit(inked_pixels)
    n_itemsets, n_rules = assert_same_as_mlxtend(
        model, pd.DataFrame(inked_pixels), 0.7, 0.95
    )
    assert n_itemsets > 3000 and n_rules > 10_000  # a real test, not an empty one
    assert max(len(s) for s in model.frequent_itemsets_) >= 8


def test_baskets_with_names_as_mlxtend():
    """The planted baskets, items named by strings: bread and butter come out."""
    names = [f"item {i:02d}" for i in range(20)]
    names[:5] = ["bread", "butter", "pasta", "sauce", "cheese"]
    transactions = [[names[i] for i in b] for b in datasets.baskets(2000)]
    frame = pd.DataFrame(one_hot(transactions)[0], columns=one_hot(transactions)[1])
    for cls in MINERS:
        model = cls(0.02, min_confidence=0.5).fit(transactions)
        n_itemsets, n_rules = assert_same_as_mlxtend(model, frame, 0.02, 0.5)
        assert n_itemsets > 50 and n_rules > 10
        sides = {(r.antecedent, r.consequent) for r in model.rules_}
        assert (("bread",), ("butter",)) in sides
        assert (("cheese", "pasta"), ("sauce",)) in sides


def test_min_support_is_compared_as_a_support_as_mlxtend_does():
    # 0.3 * 10 is 3.0000000000000004 in floating point: an itemset in 3 of 10
    # transactions has support 0.3 and is frequent at min_support=0.3.
    assert min_count(0.3, 10) == 3 and min_count(0.31, 10) == 4
    transactions = [["a", "b"]] * 3 + [["c"]] * 7
    frame = pd.DataFrame(one_hot(transactions)[0], columns=["a", "b", "c"])
    for cls in MINERS:
        model = cls(0.3).fit(transactions)
        assert model.frequent_itemsets_[("a", "b")] == 0.3
        for algorithm in (apriori, fpgrowth):
            theirs, _ = mlxtend_itemsets(frame, 0.3, algorithm)
            assert {frozenset(s) for s in model.frequent_itemsets_} == set(theirs)


# --- the pieces -----------------------------------------------------------------------


def test_candidates_are_joined_then_pruned_by_hand():
    # Frequent pairs 12, 13, 14, 23, 24: joins give 123, 124, 134 and 234; 134 and
    # 234 have the infrequent subset 34 and are pruned.
    frequent = np.array([[1, 2], [1, 3], [1, 4], [2, 3], [2, 4]])
    np.testing.assert_array_equal(apriori_candidates(frequent), [[1, 2, 3], [1, 2, 4]])
    singles = np.array([[0], [2], [5]])
    np.testing.assert_array_equal(apriori_candidates(singles), [[0, 2], [0, 5], [2, 5]])
    assert apriori_candidates(np.array([[1, 2], [3, 4]])).shape == (0, 3)


def test_counting_in_small_chunks_counts_the_same(inked_pixels):
    rng = np.random.default_rng(0)
    candidates = np.sort(rng.choice(64, size=(500, 4)), axis=1)
    expected = [inked_pixels[:, c].all(axis=1).sum() for c in candidates]
    for chunk_size in (2**22, 5000, 1):
        counts = count_support(inked_pixels, candidates, chunk_size=chunk_size)
        np.testing.assert_array_equal(counts, expected)


def test_merging_identical_paths_adds_their_weights():
    paths = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1], [1, 1, 1], [0, 1, 0]], bool)
    weights = np.array([1, 2, 3, 4, 5])
    distinct, merged = merge_identical(paths, weights)
    found = {tuple(row): w for row, w in zip(distinct.tolist(), merged, strict=True)}
    assert found == {(True, False, True): 4, (False, True, False): 7, (True,) * 3: 4}
    wide = np.random.default_rng(1).random((300, 70)) < 0.02  # more than 64 columns
    distinct, merged = merge_identical(np.vstack([wide, wide]), np.ones(600, int))
    assert len(distinct) == len(np.unique(wide, axis=0)) and merged.sum() == 600


# --- input, output and edge cases ----------------------------------------------------


def test_every_form_of_input_gives_the_same_result():
    transactions = datasets.classic_transactions()
    table, items = one_hot(transactions)  # (7, 4) and [1, 2, 3, 4]
    assert items == [1, 2, 3, 4]
    reference = FPGrowth(0.25).fit(transactions)
    forms = {
        "sets": [set(t) for t in transactions],
        "tuples with repeats": tuple(tuple(t) + tuple(t) for t in transactions),
        "a generator": (t for t in transactions),
        "a DataFrame": pd.DataFrame(table, columns=items),
    }
    for name, X in forms.items():
        model = FPGrowth(0.25).fit(X)
        assert model.frequent_itemsets_ == reference.frequent_itemsets_, name
        assert model.rules_ == reference.rules_, name
    # An array has items 0 .. n_items - 1 (its columns); any nonzero entry holds.
    for X in (table, table.astype(int), table * np.arange(2.0, 6.0)):
        model = FPGrowth(0.25).fit(X)
        assert model.items_ == [0, 1, 2, 3]
        assert {
            tuple(i + 1 for i in s): v for s, v in model.frequent_itemsets_.items()
        } == (reference.frequent_itemsets_)


def test_transform_says_which_itemsets_each_transaction_holds(inked_pixels):
    model = Apriori(0.8).fit(inked_pixels)
    holds = model.transform(inked_pixels[:100])
    assert holds.dtype == bool and holds.shape == (100, len(model.frequent_itemsets_))
    for column, itemset in enumerate(model.frequent_itemsets_):
        expected = inked_pixels[:100][:, list(itemset)].all(axis=1)
        np.testing.assert_array_equal(holds[:, column], expected)
    # Column means are the supports.
    np.testing.assert_allclose(
        model.transform(inked_pixels).mean(axis=0),
        list(model.frequent_itemsets_.values()),
        rtol=1e-15,
    )
    named = FPGrowth(0.25).fit(datasets.classic_transactions())
    holds = named.transform([[1, 2, "unseen"], [], [3, 4]])
    expected = [[set(s) <= {1, 2} for s in named.frequent_itemsets_]]
    expected += [[False] * len(named.frequent_itemsets_)]
    expected += [[set(s) <= {3, 4} for s in named.frequent_itemsets_]]
    np.testing.assert_array_equal(holds, expected)


def test_edge_cases():
    one = FPGrowth(0.9).fit([["a", "b", "c"]])  # one transaction: all of it
    # Three pairs with two rules each, the triple with six.
    assert len(one.frequent_itemsets_) == 7 and len(one.rules_) == 12
    assert all(r.confidence == 1.0 and r.lift == 1.0 for r in one.rules_)
    # Empty transactions count: item 1 is in half of the four.
    model = Apriori(0.5, min_confidence=0.0).fit([[1], [], [1, 2], []])
    assert model.frequent_itemsets_ == {(1,): 0.5} and model.rules_ == []
    assert model.n_transactions_ == 4
    for cls in MINERS:
        nothing = cls(0.9).fit(random_transactions(0, 50, 6))
        assert nothing.frequent_itemsets_ == {} and nothing.rules_ == []
        assert nothing.transform([[0, 1]]).shape == (1, 0)
        singles = cls(0.1, max_len=1, min_confidence=0.0).fit([[0, 1], [0, 1]])
        assert list(singles.frequent_itemsets_) == [(0,), (1,)]
        assert singles.rules_ == []
        everything = cls(1.0, min_confidence=1.0).fit([[0, 1, 2], [0, 1], [0, 1, 3]])
        assert list(everything.frequent_itemsets_) == [(0,), (1,), (0, 1)]
        assert [r[:2] for r in everything.rules_] == [((0,), (1,)), ((1,), (0,))]
    assert isinstance(one.rules_[0], Rule)


@pytest.mark.parametrize(
    ("X", "message"),
    [
        ([], "0 transactions"),
        ([[], []], "every transaction is empty"),
        (["bread", "milk"], "the string 'bread'"),
        ([1, 2, 3], "not a collection of hashable items"),
        ([[["bread"], "milk"]], "not a collection of hashable items"),
        (np.array([[1.0, np.nan]]), "NaN or infinity"),
        (np.array([1, 0, 1]), "2-D"),
    ],
)
@pytest.mark.parametrize("cls", MINERS)
def test_bad_transactions_get_a_clear_error(cls, X, message):
    with pytest.raises(ValueError, match=message):
        cls().fit(X)


def test_y_is_ignored_but_must_be_as_long_as_X():
    transactions = datasets.classic_transactions()
    with_y = Apriori(0.25).fit(transactions, np.arange(7))
    assert with_y.rules_ == Apriori(0.25).fit(transactions).rules_
    with pytest.raises(ValueError, match="different numbers of samples"):
        Apriori(0.25).fit(transactions, np.arange(6))


def test_transform_checks_its_input():
    model = FPGrowth(0.25).fit(np.eye(4, dtype=bool)[[0, 1, 1, 2, 3, 3, 3]])
    with pytest.raises(ValueError, match="X has 3 features, but FPGrowth is expecting"):
        model.transform(np.ones((2, 3)))
    with pytest.raises(ValueError, match="the string"):
        model.transform(["ab"])
