#!/usr/bin/env python3
# The independent side of test-pyindex.sh.
#
#   pyindex_oracle.py expect ROOT DIGEST|LAYER.tar...
#       What the Python interpreter sees installed in the file tree ROOT
#       (importlib.metadata, every real directory a sys.path entry; names
#       PEP 503, versions spelled by packaging, as oracle.py), one line per
#       distribution: NAME <TAB> VERSION <TAB> python:DIR <TAB> LAYER, where
#       LAYER is DIGEST (a one-layer image), or the sha256 digest of the
#       highest LAYER.tar holding the distribution's metadata file (the
#       layer that last wrote it: its introduced_in). Sorted, unique.
#   pyindex_oracle.py report REPORT.json
#       The same lines from a claro IndexReport: every package with an
#       environment whose package_db starts with "python:", per environment.
#       Lines starting "bad" name what breaks the links Clair's python
#       coalescer makes: an environment must name exactly one repository,
#       {name "pypi", uri "https://pypi.org/simple"}, and no distribution.
#   pyindex_oracle.py build-image WORK PYTHON OUT.tar
#       Build a layered image in WORK/root the way a Dockerfile would, run by
#       PYTHON with pip offline, and save it as a docker-archive OUT.tar
#       (`docker save` layout: manifest.json, config with diff_ids,
#       uncompressed layer tars). Each layer is the file-system diff of one
#       step, with OCI whiteouts for what the step deleted (".wh.NAME", and
#       ".wh..wh..opq" for a directory the step emptied and refilled):
#         0  a virtualenv (pip, setuptools from ensurepip), opt/app/site with
#            a-1.0 and b-1.0, opt/old/site with d-1.0
#         1  pip uninstall setuptools; pip install demo 1.0 (a wheel built here)
#         2  pip install demo 2.0 (upgrade); opt/app/site emptied and refilled
#            with c-1.0; opt/old deleted
#         3  pip install --force-reinstall demo 2.0 (its files written again)
#       Prints the layer tars' paths (in WORK/layers), bottom first.
#   pyindex_oracle.py unpack OUT.tar DEST
#       Apply the archive's layers in order into DEST, whiteouts included, as
#       an OCI runtime does.
# Exit status 3 when packaging is not importable.
# SPDX-License-Identifier: Apache-2.0
import base64
import hashlib
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tarfile
import zipfile

try:
    from packaging.version import InvalidVersion, Version
except ImportError:
    try:
        from pip._vendor.packaging.version import InvalidVersion, Version
    except ImportError:
        print("pyindex_oracle.py: neither packaging nor pip's copy of it is importable", file=sys.stderr)
        sys.exit(3)
import importlib.metadata as metadata

PYPI = {"name": "pypi", "uri": "https://pypi.org/simple"}


