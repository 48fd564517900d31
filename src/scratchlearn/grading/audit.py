"""Read a learner's notebook before it runs: library calls and tampering, from the code.

Grading runs the learner's code, so what that code could do to the grading is decided
here, in the grading process, from the source alone (the abstract syntax tree of each
cell), before any of it runs:

* **Library calls.** A task asks the learner to write an algorithm; an answer that
  reaches, through its functions and the notebook's other definitions, an import of a
  library that implements it (``scratchlearn``, scikit-learn, TensorFlow, SciPy...)
  scores zero for that task, with a message naming the import. What the master's own
  solution of the task uses is allowed (a task may give a helper).
* **Tampering.** Code that could change how the checks judge (replacing a module's
  attribute such as ``np.isclose`` or ``np.testing.assert_allclose``, touching the
  grader, reading files such as the hidden tests, reaching the interpreter's internals)
  makes the whole notebook score zero: it is not run at all.

The rules are deliberately strict: an answer needs NumPy and plain Python, nothing that
reads files, imports by name, or changes other modules.
"""

import ast
import dataclasses
import functools
import importlib.util
import re

# Packages whose code implements the book's algorithms: an answer may not call them.
# (scipy.special holds mathematical functions such as expit and logsumexp: allowed.)
LIBRARIES = {
    "scratchlearn": "scratchlearn",
    "sklearn": "scikit-learn",
    "tensorflow": "TensorFlow",
    "keras": "Keras",
    "torch": "PyTorch",
    "jax": "JAX",
    "flax": "Flax",
    "xgboost": "XGBoost",
    "lightgbm": "LightGBM",
    "catboost": "CatBoost",
    "statsmodels": "statsmodels",
    "scipy": "SciPy",
    "mlxtend": "mlxtend",
    "hmmlearn": "hmmlearn",
    "deap": "DEAP",
    "pyswarms": "PySwarms",
    "gymnasium": "Gymnasium",
    "stable_baselines3": "Stable-Baselines3",
}
ALLOWED_LIBRARY_MODULES = ("scratchlearn.grading", "scipy.special")

# Modules that reach files, the interpreter, the kernel or the grader.
BLOCKED_MODULES = {
    "_thread",
    "atexit",
    "builtins",
    "code",
    "codeop",
    "ctypes",
    "dill",
    "cloudpickle",
    "faulthandler",
    "fileinput",
    "gc",
    "glob",
    "importlib",
    "inspect",
    "io",
    "ipykernel",
    "IPython",
    "jupyter_client",
    "linecache",
    "marshal",
    "multiprocessing",
    "nbclient",
    "nbconvert",
    "nbformat",
    "numpy.testing",
    "os",
    "otter",
    "pathlib",
    "pickle",
    "pkgutil",
    "posix",
    "pty",
    "pytest",
    "resource",
    "runpy",
    "shelve",
    "shutil",
    "signal",
    "site",
    "socket",
    "subprocess",
    "sys",
    "sysconfig",
    "tarfile",
    "tempfile",
    "threading",
    "traceback",
    "types",
    "unittest",
    "urllib",
    "weakref",
    "zipfile",
    "zipimport",
}
# Built-in functions that read files, run strings as code or reach names by strings.
BLOCKED_NAMES = {
    "__builtins__",
    "__import__",
    "__loader__",
    "__spec__",
    "breakpoint",
    "compile",
    "delattr",
    "eval",
    "exec",
    "exit",
    "get_ipython",
    "getattr",
    "globals",
    "input",
    "locals",
    "open",
    "quit",
    "setattr",
    "vars",
}
# Attributes that reach an object's namespace, code, frames or class machinery, and
# NumPy's and pandas' file readers (the hidden tests are files).
BLOCKED_ATTRIBUTES = {
    "__base__",
    "__bases__",
    "__builtins__",
    "__closure__",
    "__code__",
    "__defaults__",
    "__delattr__",
    "__dict__",
    "__func__",
    "__getattribute__",
    "__globals__",
    "__import__",
    "__kwdefaults__",
    "__loader__",
    "__mro__",
    "__reduce__",
    "__reduce_ex__",
    "__self__",
    "__setattr__",
    "__spec__",
    "__subclasses__",
    "__traceback__",
    "__wrapped__",
    "f_back",
    "f_builtins",
    "f_globals",
    "f_locals",
    "gi_frame",
    "cr_frame",
    "tb_frame",
    "DataSource",
    "fromfile",
    "fromregex",
    "genfromtxt",
    "load",
    "loadtxt",
    "memmap",
    "read_csv",
    "read_pickle",
    "read_table",
}
# The only uses of the notebook's grader a learner's cell may make.
GRADER_METHODS = {"check", "check_all", "export"}


