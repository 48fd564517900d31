"""What the learner's kernel may not do while it is graded: open the hidden tests.

:func:`protect` installs an audit hook (:pep:`578`) in the grading kernel before the
first cell of the learner runs. From then on, opening any file below the protected
folders (the masters in ``solutions/``, the builds in ``_build/``, git's history) or
starting another program raises ``PermissionError``. An audit hook cannot be removed
once added, so a later cell cannot undo it. It backs the code audit
(:mod:`scratchlearn.grading.audit`), which refuses file access in the source before
anything runs; the hook also stops what slips through the audit's rules.

Only the standard library is imported: this runs first in the learner's kernel.
"""

import os
import sys

# Events that start another program (which could read any file).
_SPAWNING = {
    "os.exec",
    "os.fork",
    "os.forkpty",
    "os.posix_spawn",
    "os.spawn",
    "os.system",
    "pty.spawn",
    "subprocess.Popen",
}


def protect(folders):
    """Refuse, in this process, to open files below ``folders`` or start programs.

    Parameters
    ----------
    folders : list of path
        Folders whose files the learner's code may not open (read or write).
    """
    prefixes = tuple(
        os.path.join(os.path.realpath(folder), "") for folder in map(str, folders)
    )
    realpath, fspath, join, permission = (
        os.path.realpath,
        os.fspath,
        os.path.join,
        PermissionError,
    )

    def hook(event, arguments):
        if event == "open":
            path = arguments[0]
            if isinstance(path, int) or path is None:
                return
            try:
                path = realpath(fspath(path))
            except (TypeError, ValueError):
                return
            if isinstance(path, bytes):
                path = path.decode(errors="replace")
            if join(path, "").startswith(prefixes):
                raise permission(
                    "Grading: the notebook may not open files of the course's "
                    f"solutions or builds ({path})."
                )
        elif event in _SPAWNING:
            raise permission("Grading: the notebook may not start other programs.")

    sys.addaudithook(hook)