def pep503(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def spell(version):
    try:
        return str(Version(version))
    except InvalidVersion:
        return version.strip()


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return "sha256:" + h.hexdigest()


# ---- expect ----

def expect(root, rest):
    root = os.path.realpath(root)
    dirs = [root]
    for parent, subdirs, _ in os.walk(root):
        dirs += [os.path.join(parent, d) for d in subdirs if not os.path.islink(os.path.join(parent, d))]
    layers = []
    if len(rest) == 1 and rest[0].startswith("sha256:"):
        fixed = rest[0]
    else:
        fixed = None
        for t in rest:
            with tarfile.open(t) as tf:
                layers.append((sha256_file(t), {m.name[2:] if m.name.startswith("./") else m.name
                                                for m in tf.getmembers()}))
    out = set()
    for dist in metadata.distributions(path=sorted(dirs)):
        entry = str(getattr(dist, "_path", ""))
        name, version = dist.metadata["Name"], dist.metadata["Version"]
        if not name or not name.strip():
            continue
        where = os.path.realpath(str(dist.locate_file("")))
        db = "python:" + ("." if where == root else os.path.relpath(where, root))
        if os.path.isdir(entry):
            md = os.path.join(entry, "METADATA")
            if not os.path.isfile(md):
                md = os.path.join(entry, "PKG-INFO")
        else:
            md = entry
        rel = os.path.relpath(md, root)
        layer = fixed
        for digest, members in layers:
            if rel in members:
                layer = digest
        out.add("%s\t%s\t%s\t%s" % (pep503(name.strip()), spell(version or ""), db, layer or "?"))
    for line in sorted(out):
        print(line)
    return 0


# ---- report ----

def report(path):
    d = json.load(open(path))
    pkgs, envs = d.get("packages") or {}, d.get("environments") or {}
    repos = d.get("repository") or {}
    out, bad = set(), []
    for pid, p in pkgs.items():
        for e in envs.get(pid) or []:
            db = e.get("package_db") or ""
            if not db.startswith("python:"):
                continue
            out.add("%s\t%s\t%s\t%s" % (p.get("name"), p.get("version"), db, e.get("introduced_in")))
            ids = e.get("repository_ids") or []
            linked = [{"name": (repos.get(i) or {}).get("name"), "uri": (repos.get(i) or {}).get("uri")}
                      for i in ids]
            if linked != [PYPI]:
                bad.append("bad\t%s %s in %s: repositories %s" % (p.get("name"), p.get("version"), db, linked))
            if e.get("distribution_id"):
                bad.append("bad\t%s %s in %s: distribution %s" % (p.get("name"), p.get("version"), db,
                                                                  e.get("distribution_id")))
    for line in sorted(out) + bad:
        print(line)
    return 0


# ---- build-image ----

def state(root):
    """path -> (kind, mode, mtime_ns, size, link) of everything under root."""
    s = {}
    for parent, dirs, files in os.walk(root):
        for n in dirs + files:
            p = os.path.join(parent, n)
            st = os.lstat(p)
            kind = "l" if stat.S_ISLNK(st.st_mode) else "d" if stat.S_ISDIR(st.st_mode) else "f"
            s[os.path.relpath(p, root)] = (kind, stat.S_IMODE(st.st_mode), st.st_mtime_ns, st.st_size,
                                            os.readlink(p) if kind == "l" else None)
    return s


def write_layer(root, old, new, opaque, out):
    """The tar of what changed from old to new, with whiteouts."""
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as tf:
        gone = sorted(p for p in old if p not in new)
        for p in gone:
            parent = os.path.dirname(p)
            if parent in gone or any(parent == o or parent.startswith(o + "/") for o in opaque):
                continue  # the parent's whiteout (or the opaque marker) covers it
            info = tarfile.TarInfo(os.path.join(parent, ".wh." + os.path.basename(p)))
            tf.addfile(info, io.BytesIO(b""))
        for p in sorted(new):
            if p in old and old[p] == new[p] and p not in opaque and \
                    not any(p.startswith(o + "/") for o in opaque):
                continue
            tf.add(os.path.join(root, p), arcname=p, recursive=False)
            if p in opaque:
                tf.addfile(tarfile.TarInfo(p + "/.wh..wh..opq"), io.BytesIO(b""))


def dist_info(site, name, version):
    path = os.path.join(site, "%s-%s.dist-info" % (name, version))
    os.makedirs(path)
    with open(os.path.join(path, "METADATA"), "w") as fh:
        fh.write("Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name, version))


def wheel(dest, name, version):
    stem = "%s-%s" % (name.replace("-", "_"), version)
    files = {
        "%s/__init__.py" % name.replace("-", "_"): "VERSION = %r\n" % version,
        stem + ".dist-info/METADATA": "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name, version),
        stem + ".dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: claro-test\nRoot-Is-Purelib: true\n"
                                  "Tag: py3-none-any\n",
    }
    record = ""
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record += "%s,sha256=%s,%d\n" % (path, digest, len(text.encode()))
    files[stem + ".dist-info/RECORD"] = record + stem + ".dist-info/RECORD,,\n"
    out = os.path.join(dest, stem + "-py3-none-any.whl")
    with zipfile.ZipFile(out, "w") as z:
        for path, text in files.items():
            z.writestr(path, text)
    return out


def run(*cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        print("pyindex_oracle.py: %s failed:\n%s" % (" ".join(cmd), r.stdout), file=sys.stderr)
        sys.exit(1)


def build_image(work, python, out):
    root, wheels, layers_dir = (os.path.join(work, d) for d in ("root", "wheels", "layers"))
    for d in (root, wheels, layers_dir):
        os.makedirs(d)
    venv = os.path.join(root, "opt", "venv")
    pip = [os.path.join(venv, "bin", "python"), "-I", "-m", "pip", "--disable-pip-version-check", "-q"]
    demo1, demo2 = wheel(wheels, "demo", "1.0"), None
    os.makedirs(os.path.join(wheels, "v2"))
    demo2 = wheel(os.path.join(wheels, "v2"), "demo", "2.0")
    app, old = os.path.join(root, "opt", "app", "site"), os.path.join(root, "opt", "old", "site")

    def step0():
        run(python, "-m", "venv", venv)
        dist_info(app, "a", "1.0")
        dist_info(app, "b", "1.0")
        dist_info(old, "d", "1.0")

    def step1():
        run(*pip, "uninstall", "-y", "setuptools")
        run(*pip, "install", "--no-index", "--no-deps", demo1)

    def step2():
        run(*pip, "install", "--no-index", "--no-deps", demo2)
        shutil.rmtree(app)
        dist_info(app, "c", "1.0")
        shutil.rmtree(os.path.dirname(old))

    def step3():
        run(*pip, "install", "--no-index", "--no-deps", "--force-reinstall", demo2)

    steps = [(step0, set()), (step1, set()), (step2, {os.path.relpath(app, root)}), (step3, set())]
    prev, tars = {}, []
    for i, (step, opaque) in enumerate(steps):
        step()
        cur = state(root)
        t = os.path.join(layers_dir, "layer%d.tar" % i)
        write_layer(root, prev, cur, opaque, t)
        tars.append(t)
        prev = cur
    diff_ids = [sha256_file(t) for t in tars]
    config = json.dumps({"architecture": "amd64", "os": "linux",
                         "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    names = ["%s/layer.tar" % d[7:] for d in diff_ids]
    manifest = json.dumps([{"Config": config_name, "RepoTags": ["claro-test/python:layers"],
                            "Layers": names}]).encode()
    with tarfile.open(out, "w") as tf:
        for name, data in ((config_name, config), ("manifest.json", manifest)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        for name, t in zip(names, tars):
            tf.add(t, arcname=name)
    for t in tars:
        print(t)
    return 0


# ---- unpack ----

def unpack(archive, dest):
    os.makedirs(dest, exist_ok=True)
    with tarfile.open(archive) as outer:
        manifest = json.load(outer.extractfile("manifest.json"))
        for name in manifest[0]["Layers"]:
            with tarfile.open(fileobj=outer.extractfile(name)) as tf:
                members = tf.getmembers()
                for m in members:
                    d, b = os.path.split(m.name)
                    target = os.path.join(dest, d)
                    if b == ".wh..wh..opq":
                        for e in os.listdir(target) if os.path.isdir(target) else []:
                            p = os.path.join(target, e)
                            shutil.rmtree(p) if os.path.isdir(p) and not os.path.islink(p) else os.unlink(p)
                    elif b.startswith(".wh."):
                        p = os.path.join(target, b[4:])
                        if os.path.isdir(p) and not os.path.islink(p):
                            shutil.rmtree(p)
                        elif os.path.lexists(p):
                            os.unlink(p)
                for m in members:
                    if os.path.basename(m.name).startswith(".wh."):
                        continue
                    p = os.path.join(dest, m.name)
                    if m.isdir() and os.path.isdir(p):
                        continue
                    if os.path.lexists(p) and not os.path.isdir(p):
                        os.unlink(p)
                    tf.extract(m, dest)
    return 0


if __name__ == "__main__":
    a = sys.argv
    if len(a) >= 4 and a[1] == "expect":
        sys.exit(expect(a[2], a[3:]))
    if len(a) == 3 and a[1] == "report":
        sys.exit(report(a[2]))
    if len(a) == 5 and a[1] == "build-image":
        sys.exit(build_image(a[2], a[3], a[4]))
    if len(a) == 4 and a[1] == "unpack":
        sys.exit(unpack(a[2], a[3]))
    print("usage: pyindex_oracle.py expect ROOT DIGEST|LAYER.tar... | report REPORT.json | "
          "build-image WORK PYTHON OUT.tar | unpack OUT.tar DEST", file=sys.stderr)
    sys.exit(2)
