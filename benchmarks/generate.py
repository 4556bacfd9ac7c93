"""Generate the openapi-generator `python` models from the spec, into a temporary folder.

The generator is the `openapi-generator-cli` package from PyPI, which wraps the Java jar.
If the installed one is not version 7.26.0 it is installed with pip into the temporary folder.
"""

import importlib.metadata
import importlib.resources
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Final

GENERATOR_VERSION: Final = "7.26.0"
PACKAGE: Final = "generated_openapiopenai"
"""The generated package's name: ours is `openapiopenai`, so both can be imported side by side."""


class GeneratorUnavailable(Exception):
    """The generated models cannot be built or imported here; the message says why."""


def _run(command: list[str], *, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False, env=env)


def _last_line(process: subprocess.CompletedProcess[str]) -> str:
    lines = (process.stderr or process.stdout).strip().splitlines()
    return lines[-1] if lines else f"exit status {process.returncode}"


def java_version() -> str | None:
    """The first line `java -version` prints, or None without Java."""
    java = shutil.which("java")
    if java is None:
        return None
    return _run([java, "-version"]).stderr.strip().splitlines()[0]


def _installed_jar() -> Path | None:
    try:
        if importlib.metadata.version("openapi-generator-cli") != GENERATOR_VERSION:
            return None
    except importlib.metadata.PackageNotFoundError:
        return None
    return Path(str(importlib.resources.files("openapi_generator_cli") / "openapi-generator.jar"))


def _jar(workdir: Path) -> Path:
    jar = _installed_jar()
    if jar is not None:
        return jar
    target = workdir / "cli"
    print(f"installing openapi-generator-cli=={GENERATOR_VERSION} into {target}", file=sys.stderr)
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target", str(target)]
    process = _run([*pip, f"openapi-generator-cli=={GENERATOR_VERSION}"])
    if process.returncode != 0:
        raise GeneratorUnavailable(f"pip could not install openapi-generator-cli: {_last_line(process)}")
    return target / "openapi_generator_cli" / "openapi-generator.jar"


def generate(spec: Path, workdir: Path) -> Path:
    """Generate the models and return the folder to put on `sys.path` to import them."""
    if not spec.is_file():
        raise GeneratorUnavailable(f"no spec at {spec} (pass --spec)")
    java = shutil.which("java")
    if java is None:
        raise GeneratorUnavailable("Java is not installed (openapi-generator needs a Java runtime, 11 or later)")
    jar = _jar(workdir)
    output = workdir / "generated"
    command = [java, "-jar", str(jar), "generate", "--generator-name", "python", "--input-spec", str(spec)]
    command += ["--output", str(output), f"--additional-properties=packageName={PACKAGE}"]
    process = _run(command)
    if process.returncode != 0:
        raise GeneratorUnavailable(f"openapi-generator failed: {_last_line(process)}")
    # The generated package needs its own dependencies (urllib3, python-dateutil); say which is missing.
    check = _run([sys.executable, "-c", f"import {PACKAGE}.models.usage_response"], env=pythonpath_env(output))
    if check.returncode != 0:
        raise GeneratorUnavailable(f"the generated package does not import: {_last_line(check)}")
    return output


def pythonpath_env(*folders: Path) -> dict[str, str]:
    """This process's environment with `folders` ahead of PYTHONPATH."""
    env = dict(os.environ)
    paths = [str(folder) for folder in folders]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env
