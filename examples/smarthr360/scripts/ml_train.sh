#!/bin/sh
set -e
python ml/train.py --out artifacts/models
