#!/usr/bin/env python3
"""The sample of real Wolfi recipes issue 12 builds unmodified: those whose upstream tarball Debian's archive
serves byte for byte as an orig tarball, so this machine (whose only network is Debian's archive) can get it.

How they are found, without downloading a tarball: every `fetch` step of a recipe that pins its tarball with
`expected-sha256` is matched against the SHA-256 of every `*.orig.tar.*` file that Debian's source indexes
(`dists/SUITE/main/source/Sources.xz` of bookworm, trixie and sid) list. Equal digests mean equal bytes, so a
match is the upstream release itself, not a repack. Recipes that pin with `expected-sha512` or fetch with
`git-checkout` cannot be matched this way and are counted apart.

Each matched recipe is printed with its version, the Debian source package, suite and orig file, and the
packages its build environment asks for (`environment.contents.packages`), so the list shows which build
dependencies Kiln's catalog needs. `--urls` prints instead the archive URLs of those
tarballs, `--names` the recipe names (bench/real-recipes.sh downloads and builds them).

Run: python3 bench/real-recipes.py [--sources-dir DIR] [--urls | --names] [CORPUS_RECIPES_DIR]
     (needs python3-yaml; the Sources indexes are downloaded into DIR, default /tmp/kiln-debian-sources, once)
"""
import argparse
import collections
import glob
import lzma
import os
import re
import sys
import urllib.request

import yaml

SUITES = ("bookworm", "trixie", "sid")
MIRROR = "https://deb.debian.org/debian"
CHECKSUM_LINE = re.compile(r"^ ([0-9a-f]{64}) \d+ (\S+\.orig\.tar\.\S+)$")


def sources_index(directory, suite):
    """The suite's Sources index as text, downloaded once into `directory`."""
    path = os.path.join(directory, f"{suite}-Sources.xz")
    if not os.path.exists(path):
        os.makedirs(directory, exist_ok=True)
        url = f"{MIRROR}/dists/{suite}/main/source/Sources.xz"
        print(f"downloading {url}", file=sys.stderr)
        urllib.request.urlretrieve(url, path + ".part")
        os.replace(path + ".part", path)
    with lzma.open(path, "rt", encoding="utf-8", errors="replace") as f:
        return f.read()


def orig_tarballs(directory):
    """sha256 -> (suite, source package, orig file URL) for every orig tarball of every suite (oldest suite wins)."""
    found = {}
    for suite in SUITES:
        for stanza in sources_index(directory, suite).split("\n\n"):
            package = None
            directory_in_pool = None
            in_sha256 = False
            files = []
            for line in stanza.splitlines():
                if line.startswith("Directory: "):
                    directory_in_pool = line[len("Directory: "):].strip()
                if line.startswith("Package: "):
                    package = line[len("Package: "):].strip()
                if not line.startswith(" "):
                    in_sha256 = line.startswith("Checksums-Sha256:")
                    continue
                match = CHECKSUM_LINE.match(line) if in_sha256 else None
                if match:
                    files.append(match.groups())
            for sha, name in files:
                if sha not in found:
                    found[sha] = (suite, package, f"{MIRROR}/{directory_in_pool}/{name}")
    return found


def fetch_steps(steps):
    for step in steps or []:
        if isinstance(step, dict):
            if step.get("uses") == "fetch" and isinstance(step.get("with"), dict):
                yield step["with"]
            yield from fetch_steps(step.get("pipeline"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recipes", nargs="?", default="../shared/corpora/wolfi-os/recipes")
    parser.add_argument("--sources-dir", default="/tmp/kiln-debian-sources")
    parser.add_argument("--urls", action="store_true", help="print the URLs of the sample's orig tarballs")
    parser.add_argument("--names", action="store_true", help="print the sample's recipe names, one per line")
    args = parser.parse_args()

    origs = orig_tarballs(args.sources_dir)
    counts = collections.Counter()
    rows = []
    for path in sorted(glob.glob(os.path.join(args.recipes, "*.yaml"))):
        with open(path, encoding="utf-8") as f:
            recipe = yaml.safe_load(f)
        if not isinstance(recipe, dict):
            continue
        counts["recipes"] += 1
        fetches = list(fetch_steps(recipe.get("pipeline")))
        pinned = [str(w["expected-sha256"]) for w in fetches if "expected-sha256" in w]
        if not fetches:
            counts["no fetch step (git-checkout or none)"] += 1
            continue
        if not pinned:
            counts["fetch pinned by sha512 only"] += 1
            continue
        matches = [origs.get(sha) for sha in pinned]
        if not all(matches):
            counts["tarball not in Debian byte for byte"] += 1
            continue
        counts["sample: every tarball is a Debian orig"] += 1
        package = recipe.get("package") or {}
        env = ((recipe.get("environment") or {}).get("contents") or {}).get("packages") or []
        rows.append((os.path.basename(path)[:-5], str(package.get("version")), matches, env))

    if args.names:
        print("\n".join(name for name, _, _, _ in rows))
        return
    if args.urls:
        print("\n".join(sorted({m[2] for _, _, ms, _ in rows for m in ms})))
        return
    print("| recipe | version | Debian source (suite): orig file | build environment |")
    print("|---|---|---|---|")
    for name, version, matches, env in rows:
        origin = ", ".join(f"{m[1]} ({m[0]}): {m[2].rsplit('/', 1)[1]}" for m in matches)
        print(f"| {name} | {version} | {origin} | {' '.join(map(str, env))} |")
    print()
    for what, n in counts.items():
        print(f"{what}: {n}")


if __name__ == "__main__":
    main()
