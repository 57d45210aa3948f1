# syntax=docker/dockerfile:1
# Doorstep: front-end libraries from npm, then the Python image running gunicorn (gevent worker).

# Stage 1: Leaflet, the socket.io client and protomaps-leaflet, pinned in package-lock.json,
# copied into app/static/vendor by the postinstall script.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
COPY scripts/vendor.mjs scripts/vendor.mjs
RUN npm ci --no-audit --no-fund

# Stage 2: the server.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 \
    PORT=8000
WORKDIR /srv/doorstep
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY gunicorn.conf.py .
COPY app app
COPY simulator simulator
COPY rules rules
# The Finnish and Swedish catalogs, compiled from the .po files kept in git (app/i18n).
RUN python -m babel.messages.frontend compile -d app/i18n/translations
COPY --from=assets /src/app/static/vendor app/static/vendor
# The street map of the bundled Helsinki extract (var/basemap/helsinki.pmtiles; seconds). For
# your own city, mount a .pmtiles built with `python -m app basemap build --map ...` and set BASEMAP.
RUN python -m app basemap build
RUN useradd --system --uid 10001 --home /srv/doorstep doorstep \
    && mkdir -p var/photos && chown doorstep var/photos
# Proof photos (PHOTO_STORE): mount a volume here to keep them across containers.
VOLUME /srv/doorstep/var/photos
USER doorstep
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=3)"]
# gunicorn reads ./gunicorn.conf.py: one gevent worker, bound to 0.0.0.0:$PORT.
CMD ["gunicorn", "app:create_app()"]
