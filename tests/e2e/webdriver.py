"""A small W3C WebDriver client over urllib (no packages to install): enough to drive the desk
through tauri-driver + WebKitWebDriver the way a seat would, with waits instead of sleeps."""

import base64
import http.client
import json
import time
import urllib.error
import urllib.request

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
KEYS = {"enter": "\ue007", "escape": "\ue00c", "control": "\ue009", "backspace": "\ue003"}


class WebDriverError(Exception):
    pass


class Session:
    def __init__(self, port, application, timeout=60):
        self.base = f"http://127.0.0.1:{port}"
        caps = {"capabilities": {"alwaysMatch": {"browserName": "wry", "tauri:options": {"application": application}}}}
        deadline = time.time() + timeout
        while True:
            try:
                self.id = self._call("POST", "/session", caps)["sessionId"]
                break
            except (urllib.error.URLError, ConnectionError, WebDriverError):
                if time.time() > deadline:
                    raise
                time.sleep(0.5)

    def _call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        for attempt in range(20):
            req = urllib.request.Request(self.base + path, data=data, method=method, headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=120) as r:
                    return json.loads(r.read() or b"{}").get("value")
            except urllib.error.HTTPError as e:
                raise WebDriverError(f"{method} {path}: {e.code} {e.read()[:500]!r}") from None
            except (ConnectionError, http.client.RemoteDisconnected) as e:
                # tauri-driver forwards over a pooled keep-alive connection that WebKitWebDriver
                # sometimes closes while idle; the request then never reached the browser
                # (tauri-driver logs "SendRequest ... connection error") and is sent again.
                print(f"webdriver: {method} {path}: {e!r}, retrying ({attempt + 1})", flush=True)
                time.sleep(0.5)
        raise WebDriverError(f"{method} {path}: the driver kept dropping the connection")

    def cmd(self, method, path, body=None):
        return self._call(method, f"/session/{self.id}{path}", body)

    def quit(self):
        try:
            self.cmd("DELETE", "")
        except Exception:
            pass

    def find_all(self, css):
        return [e[ELEMENT] for e in self.cmd("POST", "/elements", {"using": "css selector", "value": css})]

    def wait(self, css, timeout=30, what=None):
        """The first element matching `css`, waiting for it."""
        deadline = time.time() + timeout
        while True:
            found = self.find_all(css)
            if found:
                return found[0]
            if time.time() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {what or css}")
            time.sleep(0.2)

    def wait_until(self, check, timeout=30, what="a condition"):
        deadline = time.time() + timeout
        while True:
            value = check()
            if value:
                return value
            if time.time() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}")
            time.sleep(0.25)

    def click(self, css, timeout=30):
        self.cmd("POST", f"/element/{self.wait(css, timeout)}/click", {})

    def type(self, css, text, clear=True):
        el = self.wait(css)
        if clear:
            self.cmd("POST", f"/element/{el}/clear", {})
        if text:
            self.cmd("POST", f"/element/{el}/value", {"text": text})

    def text(self, css):
        # The page may redraw the element between finding and reading it (a toast's text
        # changing): WebKitWebDriver then says "stale element"; read it afresh.
        for attempt in range(5):
            try:
                found = self.find_all(css)
                return self.cmd("GET", f"/element/{found[0]}/text") if found else ""
            except WebDriverError as e:
                if "stale element" not in str(e) or attempt == 4:
                    raise
                time.sleep(0.1)

    def content(self, css):
        """The text content of the first match (rendered or not: rows of a virtual list)."""
        return self.js("const e = document.querySelector(arguments[0]); return e ? e.textContent : '';", css)

    def js(self, script, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def select(self, css, value):
        """Chooses an option the way the page sees a user do it (value set, change fired)."""
        self.wait(css)
        ok = self.js(
            "const s = document.querySelector(arguments[0]); if (!s) return false;"
            "s.value = arguments[1]; s.dispatchEvent(new Event('change', {bubbles: true})); return s.value === arguments[1];",
            css, value)
        assert ok, f"no option {value} in {css}"

    def press(self, *keys):
        """Key presses on whatever has the focus (one chord when several keys are given)."""
        values = [KEYS.get(k, k) for k in keys]
        actions = [{"type": "keyDown", "value": v} for v in values] + [{"type": "keyUp", "value": v} for v in reversed(values)]
        self.cmd("POST", "/actions", {"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})
        self.cmd("DELETE", "/actions")

    def resize(self, width, height):
        self.cmd("POST", "/window/rect", {"x": 0, "y": 0, "width": width, "height": height})

    def screenshot(self, path):
        png = base64.b64decode(self.cmd("GET", "/screenshot"))
        with open(path, "wb") as f:
            f.write(png)
