#!/usr/bin/env bash
# Make the README's screenshots with the application's own --screenshot mode, on the sample
# corpus annotated as in tests/annotated_seeds.py. Run from the repository root, in the venv:
#   bash docs/screenshots.sh
set -euo pipefail
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export QT_QPA_PLATFORM=offscreen ANNOTATOR_CONFIG_DIR="$work/config" ANNOTATOR_DATA_DIR="$work/data"
db="$work/annotated.sqlite"
python -m tests.annotated_seeds "$db"
shot() { annotator gui --db "$db" --annotator alice --screenshot "docs/screenshot-$1.png" "${@:2}"; }
shot main --doc 3 --theme light
shot dark --doc 3 --theme dark
shot search --view search --query "Qaani"
for view in framing tone actors network timeline stories; do
  shot "corpus-$view" --view "corpus-$view"
done
for view in actors event framing; do
  shot "$view" --doc 3 --view "$view"
done
