"""A method that exists only in some settings: :func:`available_if`."""

import functools
import types


class _AvailableIf:
    """The descriptor behind :func:`available_if`."""

    def __init__(self, method, check, reason):
        self.method = method
        self.check = check
        self.reason = reason
        functools.update_wrapper(self, method)

    def __get__(self, instance, owner=None):
        if instance is None:
            return self.method  # on the class: the plain function (documentation)
        if not self.check(instance):
            raise AttributeError(
                self.reason
                or f"This {type(instance).__name__} has no {self.method.__name__} "
                "with its current settings."
            )
        return types.MethodType(self.method, instance)


def available_if(check, reason=None):
    """Make a method exist on an instance only while ``check(instance)`` is true.

    ``reason`` is the message of the ``AttributeError`` raised otherwise.

    ``SVC.predict_proba`` exists only with ``probability=True``: with it missing,
    ``hasattr(model, "predict_proba")`` is ``False``, so code that asks for
    probabilities where they can be had (scikit-learn's scorers and checks, a
    soft-voting ensemble) falls back to ``decision_function`` as it should, instead
    of calling a method that fails. It is scikit-learn's decorator of the same name.
    """

    def decorate(method):
        return _AvailableIf(method, check, reason)

    return decorate
