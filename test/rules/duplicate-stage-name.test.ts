/**
 * duplicate-stage-name: every stage has its own name (roadmap section 3).
 */
import { RuleTester } from '../ruleTester';
import { smallWorkspace } from './workspaces/small';
import { duplicateStageName } from '../../server/src/engine/rules/dockerfile/duplicateStageName';

const ws = smallWorkspace;

RuleTester.run(duplicateStageName, {
  valid: [
    {
      name: "builder and final stages with distinct names",
      files: ws(),
    },
    {
      name: "distinct names that differ only from unnamed stages",
      files: ws({
        "docker/Dockerfile.web": `FROM node:20-slim AS assets
RUN npm ci
FROM node:20-slim
RUN npm test
FROM smarthr360-base:latest AS final
COPY --from=assets /src/dist /app/static
`,
      }),
    },
  ],
  invalid: [
    {
      name: "a second stage named \"assets\"",
      files: ws({
        "docker/Dockerfile.web": `FROM node:20-slim AS assets
WORKDIR /src
RUN npm ci && npm run build

FROM node:20-slim AS assets
RUN npm run build:admin

FROM smarthr360-base:latest
COPY --from=assets /src/dist /app/static
`,
      }),
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected second stage named \"assets\" (the first is on line 1); `COPY --from=assets` and `FROM assets` cannot tell them apart.", line: 5, column: 22, endLine: 5, endColumn: 28 },
      ],
      output: {
        "docker/Dockerfile.web": `FROM node:20-slim AS assets
WORKDIR /src
RUN npm ci && npm run build

FROM node:20-slim AS assets-2
RUN npm run build:admin

FROM smarthr360-base:latest
COPY --from=assets /src/dist /app/static
`,
      },
    },
    {
      name: "names compare case-insensitively; the rename skips a taken name",
      files: ws({
        "docker/Dockerfile.web": `FROM node:20-slim AS Build
RUN npm ci
FROM node:20-slim AS build-2
RUN npm test
FROM python:3.12-slim AS build
RUN pip wheel -w /wheels -r requirements.txt
FROM smarthr360-base:latest
COPY --from=build /wheels /wheels
`,
      }),
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected second stage named \"build\" (the first is on line 1); `COPY --from=build` and `FROM build` cannot tell them apart.", line: 5, column: 26, endLine: 5, endColumn: 31 },
      ],
      output: {
        "docker/Dockerfile.web": `FROM node:20-slim AS Build
RUN npm ci
FROM node:20-slim AS build-2
RUN npm test
FROM python:3.12-slim AS build-3
RUN pip wheel -w /wheels -r requirements.txt
FROM smarthr360-base:latest
COPY --from=build /wheels /wheels
`,
      },
    },
    {
      name: "three stages with one name: two findings, two distinct renames",
      files: ws({
        "docker/Dockerfile.celery": `FROM smarthr360-base:latest AS runtime
FROM smarthr360-base:latest AS runtime
FROM smarthr360-base:latest AS runtime
COPY app/ /app/app/
`,
      }),
      errors: [
        { path: "docker/Dockerfile.celery", message: "Unexpected second stage named \"runtime\" (the first is on line 1); `COPY --from=runtime` and `FROM runtime` cannot tell them apart.", line: 2, column: 32, endLine: 2, endColumn: 39 },
        { path: "docker/Dockerfile.celery", message: "Unexpected second stage named \"runtime\" (the first is on line 1); `COPY --from=runtime` and `FROM runtime` cannot tell them apart.", line: 3, column: 32, endLine: 3, endColumn: 39 },
      ],
      output: {
        "docker/Dockerfile.celery": `FROM smarthr360-base:latest AS runtime
FROM smarthr360-base:latest AS runtime-2
FROM smarthr360-base:latest AS runtime-3
COPY app/ /app/app/
`,
      },
    },
    {
      name: "CRLF Dockerfile",
      files: ws({
        "docker/Dockerfile.web": "FROM node:20-slim AS assets\r\nRUN npm ci\r\nFROM node:20-slim AS assets\r\nRUN npm run build\r\nFROM smarthr360-base:latest\r\n",
      }),
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected second stage named \"assets\" (the first is on line 1); `COPY --from=assets` and `FROM assets` cannot tell them apart.", line: 3, column: 22, endLine: 3, endColumn: 28 },
      ],
      output: {
        "docker/Dockerfile.web": "FROM node:20-slim AS assets\r\nRUN npm ci\r\nFROM node:20-slim AS assets-2\r\nRUN npm run build\r\nFROM smarthr360-base:latest\r\n",
      },
    },
  ],
});
