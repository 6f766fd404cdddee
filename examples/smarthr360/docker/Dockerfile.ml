# ML model service
FROM python:3.12-slim AS builder
WORKDIR /build
COPY ml/ ./ml/
RUN python ml/train.py --out /build/models

FROM python:3.12-slim AS builder
RUN echo "second builder"

FROM python:3.12-slim AS docs
RUN echo "never used"

FROM python:3.12-slim
WORKDIR /app
COPY --from=builder /build/models /app/ml/models
COPY --from=trainer /build/report.json /app/report.json
COPY ml/serve.py /app/serve.py
CMD ["python", "/app/serve.py"]
