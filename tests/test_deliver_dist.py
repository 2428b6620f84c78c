"""The offline bundle (scripts/make_dist.sh) installs and runs with no network.

Slow: it builds the bundle (pip downloads every wheel) unless SOHOA_DIST_BUNDLE
names a prebuilt bundle folder, then installs it into a fresh venv inside a
network namespace with no interfaces (``unshare -n``) when that is allowed, and
with pip told never to use an index in any case.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import __version__

REPO = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.slow, pytest.mark.tesseract]


def _offline_prefix() -> list[str]:
    """Command prefix that cuts the network off, if this machine lets us."""
    if shutil.which("unshare") and subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode == 0:
        return ["unshare", "-rn"]
    return []


def _offline_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(PIP_NO_INDEX="1", PIP_INDEX_URL="http://127.0.0.1:9/simple",
               PIP_CONFIG_FILE=os.devnull, HTTP_PROXY="http://127.0.0.1:9", HTTPS_PROXY="http://127.0.0.1:9",
               OMP_THREAD_LIMIT="1")
    env.pop("VIRTUAL_ENV", None)
    return env


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    prebuilt = os.environ.get("SOHOA_DIST_BUNDLE")
    if prebuilt:
        return Path(prebuilt)
    if shutil.which("tesseract") is None:
        pytest.skip("building the bundle copies tesseract's language data: tesseract is not installed")
    dist = tmp_path_factory.mktemp("dist")
    env = dict(os.environ, PYTHON=sys.executable, SOHOA_DIST_DIR=str(dist), SOHOA_DIST_DEBS="0")
    result = subprocess.run(["bash", str(REPO / "scripts" / "make_dist.sh")], env=env, capture_output=True,
                            text=True, timeout=1800)
    assert result.returncode == 0, result.stderr[-3000:]
    return Path(result.stdout.strip().splitlines()[-1])


def test_bundle_layout(bundle):
    assert (bundle / "install.sh").is_file() and os.access(bundle / "install.sh", os.X_OK)
    assert list((bundle / "wheels").glob(f"sohoa-{__version__}-*.whl"))
    for lang in ("vie", "osd"):
        assert (bundle / "tessdata" / f"{lang}.traineddata").stat().st_size > 100_000
    assert (bundle / "SHA256SUMS").is_file() and (bundle.parent / f"{bundle.name}.tar.gz").is_file()


def test_installs_and_runs_offline(bundle, tmp_path):
    offline, env = _offline_prefix(), _offline_env()
    prefix = tmp_path / "venv"
    install = subprocess.run([*offline, "bash", str(bundle / "install.sh"), str(prefix)], env=env,
                             capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stderr[-3000:]
    sohoa = prefix / "bin" / "sohoa"
    version = subprocess.run([*offline, str(sohoa), "--version"], env=env, capture_output=True, text=True, timeout=120)
    assert version.returncode == 0 and __version__ in version.stdout

    scans = sorted((REPO / "samples" / "scans").glob("*.*")) if (REPO / "samples" / "scans").is_dir() else []
    if scans:
        sample = scans[0]
    else:  # samples not there yet: a drawn page stands in
        sys.path.insert(0, str(Path(__file__).parent))
        from helpers.pages import text_page

        sample = tmp_path / "page.png"
        text_page().save(sample, dpi=(200, 200))
    out = tmp_path / "out"
    run = subprocess.run([*offline, str(sohoa), "run", str(sample), "-o", str(out), "-j", "1", "--pdf", "--alto"],
                         env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    for suffix in (".json", ".pdf", ".alto.xml"):
        assert (out / f"{sample.stem}{suffix}").is_file(), suffix
