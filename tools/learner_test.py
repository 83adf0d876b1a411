"""Run every learner notebook as a learner would (``make learner-test``).

1. Build kmlib's wheel (``pip wheel . --no-deps``) into a temporary folder.
2. Create a fresh virtualenv (``python3.11 -m venv``) and install into it only
   ``binder/requirements.txt``, with the wheel in place of its ``.`` line: the
   runtime set, none of the dev stack.
3. Execute every ``notebooks/*.ipynb`` top to bottom in a kernel of that
   virtualenv, with the network unavailable to the kernel. nbclient runs from
   the dev virtualenv and starts the fresh one's kernel through a kernelspec.
   The network is cut with a network namespace (``unshare --net``, only the
   loopback device up) when that is possible (root), otherwise by a
   ``sitecustomize`` in the fresh virtualenv that refuses every connection to
   a non-loopback address. Before the notebooks, a probe proves it: a cell
   that tries to connect must fail, the install cell must do nothing, and
   kmlib must come from the wheel.
4. Check that nothing was written into ``notebooks/``.

Prints the time per notebook; exits 1 if anything failed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KERNEL_NAME = "kmlib-learner-test"
# What the wheel build does not need from the checkout.
NOT_PACKAGED = (
    ".git",
    ".venv",
    "_build",
    "build",
    "notebooks",
    "book",
    "benchmarks",
    "tests",
    ".hypothesis",
    ".pytest_cache",
    ".ruff_cache",
    "__pycache__",
    "*.egg-info",
)
BLOCKER = '''"""Installed by tools/learner_test.py: the kernel may not reach the network."""
import ipaddress as _ipaddress
import socket as _socket


def _local(address):
    if not isinstance(address, tuple):  # AF_UNIX
        return True
    try:
        return _ipaddress.ip_address(address[0]).is_loopback
    except ValueError:
        return address[0] == "localhost"


def _guard(original):
    def connect(self, address):
        if not _local(address):
            raise OSError(101, f"network blocked by learner-test: {address!r}")
        return original(self, address)
    return connect


_socket.socket.connect = _guard(_socket.socket.connect)
_socket.socket.connect_ex = _guard(_socket.socket.connect_ex)
_original_getaddrinfo = _socket.getaddrinfo


def _getaddrinfo(host, *args, **kwargs):
    if host not in (None, "localhost") and not _local((str(host),)):
        raise _socket.gaierror(-3, f"name resolution blocked by learner-test: {host!r}")
    return _original_getaddrinfo(host, *args, **kwargs)


_socket.getaddrinfo = _getaddrinfo
'''
PROBE_NETWORK = """import socket

for name, attempt in [
    ("connect to 1.1.1.1:80", lambda: socket.create_connection(("1.1.1.1", 80), timeout=5)),
    ("resolve pypi.org", lambda: socket.getaddrinfo("pypi.org", 443)),
]:
    try:
        attempt()
    except OSError as err:
        print(f"{name}: blocked ({type(err).__name__}: {err})")
    else:
        print(f"{name}: NOT BLOCKED")
"""
PROBE_ENVIRONMENT = """import importlib.util
import sys

import kmlib

print("python", sys.executable)
print("kmlib", kmlib.__file__)
print("dev stack", [m for m in ("jupyter_book", "sphinx", "pytest", "nbval", "hypothesis")
                    if importlib.util.find_spec(m) is not None])
"""


def run(cmd: list[str], **kwargs) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run(cmd, check=True, **kwargs)


def snapshot(folder: Path) -> dict[str, str]:
    """``{file: sha256}`` of everything under ``folder``."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def learner_dir() -> Path:
    sys.path.insert(0, str(ROOT / "tools"))
    from make_notebooks import read_settings

    return ROOT / read_settings(ROOT).learner_dir


def prepare(work: Path) -> Path:
    """Build the wheel, create the virtualenv, install the runtime set; return the venv."""
    wheels, source = work / "wheel", work / "source"
    # A copy, because setuptools writes build/ and *.egg-info/ into the folder it builds.
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_PACKAGED))
    run(
        [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--quiet", "-w", str(wheels)],
        cwd=source,
    )
    (wheel,) = wheels.glob("kmlib-*.whl")
    lines = (ROOT / "binder" / "requirements.txt").read_text(encoding="utf-8").splitlines()
    local = [line for line in lines if line.strip() == "."]
    if len(local) != 1:
        raise SystemExit("binder/requirements.txt must install kmlib with one '.' line")
    requirements = work / "requirements.txt"
    requirements.write_text(
        "\n".join(str(wheel) if line.strip() == "." else line for line in lines) + "\n",
        encoding="utf-8",
    )
    python = shutil.which("python3.11") or sys.executable
    venv = work / "venv"
    run([python, "-m", "venv", str(venv)])
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "-r", str(requirements)])
    return venv


