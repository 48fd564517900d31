"""What every layer has in common (Chapter 23 introduces it).

A layer turns a batch ``X`` of shape ``(batch, *input_shape)`` into an output of
shape ``(batch, *output_shape)``. Its two halves sit side by side in each class:

* ``forward(X, training)`` computes the output and keeps what the backward pass needs;
* ``backward(grad_output)`` receives dLoss/dOutput, stores dLoss/dParameter for each
  parameter in ``grads`` and returns dLoss/dInput for the layer below.

Parameters live in the dict ``params`` and their gradients in ``grads`` under the
same names, so every optimizer updates every layer the same way.

Masks (Chapter 27). A sequence batch padded to one length carries a boolean mask of
shape ``(batch, timesteps)``, True where a step is real. As in Keras, a layer says
with two class attributes what it does with the mask of its input:

* ``accepts_mask = True``: its ``forward(X, training=False, mask=None)`` takes the
  mask and uses it (a recurrent layer skips the padded steps, a pooling layer leaves
  them out of its mean);
* ``supports_masking = True``: it passes the mask on unchanged (the default
  :meth:`Layer.compute_mask`); a layer can instead override ``compute_mask`` to make
  a mask (``Embedding(mask_zero=True)``) or to consume it (return ``None``).

:class:`~scratchlearn.deep.model.Sequential` carries the mask from layer to layer.
A mask reaching a layer that neither accepts nor supports masking is dropped there,
with a warning, as in Keras 3: the layers above it see no mask.
"""

import numpy as np

from scratchlearn.deep import initializers


class Layer:
    """Base class of all layers.

    Subclasses set their hyperparameters in ``__init__`` (and nothing else), create
    their parameters in ``build`` once the input shape is known, and implement
    ``forward``, ``backward`` and ``compute_output_shape``.

    Attributes
    ----------
    params : dict of str to ndarray
        Trainable parameters, updated in place by the optimizers.
    grads : dict of str to ndarray
        Gradient of the loss with respect to each parameter, after ``backward``.
    state : dict of str to ndarray
        Non-trainable arrays that are saved with the model (batch normalisation's
        running statistics).
    input_shape_, output_shape_ : tuple of int
        Shapes of one sample (without the batch dimension), set by ``build``.
    """

    supports_masking = False  # passes the mask of its input on, unchanged
    accepts_mask = False  # forward(X, training, mask) uses the mask

    def __init__(self):
        self.params = {}
        self.grads = {}
        self.state = {}
        self.built = False

    def build(self, input_shape, rng):
        """Create the parameters for inputs of ``input_shape`` (one sample's shape).

        ``rng`` is a ``numpy.random.Generator`` used for initialisation.
        """
        self.input_shape_ = tuple(input_shape)
        self.output_shape_ = tuple(self.compute_output_shape(self.input_shape_))
        self.built = True

    def add_kernel_and_bias(self, kernel_shape, bias_shape, rng, prefix=""):
        """Draw the parameters ``<prefix>kernel`` of ``kernel_shape`` and, if the
        layer ``use_bias``, ``<prefix>bias`` of ``bias_shape`` from ``rng``, with
        the layer's ``kernel_initializer`` and ``bias_initializer``: the set-up that
        Dense, the convolutions and each of attention's projections share."""
        kernel = initializers.get(self.kernel_initializer)(kernel_shape, rng)
        self.params[prefix + "kernel"] = np.asarray(kernel, dtype=np.float64)
        if self.use_bias:
            bias = initializers.get(self.bias_initializer)(bias_shape, rng)
            self.params[prefix + "bias"] = np.asarray(bias, dtype=np.float64)

    def compute_output_shape(self, input_shape):
        """Shape of one output sample for one input sample of ``input_shape``."""
        return tuple(input_shape)

    def forward(self, X, training=False):
        raise NotImplementedError

    def compute_mask(self, X, mask=None):
        """The mask of this layer's output, given its input ``X`` and the input's
        ``mask`` (boolean, ``(batch, timesteps)``, or ``None``).

        Keras's rule by default: the input's mask if the layer ``supports_masking``,
        else ``None`` (the mask stops here). Layers that make a mask (an embedding
        of padded token ids) or change the time axis override it.
        """
        return mask if self.supports_masking else None

    def backward(self, grad_output):
        raise NotImplementedError

    def get_config(self):
        """Hyperparameters as a JSON-serialisable dict, to rebuild the layer on load."""
        return {}

    @property
    def n_params(self):
        """Number of trainable values (what Keras's summary counts as trainable)."""
        return int(sum(p.size for p in self.params.values()))

    def check_input(self, X):
        """Raise a clear error if ``X`` does not have this layer's input shape."""
        X = np.asarray(X)
        if X.shape[1:] != self.input_shape_:
            raise ValueError(
                f"{type(self).__name__} expects inputs of shape (batch, "
                f"{', '.join(map(str, self.input_shape_))}), got {X.shape}."
            )
        return X

    def __repr__(self):
        config = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({config})"
