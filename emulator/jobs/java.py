"""Finding the Java that PySpark will start for a glueetl driver, before anything tries to start it.

PySpark's launcher (spark-class) runs `$JAVA_HOME/bin/java` when JAVA_HOME is set, else the first `java` on
PATH; without one the driver dies with a bare JAVA_GATEWAY_EXITED. So the Spark pool and `glue-emulator
doctor` look for it the same way first and can say what is missing and how to install it. Glue 5 runs Spark on
Java 17, the version we ask for; PySpark 3.5 also runs on Java 8 and 11.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# How to get Java 17, per operating system, for error messages and the doctor.
INSTALL_HELP = (
    "Install Java 17 (Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless; Fedora/RHEL: sudo dnf install "
    "java-17-openjdk-headless; macOS: brew install openjdk@17), or point JAVA_HOME at one and restart glue-emulator"
)
# `java -version` prints e.g. `openjdk version "17.0.15" 2025-04-15` or `java version "1.8.0_402"`.
_VERSION = re.compile(r'version "([^"]+)"')
_VERSION_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Java:
    """The Java PySpark would start: `path` and `version` (e.g. "17.0.15") when usable, else `problem`."""

    path: str | None
    version: str | None = None
    problem: str | None = None

    @property
    def major(self) -> int | None:
        """17 for "17.0.15", 8 for "1.8.0_402"; None when unknown."""
        if not self.version:
            return None
        parts = self.version.split(".")
        try:
            return int(parts[1]) if parts[0] == "1" and len(parts) > 1 else int(re.split(r"\D", parts[0])[0])
        except (ValueError, IndexError):
            return None


def find_java(env: Mapping[str, str] | None = None) -> Java:
    """Locate and run `java -version` as spark-class would find it (JAVA_HOME first, then PATH).

    Returns a Java with `problem` set (a sentence, without the install help) when there is none or it
    does not run, e.g. macOS's /usr/bin/java stub without a JDK behind it.
    """
    env = os.environ if env is None else env
    java_home = env.get("JAVA_HOME")
    if java_home:
        path = str(Path(java_home) / "bin" / "java")
        if not os.access(path, os.X_OK):
            return Java(None, problem=f"Java 17 is missing: JAVA_HOME is {java_home}, which has no bin/java")
    else:
        found = shutil.which("java", path=env.get("PATH", os.defpath))
        if found is None:
            return Java(None, problem="Java 17 is missing: JAVA_HOME is not set and there is no java on PATH")
        path = found
    try:
        result = subprocess.run([path, "-version"], check=False, capture_output=True, text=True, errors="replace",
                                timeout=_VERSION_TIMEOUT_SECONDS, env=dict(env))
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Java(path, problem=f"Java 17 is missing: {path} does not run ({exc})")
    output = (result.stderr + result.stdout).strip()
    match = _VERSION.search(output)
    if result.returncode != 0 or match is None:
        first = output.splitlines()[0] if output else f"exit status {result.returncode}"
        return Java(path, problem=f"Java 17 is missing: {path} -version fails ({first})")
    return Java(path, match.group(1))
