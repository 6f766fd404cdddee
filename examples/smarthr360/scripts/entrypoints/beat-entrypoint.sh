#!/bin/sh
set -e
exec celery -A smarthr360 beat -l info
