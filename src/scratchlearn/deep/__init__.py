"""Deep learning from scratch: layers, losses, optimizers and a Sequential model
(Part III of the book). NumPy only; every gradient is checked by finite differences
and against TensorFlow in the tests."""