def isolation() -> str:
    """``"unshare"`` if a network namespace can be made here, else ``"sitecustomize"``."""
    if shutil.which("unshare") and shutil.which("ip"):
        probe = subprocess.run(
            ["unshare", "--net", "--", "ip", "link", "set", "lo", "up"], capture_output=True
        )
        if probe.returncode == 0:
            return "unshare"
    return "sitecustomize"


def install_kernelspec(work: Path, venv: Path) -> None:
    spec = work / "jupyter" / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True, exist_ok=True)
    python = str(venv / "bin" / "python")
    argv = f'["{python}", "-m", "ipykernel_launcher", "-f", "{{connection_file}}"]'
    kernel = f'{{"argv": {argv}, "display_name": "learner-test", "language": "python"}}\n'
    (spec / "kernel.json").write_text(kernel, encoding="utf-8")


def execute_all(work: Path, venv: Path, method: str) -> int:
    """Run the probe and every learner notebook (inside the isolation); 0 when all pass."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    os.environ["JUPYTER_PATH"] = str(work / "jupyter")
    os.environ["IPYTHONDIR"] = str(work / "ipython")
    os.environ["MPLCONFIGDIR"] = str(work / "mpl")
    os.environ.pop("PYTHONPATH", None)
    os.environ.pop("MPLBACKEND", None)
    rundir = work / "run"  # the kernel's working directory: nothing of the repository
    rundir.mkdir(exist_ok=True)
    notebooks = sorted(learner_dir().glob("*.ipynb"))
    if not notebooks:
        print("no learner notebooks: run `make notebooks`")
        return 1

    def client(nb):
        return NotebookClient(
            nb, timeout=600, kernel_name=KERNEL_NAME, resources={"metadata": {"path": str(rundir)}}
        )

    install = nbformat.read(notebooks[0], as_version=4).cells[0].source
    probe = nbformat.v4.new_notebook()
    probe.cells = [
        nbformat.v4.new_code_cell(s) for s in (install, PROBE_ENVIRONMENT, PROBE_NETWORK)
    ]
    client(probe).execute()
    texts = ["".join(o.get("text", "") for o in cell.outputs) for cell in probe.cells]
    print(f"probe (network cut by {method}):\n" + "".join(texts[1:]), flush=True)
    problems = []
    if probe.cells[0].outputs:
        problems.append(f"the install cell did something where kmlib is installed: {texts[0]!r}")
    if f"kmlib {venv}" not in texts[1]:
        problems.append("kmlib was not imported from the fresh virtualenv")
    if "dev stack []" not in texts[1]:
        problems.append("the fresh virtualenv holds part of the dev stack")
    if texts[2].count(": blocked") != 2:
        problems.append("the kernel can reach the network")
    failures = {}
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        try:
            client(nb).execute()
            status = "ok"
        except CellExecutionError as err:
            status = "FAILED"
            failures[path.name] = str(err).strip().splitlines()[-1]
            for index, cell in enumerate(nb.cells):
                if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                    failures[path.name] = f"cell {index}: {failures[path.name]}"
                    print(f"--- {path.name} cell {index}:\n{cell.source}", flush=True)
        if status == "ok" and nb.cells[0].outputs:
            status = "FAILED"
            failures[path.name] = "the install cell printed something"
        print(f"{time.perf_counter() - start:7.1f} s  {path.name}  {status}", flush=True)
    for name, message in failures.items():
        problems.append(f"{name}: {message}")
    for problem in problems:
        print("learner-test:", problem, flush=True)
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--execute", metavar="WORK", help=argparse.SUPPRESS)
    parser.add_argument("--method", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.execute:  # the second stage, inside the isolation
        work = Path(args.execute)
        return execute_all(work, work / "venv", args.method)

    folder = learner_dir()
    before = snapshot(folder)
    work = Path(tempfile.mkdtemp(prefix="kmlib-learner-test-"))
    try:
        start = time.perf_counter()
        venv = prepare(work)
        install_kernelspec(work, venv)
        print(f"runtime set installed in {time.perf_counter() - start:.0f} s", flush=True)
        method = isolation()
        stage = [sys.executable, str(Path(__file__).resolve()), "--execute", str(work)]
        stage += ["--method", method]
        if method == "unshare":
            script = 'ip link set lo up && exec "$@"'
            cmd = ["unshare", "--net", "--", "sh", "-c", script, "sh", *stage]
        else:
            site = next((venv / "lib").glob("python*/site-packages"))
            (site / "sitecustomize.py").write_text(BLOCKER, encoding="utf-8")
            cmd = stage
        code = subprocess.run(cmd, cwd=work).returncode
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if snapshot(folder) != before:
        print(f"learner-test: running the notebooks wrote into {folder.name}/")
        code = 1
    print("learner-test:", "passed" if code == 0 else "FAILED")
    return code


if __name__ == "__main__":
    sys.exit(main())
