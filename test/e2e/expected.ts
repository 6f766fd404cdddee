/**
 * What the flagship quick fixes must write, as exact text: the example's original file with one
 * literal replacement. Shared by the browser suite (test/e2e) and the extension-host suite
 * (test/vscode), which both start from a copy of examples/smarthr360.
 */
import assert from 'node:assert/strict';

export const MOVE_TO_BASE_TITLE = 'Move curl, gettext to the base image (Dockerfile.base)';
export const MOUNT_VOLUME_TITLE = 'Mount ml_models_volume at /app/artifacts/models in celery_beat';
export const CURL_MESSAGE = 'Unexpected apt-get install of "curl" outside the base image; install it in Dockerfile.base.';
export const GETTEXT_MESSAGE = 'Unexpected apt-get install of "gettext" outside the base image; install it in Dockerfile.base.';
export const CELERY_BEAT_VOLUME_MESSAGE =
  'Expected celery_beat to mount the shared volume "ml_models_volume" at /app/artifacts/models';
export const FLOWER_VOLUME_MESSAGE = 'Expected flower to mount the shared volume "ml_models_volume"';
export const ROADMAP_VIEW_ID = 'dockerModularity.roadmap';

/** `text` with `from` (which must occur exactly once) replaced by `to`. */
export function replaceOnce(text: string, from: string, to: string, file: string): string {
  const at = text.indexOf(from);
  assert.ok(at >= 0 && text.indexOf(from, at + 1) < 0, `the example's ${file} no longer holds this text exactly once:\n${from}`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** docker/Dockerfile.web without its apt-get RUN (and the blank line after it). */
export function expectedWeb(original: string): string {
  return replaceOnce(
    original,
    'WORKDIR /app\n\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n    curl \\\n    gettext \\\n    && rm -rf /var/lib/apt/lists/*\n\n# Application code\n',
    'WORKDIR /app\n\n# Application code\n',
    'docker/Dockerfile.web',
  );
}

/** Dockerfile.base with curl and gettext merged, in order, into its apt-get install. */
export function expectedBase(original: string): string {
  return replaceOnce(
    original,
    '    build-essential \\\n    libpq5 \\\n',
    '    build-essential \\\n    curl \\\n    gettext \\\n    libpq5 \\\n',
    'Dockerfile.base',
  );
}

/** docker-compose.yml with ml_models_volume mounted in celery_beat, after its existing mount. */
export function expectedCompose(original: string): string {
  return replaceOnce(
    original,
    '    volumes:\n      - logs_volume:/app/logs\n    depends_on:\n      - redis\n\n  flower:\n',
    '    volumes:\n      - logs_volume:/app/logs\n      - ml_models_volume:/app/artifacts/models\n    depends_on:\n      - redis\n\n  flower:\n',
    'docker-compose.yml',
  );
}

/** The comment lines of a YAML or Dockerfile text, in order. */
export function commentLines(text: string): string[] {
  return text.split('\n').filter((l) => l.trimStart().startsWith('#'));
}
