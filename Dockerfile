# exportgate: the same command `make run` runs, in a container.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    EXPORTGATE_DATABASE_URL=sqlite:////data/exportgate.db \
    EXPORTGATE_SIGNING_KEY_FILE=/data/signing-key.pem

# Pango (and a font) for WeasyPrint, which renders decision reports as PDF.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /srv/exportgate
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
COPY sbom_samples ./sbom_samples
# Editable, so the package runs from this folder with its migrations/ and alembic.ini beside
# it, exactly as in a checkout (the schema is applied from there).
# Compiled once here: PYTHONDONTWRITEBYTECODE would otherwise have every process compile
# the app again.
RUN pip install --no-cache-dir -e . \
    && python -m compileall -q app \
    && useradd --system --home-dir /srv/exportgate exportgate \
    && mkdir -p /data && chown exportgate /data

USER exportgate
VOLUME ["/data"]
EXPOSE 8000
CMD ["exportgate", "serve", "--upgrade", "--demo", "sbom_samples", "--host", "0.0.0.0", "--port", "8000"]
