# The service desk for a real deployment: see docker-compose.yml for web, worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=servicedesk.settings.production

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Never run as root; var/ holds the collected static files and the uploaded attachments
# (var/media is a volume: created here so that the volume belongs to the app user).
RUN useradd --system --create-home --uid 10001 servicedesk \
    && mkdir -p /app/var/media /app/var/staticfiles \
    && chown -R servicedesk /app/var
USER servicedesk

EXPOSE 8000
CMD ["gunicorn", "servicedesk.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
