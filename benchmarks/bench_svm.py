"""Chapter 9: the SMO support vector classifier against scikit-learn's SVC (LIBSVM)."""

from harness import Case, split
from sklearn import svm
from sklearn.datasets import make_moons

from scratchlearn.supervised import SVC


def breast_cancer():
    """Standardised with the training set's mean and spread."""
    return split("breast_cancer", standardise=True)


def moons():
    """The chapter's two moons: 400 training and 400 test points."""
    X, y = make_moons(800, noise=0.25, random_state=0)
    return X[:400], X[400:], y[:400], y[400:]


def large_moons():
    """3,000 training and 1,000 test points: the kernel matrix is 3,000 x 3,000."""
    X, y = make_moons(4_000, noise=0.3, random_state=1)
    return X[:3_000], X[3_000:], y[:3_000], y[3_000:]


CASES = [
    Case(
        name="SVC rbf, breast cancer",
        chapter="9",
        data=breast_cancer,
        ours=SVC,
        reference=svm.SVC,
        notes="reference: sklearn SVC (LIBSVM, C++)",
    ),
    Case(
        name="SVC linear C=0.1, breast cancer",
        chapter="9",
        data=breast_cancer,
        ours=lambda: SVC(kernel="linear", C=0.1),
        reference=lambda: svm.SVC(kernel="linear", C=0.1),
    ),
    Case(
        name="SVC rbf C=10 gamma=2, moons",
        chapter="9",
        data=moons,
        ours=lambda: SVC(C=10.0, gamma=2.0),
        reference=lambda: svm.SVC(C=10.0, gamma=2.0),
    ),
    Case(
        name="SVC poly degree=3 coef0=1, moons",
        chapter="9",
        data=moons,
        ours=lambda: SVC(kernel="poly", degree=3, coef0=1.0),
        reference=lambda: svm.SVC(kernel="poly", degree=3, coef0=1.0),
    ),
    Case(
        name="SVC rbf, 3000 moons",
        chapter="9",
        data=large_moons,
        ours=SVC,
        reference=svm.SVC,
        repeats=3,
    ),
]
