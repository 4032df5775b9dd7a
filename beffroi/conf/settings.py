"""Beffroi's settings: one module, fed by the environment through ``beffroi.conf.env``.

With no configuration Beffroi runs embedded: SQLite in WAL mode, blobs on local disk, in-process
cache, channel layer and task worker, everything under ``BEFFROI_DATA_DIR``. Each real engine is
switched on by one variable: ``DATABASE_URL``, ``REDIS_URL``, ``BEFFROI_S3_BUCKET``. Every variable
is listed in docs/configuration.md. ``BEFFROI_ENV=production`` turns unsafe defaults into errors
reported by ``beffroi check --deploy`` and by ``beffroi serve`` (see ``beffroi.conf.checks``).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url

from beffroi.conf.env import (
    EnvError,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_optional,
    env_path,
    env_secret,
    env_str,
)
from beffroi.conf.mail import django_email_settings, parse_mail_from, parse_smtp_url

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Environment -----------------------------------------------------------------------------

BEFFROI_ENV = env_choice("BEFFROI_ENV", "development", ("development", "production"))
PRODUCTION = BEFFROI_ENV == "production"
DEBUG = env_bool("BEFFROI_DEBUG", False)

DATA_DIR = env_path("BEFFROI_DATA_DIR", "./var")
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)

# A placeholder that the deployment checks recognise: production must be given a real secret.
MISSING_SECRET_KEY = "beffroi-missing-secret-key"  # noqa: S105


def _embedded_secret_key(data_dir: Path) -> str:
    """Read, or create once with mode 0600, the secret key kept in the data directory."""
    path = data_dir / "secret_key"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(key)
        return key


SECRET_KEY = env_secret("BEFFROI_SECRET_KEY") or (
    MISSING_SECRET_KEY if PRODUCTION else _embedded_secret_key(DATA_DIR)
)

ALLOWED_HOSTS = env_list(
    "BEFFROI_ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env_list("BEFFROI_CSRF_TRUSTED_ORIGINS", [])

# --- Applications ----------------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.usersessions",
    "oauth2_provider",
    "beffroi.core",
    "beffroi.audit",
    "beffroi.directory",
    "beffroi.calendars",
    "beffroi.contacts",
    "beffroi.files",
    "beffroi.workspaces",
    "beffroi.notifications",
    "beffroi.wiki",
    "beffroi.tasks",
    "beffroi.mail",
    "beffroi.search",
    "beffroi.web",
    "beffroi.api",
    "beffroi.realtime",
    "beffroi.oidc",
]

MIDDLEWARE = [
    "beffroi.core.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "beffroi.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "beffroi.directory.signin.middleware.SignInRequirementsMiddleware",
    "beffroi.web.errors.BeffroiErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "beffroi.conf.urls"
ASGI_APPLICATION = "beffroi.conf.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "beffroi.web.context_processors.shell",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------------

DATABASE_URL = env_optional("DATABASE_URL")
SQLITE_PATH = DATA_DIR / "beffroi.sqlite3"


def _database(url: str | None) -> dict[str, Any]:
    if url is None:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            # A connection kept by each worker thread keeps its page cache: a new one per
            # request would read the database's pages again every time.
            "CONN_MAX_AGE": 60,
            "OPTIONS": {
                # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock
                # at BEGIN so that two writers queue instead of failing with "database is locked".
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    try:
        parsed: dict[str, Any] = dict(
            dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        )
    except ValueError as error:
        message = f"DATABASE_URL n'est pas une adresse de base de données valide : {error}"
        raise EnvError(message) from None
    return parsed


DATABASES = {"default": _database(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, channel layer, tasks ---------------------------------------------------------------

REDIS_URL = env_optional("REDIS_URL")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "beffroi",
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": "beffroi"},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
TASK_WORKER_INTERVAL = 1.0

# --- Storage ---------------------------------------------------------------------------------

S3_BUCKET = env_optional("BEFFROI_S3_BUCKET")
BLOBS_DIR = DATA_DIR / "blobs"

if S3_BUCKET:
    from botocore.config import Config as S3ClientConfig

    _blob_storage: dict[str, Any] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_optional("BEFFROI_S3_ENDPOINT_URL"),
            "region_name": env_optional("BEFFROI_S3_REGION"),
            "access_key": env_secret("BEFFROI_S3_ACCESS_KEY_ID"),
            "secret_key": env_secret("BEFFROI_S3_SECRET_ACCESS_KEY"),
            "default_acl": None,
            "file_overwrite": False,
            "querystring_expire": 300,
            # boto3 >= 1.36 sends checksums that S3-compatible stores (MinIO, Garage, Outscale)
            # reject; ask for them only when the operation requires one.
            "client_config": S3ClientConfig(
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
                s3={"addressing_style": "path"},
                signature_version="s3v4",
            ),
        },
    }
else:
    _blob_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": BLOBS_DIR, "directory_permissions_mode": 0o700},
    }

STORAGES = {
    "default": _blob_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_URL = "/static/"
# Assets are served straight from the package (no collectstatic step to forget on upgrade).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Accounts and sign-in ----------------------------------------------------------------------

AUTH_USER_MODEL = "directory.Agent"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    # The 100,000 most common passwords, bundled (no network service is asked).
    {"NAME": "beffroi.directory.signin.validators.CommonPasswordListValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:sign_in"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:sign_in"

# Credential checks: after this many failures for one account or one address, each further
# attempt waits twice as long as the previous one (see beffroi.core.throttle).
SIGN_IN_FREE_ATTEMPTS = env_int("BEFFROI_SIGN_IN_FREE_ATTEMPTS", 5, minimum=1)

# --- Internationalisation ----------------------------------------------------------------------

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("BEFFROI_TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

# --- Security ----------------------------------------------------------------------------------

MAX_REQUEST_BODY_BYTES = env_int("BEFFROI_MAX_REQUEST_BODY_BYTES", 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES
# The largest body of any kind (file uploads included) the web server accepts on its Django
# routes; protocol mounts (WebDAV) apply their own rules.
MAX_UPLOAD_BYTES = env_int("BEFFROI_MAX_UPLOAD_BYTES", 512 * 1024 * 1024, minimum=1024 * 1024)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_FAILURE_VIEW = "beffroi.web.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("BEFFROI_SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("BEFFROI_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
if env_bool("BEFFROI_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Addresses allowed to read /metrics without signing in (an administrator always can).
METRICS_ALLOWED_ADDRESSES = env_list("BEFFROI_METRICS_ALLOWED_ADDRESSES", ["127.0.0.1", "::1"])

# --- Logging -------------------------------------------------------------------------------------

LOG_LEVEL = env_choice("BEFFROI_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOG_FORMAT = env_choice("BEFFROI_LOG_FORMAT", "json", ("json", "text"))

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "beffroi.core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "filters": {"request": {"()": "beffroi.core.logs.RequestContextFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        # The access log is written by RequestContextMiddleware; Django's own would repeat it.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "uvicorn.access": {"handlers": [], "level": "ERROR", "propagate": False},
    },
}

STATICFILES_DIRS = [BASE_DIR / "static"]

# Proxies whose X-Forwarded-For / X-Forwarded-Proto headers ``beffroi serve`` believes.
TRUSTED_PROXIES = env_list("BEFFROI_TRUSTED_PROXIES", ["127.0.0.1", "::1"])

# --- Outbound e-mail ----------------------------------------------------------------------------

# Nothing leaves the box unless a relay is named (see beffroi.conf.mail). Without one, mail is
# dropped with a warning in the log and the features that need it (password reset by e-mail)
# are switched off: the reset pages answer 404 and the sign-in page points to the IT service.
_smtp_url = env_optional("BEFFROI_SMTP_URL")
SMTP_RELAY = parse_smtp_url(_smtp_url, name="BEFFROI_SMTP_URL") if _smtp_url else None
OUTBOUND_MAIL_ENABLED = SMTP_RELAY is not None
# Sets EMAIL_BACKEND, and with a relay EMAIL_HOST, EMAIL_PORT, EMAIL_USE_TLS, EMAIL_USE_SSL,
# EMAIL_HOST_USER, EMAIL_HOST_PASSWORD and EMAIL_TIMEOUT.
globals().update(
    django_email_settings(
        SMTP_RELAY,
        password=env_secret("BEFFROI_SMTP_PASSWORD"),
        timeout=env_int("BEFFROI_SMTP_TIMEOUT", 10, minimum=1),
    )
)
DEFAULT_FROM_EMAIL = parse_mail_from(env_str("BEFFROI_MAIL_FROM", "Beffroi <no-reply@localhost>"))
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address agents reach Beffroi at, for links in mail sent outside a request (notification
# digests); without it those mails carry no links.
PUBLIC_URL = (env_optional("BEFFROI_PUBLIC_URL") or "").rstrip("/")
# A password-reset link is valid for this long, and once (it is tied to the current password).
PASSWORD_RESET_TIMEOUT = env_int("BEFFROI_PASSWORD_RESET_LINK_MINUTES", 60, minimum=5) * 60

# --- Sign-in (django-allauth: accounts, second factors, sessions, external OIDC providers) -------

# Passwords are checked by beffroi.directory.access.authenticate_password through Django's
# ModelBackend alone: allauth's backend would hash a wrong password a second time.
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]

# allauth's pages (allauth/, account/, mfa/, usersessions/, socialaccount/) are overridden in
# beffroi/web/templates, which must win over allauth's own although its apps are listed first.
TEMPLATES[0]["DIRS"] = [BASE_DIR / "web" / "templates"]

ACCOUNT_ADAPTER = "beffroi.directory.signin.adapter.SignInAdapter"
ACCOUNT_FORMS = {
    "login": "beffroi.directory.signin.forms.SignInForm",
    "change_password": "beffroi.directory.signin.forms.ChangePasswordForm",
    "reset_password": "beffroi.directory.signin.forms.PasswordResetRequestForm",
    "reset_password_from_key": "beffroi.directory.signin.forms.PasswordResetFromLinkForm",
}
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PRESERVE_USERNAME_CASING = True
ACCOUNT_RATE_LIMITS = {
    # Wrong passwords are slowed down per account and address by beffroi.core.throttle;
    # allauth's own limit counts per account alone, which would let anyone lock the mayor out.
    "login_failed": None,
    # Sign-in pages posted by one address (a town hall behind one NAT at 8:30).
    "login": "120/m/ip",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    # Reset links mailed to one agent (beyond it, the same answer and no mail).
    "reset_password_mail": "3/15m/key",
    "signup": "20/m/ip",
}
ACCOUNT_REAUTHENTICATION_TIMEOUT = 10 * 60
# Password reset by e-mail (only with OUTBOUND_MAIL_ENABLED): links, not codes; the mail names
# Beffroi, and the link uses https in production whatever the proxy in front says.
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Beffroi] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# Django's own token: tied to the password, the last sign-in and the e-mail address, so a link
# stops working once used (allauth's default also writes e-mail address rows when checking).
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "django.contrib.auth.tokens.PasswordResetTokenGenerator"  # noqa: S105
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False

MFA_ADAPTER = "beffroi.directory.signin.adapter.SecondFactorAdapter"
MFA_FORMS = {
    "authenticate": "beffroi.directory.signin.forms.SecondFactorForm",
    "reauthenticate": "beffroi.directory.signin.forms.SecondFactorConfirmationForm",
    "add_webauthn": "beffroi.directory.signin.forms.AddPasskeyForm",
    "activate_totp": "beffroi.directory.signin.forms.ActivateAppForm",
}
# Addresses are entered by the administrators, not by visitors signing themselves up.
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Beffroi"
# One step of clock drift either way (phones are often a little early or late); a code is
# accepted once only (allauth remembers used codes in the cache for the whole window).
MFA_TOTP_TOLERANCE = 1
# WebAuthn needs HTTPS, except on localhost during development and tests.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION

SOCIALACCOUNT_ADAPTER = "beffroi.directory.signin.adapter.ExternalSignInAdapter"
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False

# Sign-in with the organisation's identity provider (ProConnect, Keycloak…), when configured.
OIDC_LOGIN_SERVER_URL = env_optional("BEFFROI_OIDC_LOGIN_SERVER_URL")
OIDC_LOGIN_CLIENT_ID = env_optional("BEFFROI_OIDC_LOGIN_CLIENT_ID")
OIDC_LOGIN_CLIENT_SECRET = env_secret("BEFFROI_OIDC_LOGIN_CLIENT_SECRET")
OIDC_LOGIN_NAME = env_str("BEFFROI_OIDC_LOGIN_NAME", "ProConnect")
if OIDC_LOGIN_SERVER_URL and not OIDC_LOGIN_CLIENT_ID:
    raise EnvError(
        "BEFFROI_OIDC_LOGIN_SERVER_URL est défini sans BEFFROI_OIDC_LOGIN_CLIENT_ID : "
        "donnez l'identifiant du client enregistré chez le fournisseur."
    )
SOCIALACCOUNT_PROVIDERS: dict[str, Any] = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "organisation",
                "name": OIDC_LOGIN_NAME,
                "client_id": OIDC_LOGIN_CLIENT_ID,
                "secret": OIDC_LOGIN_CLIENT_SECRET or "",
                "settings": {"server_url": OIDC_LOGIN_SERVER_URL},
            }
        ]
        if OIDC_LOGIN_SERVER_URL
        else [],
    }
}

# --- OIDC provider (django-oauth-toolkit: other tools of the commune sign agents in with Beffroi)

# The RSA key that signs ID tokens. Production must be given one (deployment check
# beffroi.oidc.E001); development creates one into the data directory.
_oidc_key = env_secret("BEFFROI_OIDC_PRIVATE_KEY")
OIDC_PRIVATE_KEY = ""
if _oidc_key is not None:
    from beffroi.oidc.keys import checked_signing_key

    OIDC_PRIVATE_KEY = checked_signing_key(_oidc_key, source="BEFFROI_OIDC_PRIVATE_KEY")
elif not PRODUCTION:
    from beffroi.oidc.keys import embedded_signing_key

    OIDC_PRIVATE_KEY = embedded_signing_key(DATA_DIR)

OAUTH2_PROVIDER: dict[str, Any] = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": OIDC_PRIVATE_KEY,
    "OAUTH2_VALIDATOR_CLASS": "beffroi.oidc.validators.BeffroiValidator",
    "SCOPES_BACKEND_CLASS": "beffroi.oidc.scopes.BeffroiScopes",
    # Labels come from the scopes backend (translated); these keys are what clients may ask.
    "SCOPES": dict.fromkeys(("openid", "profile", "email", "groups", "departments"), ""),
    "DEFAULT_SCOPES": ["openid"],
    # Authorization code with PKCE (S256) for every client, public or confidential.
    "PKCE_REQUIRED": True,
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if PRODUCTION else ["http", "https"],
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "ID_TOKEN_EXPIRE_SECONDS": 3600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 30 * 24 * 3600,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # A client the administrator marked as trusted skips the consent page; others ask once.
    "REQUEST_APPROVAL_PROMPT": "auto",
    # RFC 9700 (OAuth 2.0 security best current practice), all of it.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": PRODUCTION,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}

# --- Directory import ---------------------------------------------------------------------------

# --- Audit trail --------------------------------------------------------------------------------

# Events older than this many days are pruned once a day, behind a signed checkpoint that keeps
# the chain verifiable (see beffroi.audit.tasks); 0 keeps them forever.
AUDIT_RETENTION_DAYS = env_int("BEFFROI_AUDIT_RETENTION_DAYS", 400, minimum=0)
# Called by ``beffroi serve`` on its event loop with (host, options): each starts the protocol
# listeners its app offers (``--smtp-port``…) and returns them, to be closed at the end.
SERVE_LISTENER_HOOKS = ["beffroi.mail.protocols.listeners.start_mail_listeners"]
# Called by ``beffroi serve`` once its task worker runs, to queue each app's periodic work
# (``core`` imports no app, so the list lives here).
WORKER_START_HOOKS = [
    "beffroi.tasks.tasks.schedule_due_reminders",
    "beffroi.calendars.tasks.schedule_invitations",
    "beffroi.notifications.tasks.schedule_notification_mails",
    "beffroi.audit.tasks.schedule_daily_prune",
    "beffroi.files.housekeeping.schedule_daily_housekeeping",
    "beffroi.files.blobs.collect.schedule_blob_collection",
    "beffroi.files.tasks.schedule_upload_cleanup",
    "beffroi.mail.tasks.schedule_outbound_queue",
]
# Tried in turn by ``core.outbound`` before Django's mail backend (``MailRouter``: the mail
# app's own service, when the organisation has a domain); ``mail_can_leave`` asks them too.
OUTBOUND_MAIL_ROUTERS = ["beffroi.mail.delivery.app_mail.ROUTER"]

# --- Files --------------------------------------------------------------------------------------

# Encrypted blobs of the drive (content-addressed, AES-256-GCM) on local disk.
FILES_BLOB_DIR = env_path("BEFFROI_FILES_BLOB_DIR", str(DATA_DIR / "blobs"))
# The master key that wraps each blob's data key: 32 random bytes, hex-encoded, in a file. In
# development it is generated once into the data directory; production must be given one (see
# the deployment checks), the same on every node.
_master_key_file = env_optional("BEFFROI_MASTER_KEY_FILE")
FILES_MASTER_KEY_FILE: Path | None = (
    Path(_master_key_file).expanduser().resolve()
    if _master_key_file
    else None
    if PRODUCTION
    else DATA_DIR / "master.key"
)
# Encrypted chunk size: a byte range decrypts only the chunks it touches.
FILES_CHUNK_BYTES = 64 * 1024
# With BEFFROI_S3_BUCKET the blobs go to that bucket, under ``files/``, instead of the local disk
# (see beffroi.files.blobs.s3).
FILES_S3: dict[str, Any] | None = (
    {
        "bucket": S3_BUCKET,
        "endpoint_url": _blob_storage["OPTIONS"]["endpoint_url"],
        "region": _blob_storage["OPTIONS"]["region_name"],
        "access_key_id": _blob_storage["OPTIONS"]["access_key"],
        "secret_access_key": _blob_storage["OPTIONS"]["secret_key"],
    }
    if S3_BUCKET
    else None
)
# The garbage collector deletes blobs no version references and uploads left unfinished only
# once they have been untouched this long (see beffroi.files.blobs.collect).
FILES_GC_GRACE_HOURS = env_int("BEFFROI_FILES_GC_GRACE_HOURS", 24, minimum=1)

# Quotas (MiB; 0 for no limit), counting every version and the trash; a space may override its
# own (``Space.quota_bytes``). See beffroi.files.quotas.
FILES_AGENT_QUOTA_BYTES = env_int("BEFFROI_FILES_AGENT_QUOTA_MIB", 10 * 1024, minimum=0) * 2**20
FILES_DEPARTMENT_QUOTA_BYTES = (
    env_int("BEFFROI_FILES_DEPARTMENT_QUOTA_MIB", 100 * 1024, minimum=0) * 2**20
)
# Version retention: a file keeps its last N versions and every version of the last D days.
FILES_KEEP_VERSIONS = env_int("BEFFROI_FILES_KEEP_VERSIONS", 10, minimum=1)
FILES_KEEP_VERSION_DAYS = env_int("BEFFROI_FILES_KEEP_VERSION_DAYS", 30, minimum=0)
# Days a deleted file or folder stays in the trash before it is purged for good.
FILES_TRASH_DAYS = env_int("BEFFROI_FILES_TRASH_DAYS", 30, minimum=1)
# Largest upload through a public deposit link (MiB, the whole form).
FILES_DEPOSIT_MAX_BYTES = env_int("BEFFROI_FILES_DEPOSIT_MAX_MIB", 100, minimum=1) * 2**20

# --- Mail ---------------------------------------------------------------------------------------

# The name the SMTP listeners greet with and write in Received: headers.
MAIL_HOSTNAME = env_str("BEFFROI_MAIL_HOSTNAME", "localhost")
# Largest message accepted (announced with SIZE, enforced during DATA).
MAIL_MAX_MESSAGE_BYTES = env_int("BEFFROI_MAIL_MAX_MESSAGE_MIB", 50, minimum=1) * 2**20
# Quota of a new mailbox (MiB; 0 for none); each mailbox may have its own.
MAIL_QUOTA_BYTES = env_int("BEFFROI_MAIL_QUOTA_MIB", 5 * 1024, minimum=0) * 2**20
# Messages a client address may send to the inbound listener a minute.
MAIL_INBOUND_PER_MINUTE = env_int("BEFFROI_MAIL_INBOUND_PER_MINUTE", 60, minimum=1)
# A certificate and key (PEM files) for STARTTLS on the SMTP listeners; without them the
# submission port accepts credentials only from loopback, and only outside production.
MAIL_TLS_CERT_FILE = env_optional("BEFFROI_MAIL_TLS_CERT_FILE")
MAIL_TLS_KEY_FILE = env_optional("BEFFROI_MAIL_TLS_KEY_FILE")
# DNS resolvers (IP or IP:port) for SPF, DKIM and DMARC checks of inbound mail; none: no check
# (and no DNS query leaves the server), the Authentication-Results header says "none".
MAIL_DNS_RESOLVERS = env_list("BEFFROI_MAIL_DNS_RESOLVERS", [])
# Spam: a message scoring at least the first goes to Junk, at least the second is refused (550)
# at DATA; rspamd (its HTTP address, e.g. http://127.0.0.1:11333) adds its verdict when set.
MAIL_SPAM_JUNK_SCORE = env_int("BEFFROI_MAIL_SPAM_JUNK_SCORE", 5, minimum=1)
MAIL_SPAM_REJECT_SCORE = env_int("BEFFROI_MAIL_SPAM_REJECT_SCORE", 15, minimum=1)
MAIL_RSPAMD_URL = env_optional("BEFFROI_MAIL_RSPAMD_URL")
# Webmail: an attachment larger than this (MiB) goes to the sender's drive and is sent as a link.
MAIL_ATTACHMENT_LINK_BYTES = env_int("BEFFROI_MAIL_ATTACHMENT_LINK_MIB", 10, minimum=1) * 2**20
# Webmail: the signature added on compose; {nom}, {fonction}, {service}, {telephone} come from
# the directory, "\\n" starts a new line, lines left empty are dropped.
MAIL_SIGNATURE_TEMPLATE = env_str(
    "BEFFROI_MAIL_SIGNATURE", "{nom}\\n{fonction}\\n{service}\\n{telephone}"
)
# Outbound mail: through this smarthost (smtp+starttls://user@host:587, smtps://, smtp://) when
# set, its password in BEFFROI_MAIL_SMARTHOST_PASSWORD(_FILE); else straight to each domain's MX,
# looked up with the resolvers above (port 25; another port only on test networks).
_smarthost = env_optional("BEFFROI_MAIL_SMARTHOST")
MAIL_SMARTHOST = parse_smtp_url(_smarthost, name="BEFFROI_MAIL_SMARTHOST") if _smarthost else None
MAIL_SMARTHOST_PASSWORD = env_secret("BEFFROI_MAIL_SMARTHOST_PASSWORD")
_smarthost_user = MAIL_SMARTHOST.username if MAIL_SMARTHOST else None
if (_smarthost_user is None) != (MAIL_SMARTHOST_PASSWORD is None) or (
    MAIL_SMARTHOST
    and _smarthost_user
    and MAIL_SMARTHOST.security == "none"
    and not MAIL_SMARTHOST.on_loopback
):
    raise EnvError(
        "BEFFROI_MAIL_SMARTHOST (avec l'utilisateur : smtp+starttls://utilisateur@relais:587) et "
        "BEFFROI_MAIL_SMARTHOST_PASSWORD vont ensemble, et jamais en clair (smtp://) hors de la "
        "machine."
    )
MAIL_MX_PORT = env_int("BEFFROI_MAIL_MX_PORT", 25, minimum=1)
# Hours a queued message is retried before it bounces (5 days).
MAIL_QUEUE_LIFETIME_HOURS = env_int("BEFFROI_MAIL_QUEUE_LIFETIME_HOURS", 120, minimum=1)
# Recipients one agent may submit to in an hour (451 4.7.1 beyond).
MAIL_SEND_LIMIT_PER_HOUR = env_int("BEFFROI_MAIL_SEND_LIMIT_PER_HOUR", 500, minimum=1)