@dataclasses.dataclass
class Audit:
    """What :func:`audit` found.

    Attributes
    ----------
    tampering : list of str
        One message per tampering found; any makes the notebook score zero.
    library : dict
        ``{question: [message, ...]}``: library calls that make a question score zero.
    """

    tampering: list = dataclasses.field(default_factory=list)
    library: dict = dataclasses.field(default_factory=dict)


def audit(submission, learner, master):
    """Audit a learner's notebook against its exercise.

    Parameters
    ----------
    submission : nbformat.NotebookNode
        The notebook to grade.
    learner : nbformat.NotebookNode
        The untouched learner notebook generated from the master (its generated cells,
        the set-up and the checks, are trusted when unchanged).
    master : nbformat.NotebookNode
        The master notebook (which names each task's answers, and whose solution
        says which imports a task may use).

    Returns
    -------
    Audit
    """
    trusted = {
        cell.source
        for cell in learner.cells
        if cell.cell_type == "code"
        and (cell.get("id") in ("setup", "score") or _is_check_cell(cell.source))
    }
    cells = [
        (cell.get("id"), cell.source)
        for cell in submission.cells
        if cell.cell_type == "code" and cell.source not in trusted
    ]
    result = Audit()
    trees = []
    for _, source in cells:
        tree = _parse(source)
        if tree is not None:
            trees.append((source, tree))
    notebook = _Notebook([tree for _, tree in trees])
    for source, tree in trees:
        for message in notebook.tampering(tree):
            result.tampering.append(
                f"{message} (in the cell starting {_first(source)})"
            )
    result.tampering = list(dict.fromkeys(result.tampering))
    answers = answer_names(master)
    allowed = _solution_libraries(master, answers)
    for question, names in answers.items():
        found = notebook.library_uses(names, allowed.get(question, set()))
        if found:
            result.library[question] = [
                f"Your answer uses {what}: {LIBRARIES[what.split('.')[0].strip('`')]}"
                f"'s own implementation, where this task asks you to write it "
                "yourself with NumPy. The task scores 0 (the checks read your code, "
                "not only its results)."
                for what in found
            ]
    return result


def answer_names(master):
    """``{question: [names defined by its solution cells]}`` of a master notebook."""
    import yaml

    answers, question, in_solution = {}, None, False
    for cell in master.cells:
        text = cell.source.strip()
        if cell.cell_type == "raw":
            if text.startswith("# BEGIN QUESTION"):
                question = (yaml.safe_load(text) or {}).get("name")
                answers.setdefault(question, [])
            elif text.startswith("# BEGIN SOLUTION"):
                in_solution = True
            elif text.startswith("# END SOLUTION"):
                in_solution = False
            elif text.startswith("# END QUESTION"):
                question = None
            continue
        if cell.cell_type == "code" and in_solution and question:
            tree = _parse(cell.source)
            for node in tree.body if tree else []:
                answers[question] += _defined_names(node)
    return answers


def _solution_libraries(master, answers):
    """Per question, the library imports its master solution reaches: allowed."""
    code = [c.source for c in master.cells if c.cell_type == "code"]
    trees = [tree for tree in map(_parse, code) if tree is not None]
    notebook = _Notebook(trees)
    return {
        question: notebook.library_uses(names, set(), raw=True)
        for question, names in answers.items()
    }


def _is_check_cell(source):
    return re.fullmatch(r'grader\.check\("q\w+"\)\s*', source) is not None


def _first(source):
    lines = [line.strip() for line in source.splitlines() if line.strip()]
    first = lines[0] if lines else "(empty)"
    return repr(first if len(first) <= 50 else first[:47] + "...")


def _parse(source):
    """A cell's tree; IPython's magics and shell escapes become the calls they run."""
    try:
        return ast.parse(source)
    except SyntaxError:
        pass
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return ast.parse(TransformerManager().transform_cell(source))
    except Exception:  # a cell that does not parse defines nothing when it runs
        return None


def _defined_names(node):
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    names = []
    if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            names += [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]
    return names


