"""A small W3C WebDriver client over urllib (no packages to install): enough to drive the desk
through tauri-driver + WebKitWebDriver the way a seat would, with waits instead of sleeps."""

import base64
import http.client
import json
import time
import urllib.error
import urllib.request

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
# How long a wait holds by default: a first start of the desk took up to 10 s on a slow machine,
# and a machine busy with a build beside the test several times the usual.
WAIT = 90
KEYS = {"enter": "\ue007", "escape": "\ue00c", "control": "\ue009", "backspace": "\ue003"}


class WebDriverError(Exception):
    pass


class Dropped(Exception):
    """The connection dropped before the answer: the request may or may not have been carried out."""


# Counts the trusted clicks and key presses the page received (capture phase, before any handler
# can stop them), so a click or a key whose answer was lost can be told apart from one never sent.
# A click on a disabled control fires no event, and so does not count.
INPUT_COUNTER = """
if (!window.__wdInput) {
  window.__wdInput = {click: 0, keydown: 0};
  for (const kind of ["click", "keydown"]) document.addEventListener(kind, (e) => { if (e.isTrusted) window.__wdInput[kind]++; }, true);
}
return window.__wdInput[arguments[0]];"""

# Runs a script once: the result is kept under a token, so sending the same request again after a
# dropped answer returns the first run's result instead of running it twice.
ONCE = """
const last = window.__wdOnce;
if (last && last.token === arguments[0]) return last.result;
const result = (function () { %s }).apply(null, Array.prototype.slice.call(arguments, 1));
window.__wdOnce = {token: arguments[0], result: result === undefined ? null : result};
return result;"""


def send_failures(log):
    """How many requests tauri-driver has said it could not pass on to WebKitWebDriver: hyper's
    Connect (nothing listening yet) and SendRequest (a pooled connection already closed) errors
    both mean the request never reached the browser."""
    if not log:
        return 0
    try:
        with open(log, errors="replace") as f:
            text = f.read()
    except FileNotFoundError:
        return 0
    return text.count("client error (SendRequest)") + text.count("client error (Connect)")


def never_sent(log, before, wait=3.0):
    """Whether tauri-driver says (within `wait` seconds: it logs after closing our connection)
    that a request since `before` never reached the browser."""
    deadline = time.time() + wait
    while send_failures(log) <= before:
        if time.time() > deadline:
            return False
        time.sleep(0.1)
    return True


