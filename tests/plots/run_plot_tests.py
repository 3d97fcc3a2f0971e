#!/usr/bin/python3
"""Tests of the figure and report pipeline (paper/plots, paper/main.tex).

    tests/plots/run_plot_tests.py --results DIR [--bin DIR] [--require-all] [--paper] [--only NAME]

For every paper/plots/plot_<name>.py:
  draws    if DIR/<name>.h5 exists (with --bin BINDIR, a missing one is first produced by
           BINDIR/<name> --profile quick --out DIR/<name>.h5): the script runs, and every PDF and
           PNG it reports ("wrote <path>") exists, is non-empty and has the right signature;
           without a results file the case is skipped (an error with --require-all);
  empty    given an empty HDF5 file, it exits non-zero with a single line on stderr that names
           the script (no traceback);
  missing  given a folder without its file, it exits non-zero naming the script and the file.
Also: make_checks_table.py on a synthetic file (counts, escaping, macros) and on DIR; with
--paper, the report builds with latexmk in a temporary copy of paper/ from the figures drawn
here (skipped when latexmk is not installed).
Exit status: 0 all passed, 1 a failure, 77 everything skipped (ctest SKIP_RETURN_CODE).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PLOTS = REPO / "paper" / "plots"
PYTHON = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable

passed, failed, skipped = [], [], []


_report_lock = threading.Lock()


def report(ok: bool | None, case: str, detail: str = "") -> None:
    with _report_lock:
        _report(ok, case, detail)


def _report(ok: bool | None, case: str, detail: str = "") -> None:
    if ok is None:
        skipped.append(case)
        print(f"SKIP {case}" + (f": {detail}" if detail else ""))
    elif ok:
        passed.append(case)
        print(f"PASS {case}" + (f": {detail}" if detail else ""))
    else:
        failed.append(case)
        print(f"FAIL {case}" + (f": {detail}" if detail else ""))


def run(cmd, timeout=600, **kw):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=timeout, **kw)


def check_image(path: Path) -> str | None:
    """None if the file is a non-empty PDF / PNG, else the reason."""
    if not path.is_file():
        return f"{path} was not written"
    data = path.read_bytes()[:8]
    if path.stat().st_size == 0:
        return f"{path} is empty"
    if path.suffix == ".pdf" and not data.startswith(b"%PDF"):
        return f"{path} is not a PDF"
    if path.suffix == ".png" and not data.startswith(b"\x89PNG"):
        return f"{path} is not a PNG"
    return None


def test_draws(script: Path, name: str, results: Path, figures: Path, require_all: bool) -> None:
    case = f"{script.stem}/draws"
    if not (results / f"{name}.h5").is_file():
        report(False if require_all else None, case, f"no {results / name}.h5")
        return
    r = run([PYTHON, script, "--results", results, "--figures", figures])
    if r.returncode != 0:
        report(False, case, f"exit {r.returncode}: {r.stderr.strip()[-2000:]}")
        return
    written = [Path(m) for m in re.findall(r"^wrote (.+)$", r.stdout, flags=re.M)]
    pdfs = [p for p in written if p.suffix == ".pdf"]
    pngs = [p for p in written if p.suffix == ".png"]
    problems = [e for e in map(check_image, written) if e]
    if not pdfs or not pngs:
        problems.append(f"reported {len(pdfs)} PDF and {len(pngs)} PNG files (needs at least one of each)")
    for p in pdfs:
        if p.with_suffix(".png") not in pngs:
            problems.append(f"{p.name} has no PNG counterpart")
    # The seed report's illustrations may be drawn from another experiment's data
    # (docs/figures.md): their names start with 'illustrations_'.
    bad_names = [p.name for p in written if not p.stem.startswith((name, "illustrations_"))]
    if bad_names:
        problems.append(f"figure names must start with '{name}' or 'illustrations_': {bad_names}")
    report(not problems, case, "; ".join(problems) or f"{len(pdfs)} PDF + {len(pngs)} PNG")


def test_empty(script: Path, name: str, tmp: Path) -> None:
    import h5py

    case = f"{script.stem}/empty-file"
    d = tmp / f"empty-{name}"
    d.mkdir()
    with h5py.File(d / f"{name}.h5", "w"):
        pass
    r = run([PYTHON, script, "--results", d, "--figures", d / "fig"], timeout=120)
    lines = [ln for ln in r.stderr.strip().splitlines() if ln.strip()]
    problems = []
    if r.returncode == 0:
        problems.append("exited 0 on an empty results file")
    if len(lines) != 1:
        problems.append(f"stderr should be one line, got {len(lines)}: {r.stderr.strip()[-800:]!r}")
    elif script.stem not in lines[0]:
        problems.append(f"message does not name {script.stem}: {lines[0]!r}")
    report(not problems, case, "; ".join(problems) or lines[0])


def test_missing(script: Path, name: str, tmp: Path) -> None:
    case = f"{script.stem}/missing-file"
    d = tmp / f"missing-{name}"
    d.mkdir()
    r = run([PYTHON, script, "--results", d, "--figures", d / "fig"], timeout=120)
    lines = [ln for ln in r.stderr.strip().splitlines() if ln.strip()]
    ok = r.returncode != 0 and len(lines) == 1 and script.stem in lines[0] and f"{name}.h5" in lines[0]
    report(ok, case, lines[0] if lines else "no message")


def test_checks_table_fixture(tmp: Path) -> None:
    import h5py
    import numpy as np

    case = "make_checks_table/fixture"
    d = tmp / "checks"
    d.mkdir()
    s = h5py.string_dtype()
    with h5py.File(d / "kramers_rate.h5", "w") as f:
        g = f.create_group("summary/checks")
        g.create_dataset("name", data=["slope_&_50%", "tau#T", "ok"], dtype=s)
        g["measured"] = [0.98765, 12345.6, 1.0]
        g["stderr"] = [0.0234, 234.5, 0.0]
        g["predicted"] = [1.0, 1.3e4, 1.0]
        g["tolerance"] = [0.1, 500.0, 0.0]
        g["passed"] = np.array([1, 0, 1], dtype=np.int8)
        g.create_dataset("kind", data=["two_sided", "two_sided", "bool"], dtype=s)
        g.create_dataset("description", data=["Arrhenius slope ΔL", "", "x"], dtype=s)
    with h5py.File(d / "saddle_escape.h5", "w"):
        pass  # no checks: counted as an experiment without checks
    out = tmp / "generated"
    r = run([PYTHON, PLOTS / "make_checks_table.py", "--results", d, "--out", out])
    problems = []
    if r.returncode != 0:
        problems.append(r.stderr.strip())
    else:
        summ = (out / "checks_summary.tex").read_text()
        tab = (out / "checks_table.tex").read_text()
        for want in (r"\newcommand{\checkspassed}{2}", r"\newcommand{\checkstotal}{3}",
                     r"\newcommand{\checksexperiments}{2}", r"slope\_\&\_50\%", r"tau\#T",
                     r"$0.988 \pm 0.023$", r"$(1.235 \pm 0.023)\times10^{4}$", r"$\Delta$",
                     "chk@kramers_rate@slope_-_50-@pm", "Experiments without checks: saddle_escape"):
            if want not in summ + tab:
                problems.append(f"missing {want!r}")
        if tab.count(r"\checkfail") != 1 or tab.count(r"\checkpass") != 2:
            problems.append("wrong pass marks")
    report(not problems, case, "; ".join(problems))


def test_checks_table_results(results: Path, tmp: Path) -> None:
    case = "make_checks_table/results"
    if not any(results.glob("*.h5")):
        report(None, case, f"no results in {results}")
        return
    r = run([PYTHON, PLOTS / "make_checks_table.py", "--results", results, "--out", tmp / "gen-results"])
    report(r.returncode == 0, case, (r.stdout + r.stderr).strip().splitlines()[-1] if (r.stdout + r.stderr).strip() else "")


def test_paper(figures: Path, results: Path, tmp: Path) -> None:
    case = "paper/builds"
    if shutil.which("latexmk") is None:
        report(None, case, "latexmk not installed (scripts/install-deps --paper)")
        return
    paper = tmp / "paper"
    paper.mkdir()
    for fn in ("main.tex", "biblio.bib", "latexmkrc"):
        shutil.copy(REPO / "paper" / fn, paper / fn)
    if figures.is_dir():
        shutil.copytree(figures, paper / "figures")
    run([PYTHON, PLOTS / "make_checks_table.py", "--results", results, "--out", paper / "generated"])
    r = run(["latexmk", "-pdf", "-silent", "main.tex"], cwd=paper, timeout=600)
    pdf = paper / "main.pdf"
    if r.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        log = (paper / "main.log").read_text(errors="replace").splitlines()[-30:] if (paper / "main.log").exists() else []
        report(False, case, "latexmk failed:\n    " + "\n    ".join(log))
        return
    log = (paper / "main.log").read_text(errors="replace")
    problems = []
    if "There were undefined references" in log or re.search(r"Citation .* undefined", log):
        problems.append("undefined references or citations")
    report(not problems, case, "; ".join(problems) or f"main.pdf {pdf.stat().st_size} bytes")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", type=Path, required=True, help="folder of quick-profile results files")
    ap.add_argument("--bin", type=Path, help="folder of experiment binaries: produce missing results")
    ap.add_argument("--require-all", action="store_true", help="a plot script without results fails")
    ap.add_argument("--paper", action="store_true", help="also build the report (needs latexmk)")
    ap.add_argument("--only", help="only plot_<ONLY>.py")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()

    scripts = sorted(PLOTS.glob("plot_*.py"))
    if args.only:
        scripts = [s for s in scripts if s.stem == f"plot_{args.only}"]
    tmp = Path(tempfile.mkdtemp(prefix="sgdsde-plot-tests-"))
    figures = tmp / "figures"
    try:
        args.results.mkdir(parents=True, exist_ok=True)

        def one_script(script: Path) -> None:
            name = script.stem[len("plot_"):]
            out = args.results / f"{name}.h5"
            if args.bin and not out.exists() and (args.bin / name).is_file():
                r = run([args.bin / name, "--profile", "quick", "--out", out], timeout=900)
                report(r.returncode == 0, f"{name}/quick-run", r.stderr.strip()[-1000:] if r.returncode else "")
            test_draws(script, name, args.results, figures, args.require_all)
            test_empty(script, name, tmp)
            test_missing(script, name, tmp)

        # The scripts are independent processes (own files and folders): one per core at a time
        # (each is single-threaded Python; the lines of the report may interleave between scripts).
        with ThreadPoolExecutor(max_workers=max(1, os.cpu_count() or 1)) as pool:
            list(pool.map(one_script, scripts))
        if not args.only:
            test_checks_table_fixture(tmp)
            test_checks_table_results(args.results, tmp)
            if args.paper:
                test_paper(figures, args.results, tmp)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"plot tests: {len(passed)} passed, {len(failed)} failed, {len(skipped)} skipped")
    if failed:
        print("failed: " + ", ".join(failed))
        return 1
    return 77 if not passed and skipped else 0


if __name__ == "__main__":
    sys.exit(main())
