"""tdkt as a user installs it: the wheel ships the rules (the top-level rules/
folder as the package tdkt_rules), and the installed `tdkt` reads a report from a
folder outside the checkout. Nothing is downloaded: the wheel is built with this
environment's setuptools, and the fresh venvs see this environment's
dependencies through a .pth file."""
import csv
import os
import shutil
import site
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))[0]
SOURCES = ["pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md", "MANIFEST.in", "pipeline", "rules"]


def _run(*cmd, **kw) -> subprocess.CompletedProcess:
    res = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=600, **kw)
    assert res.returncode == 0, f"{cmd}\n{res.stdout}\n{res.stderr}"
    return res


def _copy_sources(dst: Path) -> Path:
    """The files a build reads, copied (the build writes build/ and *.egg-info
    beside them: not into the checkout others work in)."""
    dst.mkdir()
    for name in SOURCES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dst / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(src, dst / name)
    return dst


def _fresh_venv(where: Path) -> Path:
    """A venv without pip or packages, which sees this environment's site-packages
    (the dependencies) after its own; returns its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    python = where / "bin" / "python"
    own = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip()
    Path(own, "tdkt_test_deps.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    return python


def _pip_into(python: Path, *args) -> None:
    """pip of this environment installing into ``python``'s venv (pip never
    uninstalls outside that venv)."""
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", *args)


def _offline_build() -> list[str]:
    """--no-build-isolation when this environment has the build backend the
    project asks for (the test extra installs it); else pip fetches it."""
    version = metadata.version("setuptools")
    return ["--no-build-isolation"] if int(version.split(".")[0]) >= 77 else []


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("wheel")
    src = _copy_sources(base / "src")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", *_offline_build(), str(src), "-w", base / "dist")
    (built,) = (base / "dist").glob("tdkt-*.whl")
    return built


def test_the_wheel_ships_the_rules_license_and_types(wheel):
    import zipfile
    names = set(zipfile.ZipFile(wheel).namelist())
    rules = {p.name for p in (ROOT / "rules").glob("*.yaml")}
    assert {f"tdkt_rules/{n}" for n in rules} <= names
    assert "tdkt_rules/__init__.py" in names and "pipeline/py.typed" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    meta = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    for line in ("License-Expression: MIT", "Project-URL: Changelog", "Classifier: Typing :: Typed",
                 "Provides-Extra: dask"):
        assert line in meta, line


def test_the_installed_wheel_reads_a_report_outside_the_checkout(wheel, tmp_path):
    python = _fresh_venv(tmp_path / "venv")
    _pip_into(python, wheel)
    work = tmp_path / "work"                       # outside the checkout: no rules/ to stumble on
    work.mkdir()
    shutil.copy2(SEED, work / SEED.name)
    res = subprocess.run([str(python.parent / "tdkt"), "extract", SEED.name, "--out", "X", "--workers", "1"],
                         cwd=work, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout + res.stderr
    with open(work / "X" / "citations.csv", encoding="utf-8-sig") as f:
        assert len(list(csv.DictReader(f))) >= 5
    with open(work / "X" / "errors.csv", encoding="utf-8-sig") as f:
        assert list(csv.DictReader(f)) == []
    where = _run(python, "-c", "import pipeline, pipeline.rules as r; print(pipeline.__file__); print(r.RULES_DIR); "
                               "print(r.checkout_root())", cwd=work).stdout.splitlines()
    venv = str(tmp_path / "venv")
    assert where[0].startswith(venv) and where[1].startswith(venv) and where[1].endswith("tdkt_rules")
    assert where[2] == "None"
    # installed, the hint names the extra's requirements, not a checkout
    hint = _run(python, "-c", "from pipeline.commands import install_hint; print(install_hint('dask'))",
                cwd=work).stdout
    assert '-m pip install "dask[distributed]' in hint and " -e " not in hint


def test_an_editable_install_maps_tdkt_rules_to_the_rules_folder(tmp_path):
    src = _copy_sources(tmp_path / "src")
    python = _fresh_venv(tmp_path / "venv")
    _pip_into(python, *_offline_build(), "-e", src)
    work = tmp_path / "work"
    work.mkdir()
    shown = _run(python, "-c", "import importlib.resources as r, pipeline.rules as rules; "
                               "print(r.files('tdkt_rules')); print(rules.RULES_DIR)", cwd=work).stdout.split()
    assert shown == [str(src / "rules"), str(src / "rules")]


def _in_python(code: str, **env) -> str:
    return _run(sys.executable, "-c", code, cwd=ROOT, env={**os.environ, **env}).stdout.strip()


def test_tdkt_rules_overrides_and_rules_version_reads_the_same_rules(tmp_path):
    copy = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", copy, ignore=shutil.ignore_patterns("__pycache__"))
    code = "from pipeline import batch, rules; print(rules.RULES_DIR); print(batch.rules_version())"
    env = {k: v for k, v in os.environ.items() if k != "TDKT_RULES"}
    here = _run(sys.executable, "-c", code, cwd=ROOT, env=env).stdout.split()
    assert here[0] == str(ROOT / "rules")
    same = _in_python(code, TDKT_RULES=str(copy)).split()
    assert same == [str(copy), here[1]]                  # the same bytes: the same version
    with open(copy / "money.yaml", "a", encoding="utf-8") as f:
        f.write("\n# an expert's comment\n")
    changed = _in_python(code, TDKT_RULES=str(copy)).split()
    assert changed[0] == str(copy) and changed[1] != here[1]


def test_a_missing_rules_folder_names_where_it_looked(tmp_path):
    said = _in_python("from pipeline import rules\ntry:\n    rules.load('citations')\n"
                      "except rules.RuleError as exc:\n    print(exc)", TDKT_RULES=str(tmp_path / "none"))
    assert said.startswith(f"rules file not found: {tmp_path / 'none' / 'citations.yaml'}")
