#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Checks that src/sessiond's subsystem folders depend on each other one way.

Each folder has a layer (LAYERS below, lowest first; doc/architecture.md states
the rule). A file may use its own folder, src/common, and folders of lower
layers, never a higher layer nor another folder of the same layer; the tracer
implementations (PLUGINS) are used by main.c alone. Two views
are checked:
  * includes: every #include "folder/x.h" in src/sessiond;
  * symbols (with --objects BUILD_DIR): every undefined symbol of an object of
    libsessiond.a that another object of it defines; this catches calls made
    through a local declaration, which the include view cannot see.
Exits 1 and lists every violation, 0 when there is none.
"""
import os
import re
import subprocess
import sys

# Lowest first; folders on one line share a layer and may not use each other.
LAYERS = [
    ["core"],
    ["model"],
    ["consumer", "relayd"],
    ["domain"],
    ["ust", "agent", "kernel"],
    ["client"],
    ["load"],
]
# The tracer implementations plug into domain/'s interface: only main.c (which
# installs them in d->domains[]) may use them; the layers above them go through
# domain/.
PLUGINS = {"ust", "agent", "kernel"}
RANK = {folder: i for i, layer in enumerate(LAYERS) for folder in layer}
ROOT_FILES_RANK = len(LAYERS)  # main.c: the composition root may use everything

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "sessiond")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def folder_of(relpath):
    parts = relpath.split(os.sep)
    return parts[0] if len(parts) > 1 else None


def allowed(user, used):
    if used is None or used == user:
        return True
    if user is None:
        return True
    if used not in RANK or user not in RANK:
        return False
    if used in PLUGINS:
        return False
    return RANK[used] < RANK[user]


def check_includes():
    errors = []
    folders = set()
    for dirpath, _, files in os.walk(SRC):
        for name in sorted(files):
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, SRC)
            user = folder_of(rel)
            if user is not None:
                folders.add(user)
            with open(path, encoding="utf-8") as f:
                for lineno, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    target = m.group(1)
                    head = target.split("/")[0] if "/" in target else None
                    if head is None or not os.path.exists(os.path.join(SRC, target)):
                        continue  # src/common or a same-named system header
                    if not allowed(user, head):
                        errors.append(f"{rel}:{lineno}: {user or 'main'} includes {target} "
                                      f"({head} is not usable from {user})")
    for folder in sorted(folders - set(RANK)):
        errors.append(f"src/sessiond/{folder}/: folder without a layer in tools/check-layering.py")
    return errors


def nm(obj):
    out = subprocess.run(["nm", "--defined-only", "-g", obj], capture_output=True,
                         text=True, check=True).stdout
    defined = {line.split()[-1] for line in out.splitlines() if line.strip()}
    out = subprocess.run(["nm", "-u", obj], capture_output=True, text=True,
                         check=True).stdout
    undefined = {line.split()[-1] for line in out.splitlines() if line.strip()}
    return defined, undefined


def check_symbols(build_dir):
    objdir = os.path.join(build_dir, "src", "sessiond", "libsessiond.a.p")
    if not os.path.isdir(objdir):
        return [f"{objdir}: no objects (build first)"]
    objects = {}
    for name in sorted(os.listdir(objdir)):
        if name.endswith(".o"):
            # meson names objects folder_file.c.o
            src = name[:-len(".o")]
            folder = src.split("_", 1)[0] if "_" in src else None
            objects[name] = (folder, *nm(os.path.join(objdir, name)))
    owner = {}
    for name, (folder, defined, _) in objects.items():
        for sym in defined:
            owner[sym] = (folder, name)
    errors = []
    for name, (folder, _, undefined) in objects.items():
        for sym in sorted(undefined):
            if sym not in owner:
                continue
            used, where = owner[sym]
            if not allowed(folder, used):
                errors.append(f"{name}: {folder} uses {sym} defined in {where} "
                              f"({used} is not usable from {folder})")
    return errors


def main():
    errors = check_includes()
    if len(sys.argv) == 3 and sys.argv[1] == "--objects":
        errors += check_symbols(sys.argv[2])
    for e in errors:
        print("layering:", e)
    print(f"layering: {len(errors)} violation(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
