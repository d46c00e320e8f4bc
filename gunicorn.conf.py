"""Gunicorn settings for the site: `gunicorn -c gunicorn.conf.py config.wsgi`.

Every value can be changed through the environment, so the same file serves a
laptop (`make serve`) and each machine behind a load balancer.
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"

# Where to listen. Behind a load balancer, bind to the private address it reaches;
# locally, 127.0.0.1 only.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: page rendering is CPU-bound and the database and Redis are close.
# The classic rule of thumb, two per core plus one, capped by GUNICORN_WORKERS.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

# A request that takes longer than this is killed and its worker restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Keep-alive between the load balancer and gunicorn: a little longer than the
# balancer's idle timeout is usual; 5 s suits a direct connection.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# Recycle workers now and then so a slow leak never grows; the jitter keeps them
# from restarting all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "2000"))

# Load the application once in the master, then fork: faster start, shared memory.
# Database connections are opened per worker, after the fork.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"

# Access log to stdout, error log to stderr: the platform collects both.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s"'
)

# forwarded_allow_ips: the addresses whose X-Forwarded-* headers gunicorn believes
# (to set the request's scheme). Only the load balancer's addresses belong here,
# e.g. "10.0.0.5,10.0.0.6"; "*" is right only when nothing but the balancer can
# reach gunicorn (a private network). The default trusts the local machine alone.
# Django trusts X-Forwarded-Proto by itself (SECURE_PROXY_SSL_HEADER), so the
# balancer must always overwrite that header.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The worker heartbeat files: set GUNICORN_WORKER_TMP_DIR to a memory file system
# (such as /dev/shm) when the temporary directory sits on a slow disk.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or None

# Gunicorn 27's control socket (for `gunicornc`) has one default path per user, so
# two instances on one machine would fight over it: off unless a path is given.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
