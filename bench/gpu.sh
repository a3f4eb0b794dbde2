#!/usr/bin/env bash
# fastaug's GPU check: on one CUDA device, in under 8 minutes, one results file (JSON) with host syncs per batch of the
# mixing and label callbacks and of tta (goal 0), mixing overhead in a resnet50 training step (bs 256, mixed precision;
# goal < 2%), fastaug tta vs fastai Learner.tta (goal <= 0.3x), ElasticDeform vs kornia (goal >= 5x), and the notebooks'
# `#| cuda` cells. Sections and options: bench/gpu_check.py.
#
#   bash bench/gpu.sh [--out FILE]            # on a CUDA machine; FILE defaults to $OUT/gpu_results.json, else ./gpu_results.json
#   bash bench/gpu.sh --cpu --tiny --out F    # the same script on the CPU at tiny sizes (about a minute): it works before a GPU is lent
#
# Python: $PYTHON, else .venv/bin/python, else python3. It needs fastai and fastaug importable (and kornia for the elastic
# section, skipped without it). Nothing is downloaded: models are built from code (weights=None). On a machine without
# network, carry wheels (fastai, fastcore, fasttransform, fastprogress, fastdownload, plum-dispatch, kornia, kornia-rs, execnb)
# and put them on PYTHONPATH before running this script.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-}"
if [ -z "$PY" ]; then if [ -x .venv/bin/python ]; then PY=.venv/bin/python; else PY=python3; fi; fi
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
# a hard stop a little under 8 minutes; results are written section by section (atomically), so a stop keeps what was done
exec timeout --signal=TERM 470 "$PY" bench/gpu_check.py --budget 430 "$@"
