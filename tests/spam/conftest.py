import pytest


@pytest.fixture
def post(django_capture_on_commit_callbacks, settings):
    """Post through forum.comments.posting and run the spam check (eagerly) after the commit."""
    from forum.comments import posting

    settings.CELERY_TASK_ALWAYS_EAGER = True

    def post_comment(article, author, body, parent=None, context=None):
        with django_capture_on_commit_callbacks(execute=True):
            comment = posting.post_comment(
                article=article, author=author, body=body, parent=parent, context=context
            )
        comment.refresh_from_db()
        return comment

    return post_comment


@pytest.fixture
def moderate(django_capture_on_commit_callbacks):
    """A moderator's decision, through posting.set_status, with what it enqueues run."""
    from forum.comments import posting

    def decide(comment, status, moderator, reason=""):
        with django_capture_on_commit_callbacks(execute=True):
            posting.set_status(comment=comment, status=status, actor=moderator, reason=reason)
        comment.refresh_from_db()
        return comment

    return decide


@pytest.fixture
def akismet_server(settings):
    """A fake Akismet-compatible service on 127.0.0.1 that answers what the test says and records requests."""
    import threading
    import time
    import urllib.parse
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Service:
        answer = "false"
        status = 200
        headers: dict[str, str] = {}  # extra response headers, e.g. Akismet's X-akismet-pro-tip
        delay = 0.0  # seconds before answering
        requests: list[dict] = []
        request_headers: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            form = urllib.parse.parse_qs(self.rfile.read(length).decode())
            Service.requests.append({"path": self.path, **{k: v[0] for k, v in form.items()}})
            Service.request_headers.append(dict(self.headers))
            time.sleep(Service.delay)
            body = Service.answer.encode()
            self.send_response(Service.status)
            self.send_header("Content-Type", "text/plain")
            for name, value in Service.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Service.requests = []
    Service.request_headers = []
    Service.headers = {}
    settings.AKISMET_API_KEY = "test-key"
    settings.AKISMET_URL = f"http://127.0.0.1:{server.server_port}/1.1"
    Service.port = server.server_port
    yield Service
    server.shutdown()
    server.server_close()
