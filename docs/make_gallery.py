"""Regenerate the README's example gallery: run each example, keep one small PNG per example.

Run from the repository root: ``python docs/make_gallery.py``. Each example
runs in its own process with the sizes below (its full-size defaults unless
noted), writing into a temporary directory; its picture is shrunk to at most
``MAX_WIDTH`` pixels wide and saved as an optimised PNG in ``docs/gallery/``.
The examples' printed output goes to ``docs/gallery/<name>.txt``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
GALLERY = ROOT / "docs" / "gallery"
MAX_WIDTH = 900

# example -> (arguments, the PNG shown in the gallery)
EXAMPLES = {
    "two_armed_bandit": ([], "two_armed_bandit.png"),
    "multi_armed_bandits": ([], "multi_armed_bandits.png"),
    "bandit_zoo": ([], "bandit_zoo.png"),
    "sutton_barto_chapter2": ([], "fig2_6.png"),
    "frozenlake_policy_search": ([], "frozenlake_policy_search.png"),
    "markov_agent": ([], "markov_agent.png"),
    "td_control": ([], "td_control.png"),
    "gymnasium_backend": ([], "gymnasium_backend.png"),
    "cartpole_policy_search": ([], "cartpole_policy_search.png"),
    "sutton_barto_tabular": ([], "sutton_barto_tabular.png"),
    "mountain_car_tile_coding": ([], "mountain_car_tile_coding.png"),
}


def shrink(src: Path, dst: Path) -> None:
    img = Image.open(src).convert("RGB")
    if img.width > MAX_WIDTH:
        img = img.resize((MAX_WIDTH, round(img.height * MAX_WIDTH / img.width)), Image.LANCZOS)
    # A 128-colour palette keeps line plots crisp at a fraction of the size.
    img.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(dst, optimize=True)


def main(names: list[str]) -> int:
    GALLERY.mkdir(parents=True, exist_ok=True)
    failed = []
    for name in names or list(EXAMPLES):
        args, png = EXAMPLES[name]
        with tempfile.TemporaryDirectory() as out:
            t0 = time.perf_counter()
            cmd = [sys.executable, str(ROOT / "examples" / f"{name}.py"), *args, "--out", out]
            proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
            dt = time.perf_counter() - t0
            (GALLERY / f"{name}.txt").write_text(proc.stdout)
            if proc.returncode != 0:
                print(f"{name}: FAILED\n{proc.stderr[-2000:]}")
                failed.append(name)
                continue
            dst = GALLERY / f"{name}.png"
            shrink(Path(out) / png, dst)
            print(
                f"{name}: {dt:.1f} s -> {dst.relative_to(ROOT)} ({dst.stat().st_size // 1024} KB)"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
