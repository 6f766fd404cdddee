/**
 * What counts as a secret (findSecret): a secret-like key with a literal value, a value shaped like
 * a known credential under any key, a URL's password. Each is masked in every output and moved by
 * the secrets fixes; a setting must not be.
 */
import assert from 'node:assert/strict';
import { findSecret } from '../../server/src/engine/rules/env/envShared';
import { maskSecretText } from '../../server/src/engine/report';
import { Analyzer } from '../../server/src/engine/analyzer';
import { MemoryFileSystem } from '../../server/src/engine/fs';

describe('secrets', () => {
  // Before, none of these was a secret: *_KEY counted only as API_KEY or PRIVATE_KEY, and a token only
  // as a URL's password (user:pass@), so `report` printed them.
  const secrets: [string, string][] = [
    ['AIRFLOW__CORE__FERNET_KEY', '81HqDtbqAywKSOumSha3BhWNOdQ26slT6K0YaZeZyPs='],
    ['JWT_SIGNING_KEY', '9f8e7d6c5b4a39281706f5e4d3c2b1a0'],
    ['AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['MAPS_APIKEY', 'c2a7e1f09b'],
    ['OPENAI_KEY', 'sk-proj-4f9Qm2Xc7Lr8Tz1Vb6Nw3Ks5'],
    ['STRIPE_KEY', 'sk_live_51HabcdefGHIJKLMNOPqrstuv'],
    ['GIT_REPO_URL', 'https://ghp_1234567890abcdefghijABCDEFGHIJ123456@github.com/smarthr360/app.git'],
    ['ARTIFACT_UPLOADER', 'AKIAIOSFODNN7EXAMPLE'],
    ['SLACK_WEBHOOK_BOT', 'xoxb-2048-1024-abcdefABCDEF'],
    ['TLS_CERT_KEY_PEM', '-----BEGIN RSA PRIVATE KEY-----MIIEpAIBAAKCAQEA'],
    ['HUGGINGFACE_HUB', 'hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'],
    ['LEGACY_OPENAI', `sk-${'A1b2C3d4'.repeat(6)}`],
    ['HF_TOKEN', 'abc123'],
    ['GITHUB_TOKEN2', 'ghtok-realvalue-123'],
    ['NPMTOKEN', 'npm-realvalue'],
    ['githubToken', 'realvalue'],
    // Before, a personal access token under a *_PAT key was a setting.
    ['GITHUB_PAT', 'realvalue'],
    ['GL_PAT', 'glpat-short'],
    // Words after the secret noun that do not make a setting of it; a number under a key that ends in it.
    ['SECRET_KEY_BASE', 'rails-dev-8f3k2j4h'],
    ['SECRET_KEY_FALLBACKS', 'django-insecure-old-key-1'],
    ['ADMIN_PASSWORD_HASH', '$2y$10$abcdefghijklmnopqrstuv'],
    ['MYSQL_ROOT_PASSWORD', '123456'],
    ['AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE'],
    // A credential-shaped value under a setting's key.
    ['OAUTH_TOKEN_URL', 'sk_live_51HabcdefGHIJKLMNOPqrstuv'],
    ['TOKEN_ISSUER', 'https://svc:hunter2@auth.acme.io'],
  ];
  for (const [key, value] of secrets) {
    it(`${key} is a secret`, () => assert.ok(findSecret(key, value), `${key} was not found secret`));
  }
  const settings: [string, string][] = [
    ['SORT_KEY', 'created_at'],
    ['CACHE_KEY_PREFIX', 'smarthr360'],
    ['KEYCLOAK_URL', 'http://keycloak:8080/auth'],
    ['ML_LIBRARY', 'sk-learn-compatible-pipeline-name'],
    ['OPENAI_KEY', '${OPENAI_KEY}'],
    ['CACHE_URL', 'redis://redis:6379/1'],
    // Before, an sk-learn image tag was an OpenAI key (and dropped from compose's variables), and TOKEN
    // anywhere in a key made a secret of a tokenizer setting.
    ['BASE_TAG', 'sk-learn-1-5-py312-cuda12-2'],
    ['TOKENIZERS_PARALLELISM', 'false'],
    ['MAX_TOKENS', '512'],
    ['HF_TOKENIZER', 'bert-base-uncased'],
    ['MAX_NEW_TOKENS', '256'],
    ['IMAGE', 'acme/sk-admin-dashboard-frontend-service:1.2'],
    ['HF_HOME_NAME', 'hf_modelscachedirectoryforbertbase'],
    ['GITHUB_PATH', '/home/runner/bin'],
    ['PATH_PATTERN', '*.py'],
    // Before, PASSWORD, TOKEN or SECRET anywhere in a key made a secret of a setting about secrets.
    ['PASSWORD_MIN_LENGTH', '12'],
    ['ACCESS_TOKEN_EXPIRE_MINUTES', '30'],
    ['TOKEN_ISSUER', 'https://auth.acme.io'],
    ['SECRET_KEY_FALLBACKS_ENABLED', 'false'],
    ['OAUTH_TOKEN_URL', 'https://login.acme.io/oauth/token'],
    ['PASSWORD_HASHER', 'argon2'],
    ['PASSWORD_RESET_TIMEOUT', '3600'],
    ['JWT_ACCESS_TOKEN_LIFETIME_MINUTES', '15'],
    ['passwordMinLength', '8'],
    ['POSTGRES_PASSWORD_FILE', '/run/secrets/db_password'],
    ['PASSWORD_ROUNDS', '12'],
    ['REQUIRE_PASSWORD', 'true'],
  ];
  for (const [key, value] of settings) {
    it(`${key}=${value} is a setting`, () => assert.equal(findSecret(key, value), undefined));
  }

  it('masks a credential a finding message quotes (an image a FROM variable expands to)', () => {
    // Before, base-image-unresolved printed the GitLab token of a registry written with credentials.
    const token = 'glpat-AbCdEfGhIjKlMnOpQrSt';
    const result = new Analyzer(
      new MemoryFileSystem({
        'docker-compose.yml': 'services:\n  api:\n    build: services/api\n',
        'services/api/Dockerfile': `ARG REGISTRY=deploy:${token}@registry.gitlab.com\nFROM \${REGISTRY}/shop-base-local\nCOPY . /app\n`,
        'services/worker/Dockerfile': 'ARG BASE=https://ci:hunter2-pw@registry.local/base\nFROM ${BASE}\n',
      }),
    ).analyze();
    const messages = result.findings.map((f) => f.message).join('\n');
    assert.match(messages, /Unexpected FROM deploy:\*\*\*\*@registry\.gitlab\.com\/shop-base-local/);
    assert.ok(!messages.includes(token) && !messages.includes('hunter2-pw'), messages);
  });

  it('reads long values in linear time (no pattern backtracks over them)', () => {
    // Values of 150,000 characters made of the patterns' own prefixes.
    for (const value of [
      'x-sk-'.repeat(30_000),
      `sk-${'a'.repeat(150_000)}`,
      'ghp_'.repeat(37_500),
      'http://'.repeat(21_000),
      '${A:-x://'.repeat(16_000),
      `\${${'A'.repeat(150_000)}:-`,
    ]) {
      assert.equal(findSecret('BLOB', value), undefined);
    }
  });

  it('masks passwords and tokens in the commands the report prints', () => {
    const cases: [string, string][] = [
      [
        'curl -fsS -u deploy:Hunter2Pass https://registry.example.com/v2/',
        'curl -fsS -u deploy:**** https://registry.example.com/v2/',
      ],
      ['mysql -h db -u root -pHunter2Pass smarthr360 < dump.sql', 'mysql -h db -u root -p**** smarthr360 < dump.sql'],
      [
        'curl -H "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig" https://api',
        'curl -H "Authorization: Bearer ****" https://api',
      ],
      ['python serve.py --access-token s3cr3t-value --port 8000', 'python serve.py --access-token **** --port 8000'],
      [
        'git clone https://oauth2:glpat-AbCdEfGhIjKlMnOpQrSt@gitlab.com/acme/models.git',
        'git clone https://oauth2:****@gitlab.com/acme/models.git',
      ],
      [
        'echo "-----BEGIN RSA PRIVATE KEY-----\\nMIIEpAIBAAKCAQEA\\n-----END RSA PRIVATE KEY-----" > key.pem',
        'echo "****" > key.pem',
      ],
    ];
    for (const [text, masked] of cases) {
      assert.equal(maskSecretText(text), masked);
    }
  });

  it('masks credential-shaped values wherever the report prints them (CI steps, ENTRYPOINT arguments)', () => {
    const step =
      'git clone https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/org/models.git && serve --key sk-proj-abcdefghij0123456789ABCDEFGH';
    assert.equal(maskSecretText(step), 'git clone https://****@github.com/org/models.git && serve --key ****');
  });
});
