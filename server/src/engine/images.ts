/** Image references: normalising tags and telling public images from workspace ones. */

export interface ImageRef {
  /** Registry host when one is named (`ghcr.io`), else undefined. */
  registry?: string;
  /** Repository path without registry: `library/python`, `smarthr360-base`. */
  repository: string;
  tag?: string;
  digest?: string;
}

export function parseImageRef(ref: string): ImageRef {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let registry: string | undefined;
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  return { registry, repository: rest.toLowerCase(), tag, digest };
}

/** `python` ≡ `docker.io/library/python:latest`. Used to compare what is built with what FROM names. */
export function normalizeImage(ref: string): string {
  let normal = normalized.get(ref);
  if (normal === undefined) {
    if (normalized.size >= 50_000) {
      normalized.clear();
    }
    normal = normalizeUncached(ref);
    normalized.set(ref, normal);
  }
  return normal;
}

/** Image references repeat across thousands of services and FROM lines: normalised once each. */
const normalized = new Map<string, string>();

function normalizeUncached(ref: string): string {
  const r = parseImageRef(ref);
  let repo = r.repository;
  const registry = r.registry === 'docker.io' || r.registry === 'index.docker.io' ? undefined : r.registry;
  if (!registry && repo.startsWith('library/')) {
    repo = repo.slice('library/'.length);
  }
  return `${registry ? registry + '/' : ''}${repo}${r.digest ? '@' + r.digest : ':' + (r.tag ?? 'latest')}`;
}

/** `python:3.12` ≡ `docker.io/library/python`: the registry and repository, without tag or digest. */
export function imageRepository(ref: string): string {
  return normalizeImage(ref).replace(/(@.*|:[^:/]*)$/, '');
}

/**
 * Whether an `exemptImages` entry names an image. An entry with a tag or digest (`python:3.12-slim`)
 * names that image only. A bare name (`nginx`, `cuda`) names the image of that short name in any
 * namespace, with any tag (`nginx:1.27-alpine`, `bitnami/nginx`, `nvidia/cuda:12.4.1-runtime-ubuntu22.04`).
 * An entry with a namespace or registry (`pytorch/pytorch`, `ghcr.io/acme/worker`) names that
 * repository, with any tag or digest; `docker.io/` and `library/` are the same as none on both sides.
 */
export function exemptEntryMatches(entry: string, image: string): boolean {
  const e = parseImageRef(entry);
  if (e.tag !== undefined || e.digest !== undefined) {
    return normalizeImage(entry) === normalizeImage(image);
  }
  if (!e.registry && !e.repository.includes('/')) {
    return e.repository === imageShortName(image);
  }
  return imageRepository(entry) === imageRepository(image);
}

/** The last path segment of the repository without tag: `bitnami/redis:7` → `redis`. */
export function imageShortName(ref: string): string {
  const repo = parseImageRef(ref).repository;
  return repo.slice(repo.lastIndexOf('/') + 1);
}

/**
 * Official images and well-known public namespaces. A single-segment name that is not one of
 * these, and carries no registry, is taken to be a workspace-local image.
 */
const PUBLIC_IMAGES = new Set(
  (
    'alpine ubuntu debian centos fedora rockylinux almalinux amazonlinux busybox scratch python node golang ' +
    'openjdk eclipse-temurin amazoncorretto maven gradle ruby php perl rust gcc nginx httpd caddy traefik haproxy ' +
    'postgres mysql mariadb mongo redis memcached rabbitmq elasticsearch kibana logstash grafana prometheus ' +
    'docker bash pypy mcr.microsoft.com dotnet tomcat jetty wordpress ghost nextcloud minio vault consul ' +
    'influxdb telegraf zookeeper kafka cassandra neo4j couchdb sonarqube jenkins registry buildpack-deps ' +
    'clojure elixir erlang haskell julia r-base swift bitnami continuumio condaforge tensorflow pytorch nvidia ' +
    'mambaorg jupyter selenium hashicorp quay.io gcr.io ghcr.io public.ecr.aws oraclelinux photon clearlinux ' +
    'archlinux opensuse gentoo mono dart deno oven denoland composer sapmachine ibmjava ibm-semeru-runtimes ' +
    'flink spark solr odoo drupal joomla matomo redmine varnish kong envoyproxy nats eclipse-mosquitto ' +
    'localstack mailhog adminer pgadmin dpage sentry celery'
  ).split(' '),
);

export function isPublicImage(ref: string): boolean {
  const r = parseImageRef(ref);
  if (r.registry) {
    return r.registry !== 'localhost' && !r.registry.startsWith('localhost:');
  }
  const first = r.repository.split('/')[0]!;
  if (r.repository.includes('/')) {
    // user/repo on Docker Hub: public unless it looks like a workspace image name
    return !/(^|[-_/])base($|[-_])/.test(r.repository);
  }
  return PUBLIC_IMAGES.has(first);
}

/** Names that look like a shared base image: `x-base`, `base-x`, `x/base`. */
export function looksLikeBaseImage(ref: string): boolean {
  return /(^|[-_/.])base($|[-_.])/.test(parseImageRef(ref).repository);
}
