/**
 * Two teams' stacks that a root compose file includes, each also run alone from its folder:
 * platform (web, worker, beat on the `backend` network, sharing `static_files`) and billing
 * (sharing `invoices`). Every application image is built FROM acme/base:1.0, which the Makefile
 * builds from docker/base/Dockerfile.
 */

export const ROOT_COMPOSE = `# The whole product: each team's stack, also run alone from its folder.
include:
  - platform/compose.yaml
  - path: billing/compose.yaml
`;

/** platform/compose.yaml; `beat` is the case's (its keys after `command:`). */
export const platformCompose = (
  beat = '    volumes:\n      - static_files:/app/static\n    networks: [backend]\n',
): string => `services:
  web:
    build: .
    volumes:
      - static_files:/app/static
    networks:
      - backend

  worker:
    build: .
    command: celery -A platform worker -l info
    volumes:
      - static_files:/app/static
    networks:
      - backend

  beat:
    build: .
    command: celery -A platform beat -l info
${beat}
volumes:
  static_files:

networks:
  backend:
`;

/** billing/compose.yaml with distinct service names: billing-web and pdf share `invoices`. */
export const BILLING_COMPOSE = `services:
  billing-web:
    build: .
    volumes:
      - invoices:/app/invoices

  pdf:
    build: .
    command: python -m billing.pdf_worker
    volumes:
      - invoices:/app/invoices

volumes:
  invoices:
`;

/** billing/compose.yaml when the billing team also named its services web and worker. */
export const BILLING_SAME_NAMES = `services:
  web:
    build: .
    volumes:
      - invoices:/app/invoices

  worker:
    build: .
    command: celery -A billing worker -l info
    volumes:
      - invoices:/app/invoices

  pdf:
    build: .
    command: python -m billing.pdf_worker
    volumes:
      - invoices:/app/invoices

volumes:
  invoices:
`;

/** The workspace: the Makefile-built base, both stacks' Dockerfiles, the root file and the stacks' compose files. */
export function teamStacks(platform: string, billing: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    Makefile: 'base:\n\tdocker build -t acme/base:1.0 -f docker/base/Dockerfile .\n\nup: base\n\tdocker compose up -d\n',
    'docker/base/Dockerfile': 'FROM python:3.12-slim\nRUN pip install --no-cache-dir gunicorn celery weasyprint\nWORKDIR /app\n',
    'platform/Dockerfile': 'FROM acme/base:1.0\nCOPY . /app\nCMD ["gunicorn", "platform.wsgi", "--bind", "0.0.0.0:8000"]\n',
    'billing/Dockerfile': 'FROM acme/base:1.0\nCOPY . /app\nCMD ["gunicorn", "billing.wsgi", "--bind", "0.0.0.0:8000"]\n',
    'compose.yaml': ROOT_COMPOSE,
    'platform/compose.yaml': platform,
    'billing/compose.yaml': billing,
    ...extra,
  };
}

/**
 * The team stacks where the platform team also runs its stack from its folder with a GPU overlay
 * (`cd platform && docker compose -f compose.yaml -f gpu.yaml`): platform/compose.yaml declares
 * `gpu_cache`, which only platform/gpu.yaml mounts. docker compose reads gpu.yaml after the stack's
 * file, whatever includes that file elsewhere.
 */
export function teamStacksWithGpuOverlay(): Record<string, string> {
  const stacks = teamStacks(
    platformCompose().replace('\nvolumes:\n  static_files:\n', '\nvolumes:\n  static_files:\n  gpu_cache:\n'),
    BILLING_COMPOSE,
  );
  return {
    ...stacks,
    Makefile: `${stacks.Makefile}\ngpu: base\n\tcd platform && docker compose -f compose.yaml -f gpu.yaml up -d\n`,
    'platform/gpu.yaml': 'services:\n  worker:\n    volumes:\n      - gpu_cache:/var/cache/gpu\n',
  };
}
