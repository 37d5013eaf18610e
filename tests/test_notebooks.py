"""Every notebook in notebooks/ runs top to bottom without a cell error.

Each notebook is executed with nbclient in a fresh ``python3`` kernel (timeout 300 s per
cell), with the notebook's own folder as working directory. The kernel must be this
interpreter (the project's venv), where ``mobilization`` is installed. If no ``python3``
kernelspec is installed, or the installed one starts another interpreter, the test writes
ipykernel's native kernelspec for the current interpreter into a temporary folder and
uses that instead, still under the name ``python3``.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
KERNEL = "python3"
TIMEOUT = 300
# jupyter_client starts sys.executable for a kernelspec whose argv[0] is one of these
_PLACEHOLDERS = {"python", f"python{sys.version_info[0]}",
                 f"python{sys.version_info[0]}.{sys.version_info[1]}"}


def _runs_this_interpreter(argv: list[str]) -> bool:
    if not argv:
        return False
    exe = argv[0]
    if exe in _PLACEHOLDERS:
        return True
    found = shutil.which(exe) or exe
    try:
        return os.path.samefile(found, sys.executable)
    except OSError:
        return False


def _installed_kernel_is_usable() -> bool:
    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL)
    except NoSuchKernel:
        return False
    return _runs_this_interpreter(spec.argv)


def _native_kernel_manager(tmp_path: Path) -> KernelManager:
    """A kernel manager for ipykernel's native kernel of this interpreter, named python3."""
    from ipykernel.kernelspec import write_kernel_spec

    kernels = tmp_path / "kernels"
    write_kernel_spec(path=str(kernels / KERNEL))  # argv: [sys.executable, -m, ipykernel...]
    ksm = KernelSpecManager(kernel_dirs=[str(kernels)], ensure_native_kernel=False)
    return KernelManager(kernel_name=KERNEL, kernel_spec_manager=ksm)


def run_notebook(path: Path, tmp_path: Path, native: bool) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    km = _native_kernel_manager(tmp_path) if native else None
    client = NotebookClient(
        nb,
        km=km,
        kernel_name=KERNEL,
        timeout=TIMEOUT,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    return nb


def test_there_are_notebooks():
    assert NOTEBOOKS, f"no notebooks in {NOTEBOOK_DIR}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path: Path, tmp_path: Path):
    native = not _installed_kernel_is_usable()
    try:
        nb = run_notebook(path, tmp_path, native=native)
    except CellExecutionError as err:
        pytest.fail(f"{path.name}: a cell raised an error\n{err}", pytrace=False)
    errors = [
        out for cell in nb.cells if cell.cell_type == "code"
        for out in cell.get("outputs", []) if out.get("output_type") == "error"
    ]
    assert not errors, f"{path.name}: error outputs {errors}"


def test_native_kernel_fallback_starts_this_interpreter(tmp_path: Path):
    """The fallback kernel (used when no usable python3 kernelspec is installed) runs."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import sys, mobilization\nprint(sys.executable)")]
    km = _native_kernel_manager(tmp_path)
    assert km.kernel_spec.argv[0] == sys.executable
    NotebookClient(nb, km=km, kernel_name=KERNEL, timeout=60,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    printed = "".join(o.get("text", "") for o in nb.cells[0].outputs
                      if o.get("output_type") == "stream" and o.get("name") == "stdout").strip()
    assert os.path.samefile(printed, sys.executable)