class Session:
    def __init__(self, port, application, timeout=WAIT, driver_log=None):
        """A session on tauri-driver at `port`, which starts `application`. `driver_log` is
        tauri-driver's output: where it says it could not send a request on to the browser."""
        self.base = f"http://127.0.0.1:{port}"
        self._tokens = 0
        caps = {"capabilities": {"alwaysMatch": {"browserName": "wry", "tauri:options": {"application": application}}}}
        deadline = time.time() + timeout
        while True:
            unsent = send_failures(driver_log)
            try:
                self.id = self._call("POST", "/session", caps, changes=True)["sessionId"]
                break
            except Dropped as e:
                # A second session would start a second desk. Send again only when tauri-driver
                # says it failed to send this one on (hyper's SendRequest: never reached the browser).
                if not never_sent(driver_log, unsent):
                    raise WebDriverError(f"{e}: the answer was lost and the driver does not say it was never sent") from None
                print(f"webdriver: {e}; tauri-driver could not send it on, sending it again", flush=True)
            except (urllib.error.URLError, ConnectionError, WebDriverError):
                if time.time() > deadline:
                    raise
            time.sleep(0.5)

    def _call(self, method, path, body=None, changes=False):
        """One request. A request that reads (or sets something to a fixed value) is sent again
        when the connection drops before the answer. One that `changes` something is not: it
        raises Dropped, and its caller finds out in the page whether it took effect."""
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
                # sometimes closes while idle: the request may or may not have reached the browser.
                if changes:
                    raise Dropped(f"{method} {path}: {e!r}") from None
                print(f"webdriver: {method} {path}: {e!r}, asking again ({attempt + 1})", flush=True)
                time.sleep(0.5)
        raise WebDriverError(f"{method} {path}: the driver kept dropping the connection")

    def _change(self, method, path, body, took_effect):
        """Sends a request that changes the page. If the connection drops before the answer,
        `took_effect()` is asked first, and the request is sent again only if it did not."""
        for attempt in range(10):
            try:
                return self.cmd(method, path, body, changes=True)
            except Dropped as e:
                if took_effect():
                    print(f"webdriver: {e}; it had taken effect, not sent again", flush=True)
                    return None
                print(f"webdriver: {e}; it had not taken effect, sending it again ({attempt + 1})", flush=True)
                time.sleep(0.5)
        raise WebDriverError(f"{method} {path}: the driver kept dropping the connection")

    def cmd(self, method, path, body=None, changes=False):
        return self._call(method, f"/session/{self.id}{path}", body, changes)

    def quit(self):
        try:
            self.cmd("DELETE", "")
        except Exception:
            pass

    def find_all(self, css):
        # WebKitWebDriver answers "stale element" when the page redraws while it collects the
        # matches; finding changes nothing, so it is simply asked again.
        for attempt in range(10):
            try:
                return [e[ELEMENT] for e in self.cmd("POST", "/elements", {"using": "css selector", "value": css})]
            except WebDriverError as e:
                if "stale element" not in str(e) or attempt == 9:
                    raise
                time.sleep(0.1)

    def wait(self, css, timeout=WAIT, what=None):
        """The first element matching `css`, waiting for it."""
        deadline = time.time() + timeout
        while True:
            found = self.find_all(css)
            if found:
                return found[0]
            if time.time() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {what or css}")
            time.sleep(0.2)

    def wait_until(self, check, timeout=WAIT, what="a condition"):
        deadline = time.time() + timeout
        while True:
            value = check()
            if value:
                return value
            if time.time() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}")
            time.sleep(0.25)

    def _inputs(self, kind):
        return self._call("POST", f"/session/{self.id}/execute/sync", {"script": INPUT_COUNTER, "args": [kind]})

    def click(self, css, timeout=WAIT):
        el = self.wait(css, timeout)
        before = self._inputs("click")
        self._change("POST", f"/element/{el}/click", {}, lambda: self._inputs("click") > before)

    def type(self, css, text, clear=True):
        el = self.wait(css)
        if clear:
            # Emptying a field twice empties it once: sent again freely.
            self.cmd("POST", f"/element/{el}/clear", {})
        if text:
            before = self.cmd("GET", f"/element/{el}/property/value") or ""
            self._change("POST", f"/element/{el}/value", {"text": text},
                         lambda: (self.cmd("GET", f"/element/{el}/property/value") or "") != before)

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
        self._tokens += 1
        token = f"{self.id}-{self._tokens}"
        body = {"script": ONCE % script, "args": [token, *args]}
        for attempt in range(10):
            try:
                return self.cmd("POST", "/execute/sync", body, changes=True)
            except Dropped as e:
                # Sent again with the same token: a script that ran answers from its first run.
                print(f"webdriver: {e}; asking the page for the script's result ({attempt + 1})", flush=True)
                time.sleep(0.5)
        raise WebDriverError("execute: the driver kept dropping the connection")

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
        before = self._inputs("keydown")
        self._change("POST", "/actions", {"actions": [{"type": "key", "id": "keyboard", "actions": actions}]},
                     lambda: self._inputs("keydown") > before)
        self.cmd("DELETE", "/actions")

    def resize(self, width, height):
        self.cmd("POST", "/window/rect", {"x": 0, "y": 0, "width": width, "height": height})

    def screenshot(self, path):
        png = base64.b64decode(self.cmd("GET", "/screenshot"))
        with open(path, "wb") as f:
            f.write(png)