def _free_names(node):
    """The names a top-level definition reads from the notebook's namespace.

    For a function or class: the names it loads that it does not bind itself
    (arguments, assignments, inner definitions, imports). For an assignment: every
    name its value loads.
    """
    loaded = {
        n.id
        for n in ast.walk(node)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }
    if not isinstance(
        node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
    ):
        return loaded
    bound = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.Name) and not isinstance(inner.ctx, ast.Load):
            bound.add(inner.id)
        elif isinstance(inner, ast.arg):
            bound.add(inner.arg)
        elif inner is not node and isinstance(
            inner, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
        ):
            bound.add(inner.name)
        elif isinstance(inner, ast.ExceptHandler) and inner.name:
            bound.add(inner.name)
        elif isinstance(inner, ast.Import | ast.ImportFrom):
            bound |= set(_import_bindings(inner))
    return loaded - bound


def _chain(node):
    """``["np", "testing", "assert_allclose"]`` for an attribute chain, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return [node.id, *reversed(parts)]
    return None


@functools.lru_cache(maxsize=1024)
def _is_module_path(dotted):
    """Does a dotted path name a module (``numpy.testing``), not a function?"""
    try:
        return importlib.util.find_spec(dotted) is not None
    except Exception:  # a parent that is not a package, or fails to import
        return False


def _private(name):
    """``_TRUSTED`` is private; ``__init__`` and ``__name__`` are not."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _blocked_module(module):
    return any(
        module == blocked or module.startswith(blocked + ".")
        for blocked in BLOCKED_MODULES
    )


def _library(module):
    """The library package of a dotted module path, or None if it may be used."""
    if any(
        module == allowed or module.startswith(allowed + ".")
        for allowed in ALLOWED_LIBRARY_MODULES
    ):
        return None
    top = module.split(".")[0]
    return top if top in LIBRARIES else None


