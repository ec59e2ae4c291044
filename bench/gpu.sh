#!/usr/bin/env bash
# The GPU check, first thing on a machine with a CUDA device (under 8 minutes on one GPU):
# the table of bench/gpu.py (seconds per outer iteration of every method, evaluation one by one vs together, peak memory),
# then the notebooks' CUDA-flagged cells. Usage: bash bench/gpu.sh [--data DIR]   (the table is also written to bench/gpu_table.md)
set -euo pipefail
cd "$(dirname "$0")/.."
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
python -c "import torch; assert torch.cuda.is_available(), 'no CUDA device visible to torch'"
timeout 360 python bench/gpu.py "$@" | tee bench/gpu_table.md
echo "== notebooks: cells flagged cuda" >&2
MPLBACKEND=Agg timeout 90 nbdev_test --flags cuda --n_workers 1 --path nbs/05_train.ipynb