class _Notebook:
    """The audited cells' trees, with what their imports and definitions bind."""

    def __init__(self, trees):
        self.trees = trees
        self.imported = {}  # name -> dotted path it is bound to
        self.definitions = {}  # top-level name -> [nodes defining it]
        self.star_imports = []  # `from library import *` makes any name a library's
        for tree in trees:
            for node in ast.walk(tree):
                self.imported.update(_import_bindings(node))
                if isinstance(node, ast.ImportFrom) and any(
                    alias.name == "*" for alias in node.names
                ):
                    self.star_imports.append(node)
            for node in tree.body:
                for name in _defined_names(node):
                    self.definitions.setdefault(name, []).append(node)
        # Names that hold an imported object or a path below it (t = np.testing).
        self.aliases = dict(self.imported)
        changed = True
        while changed:
            changed = False
            for tree in trees:
                for node in ast.walk(tree):
                    if not isinstance(node, ast.Assign | ast.AnnAssign | ast.NamedExpr):
                        continue
                    chain = _chain(node.value) if node.value is not None else None
                    if not chain or chain[0] not in self.aliases:
                        continue
                    path = ".".join([self.aliases[chain[0]], *chain[1:]])
                    targets = (
                        node.targets if isinstance(node, ast.Assign) else [node.target]
                    )
                    for target in targets:
                        for name in ast.walk(target):
                            if (
                                isinstance(name, ast.Name)
                                and name.id not in self.aliases
                            ):
                                self.aliases[name.id] = path
                                changed = True

    # ------------------------------------------------------------------ tampering

    def tampering(self, tree):
        """Messages for everything in ``tree`` that could change the grading."""
        found = []
        parents = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                parents[child] = node
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                if isinstance(node, ast.ImportFrom) and node.level:
                    found.append("It imports relative to a package.")
                for module in _imported_modules(node):
                    if any(_private(part) for part in module.split(".")):
                        found.append(f"It imports the private `{module}`.")
                    elif _blocked_module(module):
                        found.append(
                            f"It imports `{module}`, which reaches files, the "
                            "interpreter or the grader."
                        )
            elif isinstance(node, ast.Name):
                if node.id in BLOCKED_NAMES:
                    found.append(f"It uses `{node.id}`.")
                elif node.id in ("grader", "otter") and not _grader_call(node, parents):
                    found.append(
                        f"It uses `{node.id}` otherwise than to run checks "
                        "(grader.check, grader.check_all, grader.export)."
                    )
                elif self._is_module(node.id) and not isinstance(
                    parents.get(node), ast.Attribute
                ):
                    if not isinstance(node.ctx, ast.Load):
                        continue  # (re)binding the name itself changes nothing else
                    found.append(
                        f"It uses the module `{node.id}` itself as a value (not one "
                        "of its functions)."
                    )
            elif isinstance(node, ast.Attribute):
                if node.attr in BLOCKED_ATTRIBUTES:
                    found.append(f"It uses the attribute `.{node.attr}`.")
                elif _private(node.attr) and self._path(node):
                    found.append(f"It uses the private `{ast.unparse(node)}`.")
                elif isinstance(node.ctx, ast.Load) and not isinstance(
                    parents.get(node), ast.Attribute
                ):
                    path = self._path(node)
                    if path and _is_module_path(path):
                        found.append(
                            f"It uses the module `{ast.unparse(node)}` itself as a "
                            "value (not one of its functions)."
                        )
            if isinstance(
                node, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Delete | ast.For
            ):
                if isinstance(node, ast.Assign | ast.Delete):
                    targets = node.targets
                else:
                    targets = [node.target]
                for target in targets:
                    for changed in self._changed_imports(target):
                        found.append(
                            f"It changes `{changed}`, which belongs to an imported "
                            "module: the checks could no longer be trusted."
                        )
            elif isinstance(node, ast.withitem | ast.comprehension):
                target = (
                    node.optional_vars
                    if isinstance(node, ast.withitem)
                    else node.target
                )
                for changed in self._changed_imports(target) if target else []:
                    found.append(
                        f"It changes `{changed}`, which belongs to an imported module."
                    )
        return found

    def _is_module(self, name):
        path = self.aliases.get(name)
        return path is not None and _is_module_path(path)

    def _path(self, node):
        chain = _chain(node)
        if chain and chain[0] in self.aliases:
            return ".".join([self.aliases[chain[0]], *chain[1:]])
        return None

    def _changed_imports(self, target):
        """Imported things a target of an assignment or deletion would change.

        The object changed is the root of the target (``np`` in ``np.testing.x`` or
        ``np.x[0]``); names in an index (``counts[np.argmax(v)]``) change nothing.
        """
        if isinstance(target, ast.Tuple | ast.List):
            return [c for e in target.elts for c in self._changed_imports(e)][:1]
        if isinstance(target, ast.Starred):
            return self._changed_imports(target.value)
        for node in [target]:
            if not isinstance(node, ast.Attribute | ast.Subscript):
                continue
            root = node
            while isinstance(root, ast.Attribute | ast.Subscript | ast.Call):
                root = root.func if isinstance(root, ast.Call) else root.value
            names = [n.id for n in ast.walk(root) if isinstance(n, ast.Name)]
            if any(name in self.aliases for name in names):
                return [ast.unparse(node)]
        return []

    # ------------------------------------------------------------------ libraries

    def library_uses(self, names, allowed, raw=False):
        """Library imports reached from the definitions of ``names``.

        Returns the set of dotted paths (``raw``) or the messages' descriptions not in
        ``allowed``.
        """
        seen, found = set(), {}
        todo = [node for name in names for node in self.definitions.get(name, [])]
        while todo:
            node = todo.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    for path in _import_bindings(inner).values():
                        if _library(path):
                            found.setdefault(path, f"`{path}`")
                    if isinstance(inner, ast.ImportFrom) and inner.module:
                        if _library(inner.module) and any(
                            alias.name == "*" for alias in inner.names
                        ):
                            found.setdefault(inner.module, f"`{inner.module}`")
            for name in _free_names(node):
                if name in self.aliases:
                    path = self.aliases[name]
                    if _library(path):
                        found.setdefault(path, f"`{path}`")
                todo += self.definitions.get(name, [])
            todo += self.star_imports
        if raw:
            return set(found)
        return sorted(
            description for path, description in found.items() if path not in allowed
        )


def _import_bindings(node):
    """``{bound name: dotted path}`` of an import statement (else empty)."""
    bindings = {}
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                bindings[alias.asname] = alias.name
            else:
                top = alias.name.split(".")[0]
                bindings[top] = top
    elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
        for alias in node.names:
            if alias.name != "*":
                bindings[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return bindings


def _imported_modules(node):
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.module is None:
        return []
    return [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]


def _grader_call(node, parents):
    """Is this ``grader`` the object of ``grader.check(...)``-like call?"""
    attribute = parents.get(node)
    if not isinstance(attribute, ast.Attribute) or attribute.attr not in GRADER_METHODS:
        return False
    call = parents.get(attribute)
    return isinstance(call, ast.Call) and call.func is attribute
