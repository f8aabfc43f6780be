"""A real browser for the report tests: headless Chromium driven over the DevTools protocol.

Opens a page with the network switched off and collects failed requests, requests to any
network address, console errors and uncaught exceptions, then takes a screenshot.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_browser() -> str | None:
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def require_browser() -> str:
    """The browser's path; without one the test skips locally and fails under CI=true."""
    path = find_browser()
    if path is None:
        message = "no Chromium on this machine (apt-get install chromium); .ci/run installs it"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " — under CI=true the browser test must run")
        pytest.skip(message)
    return path


@dataclass
class PageReport:
    failed_requests: list[str] = field(default_factory=list)
    network_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    screenshot: bytes = b""


def open_page(browser: str, page: Path, screenshot_width: int = 1200, timeout: float = 60.0) -> PageReport:
    import websocket

    profile = Path(tempfile.mkdtemp(prefix="leadaudit-chromium-"))
    process = subprocess.Popen(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
         f"--user-data-dir={profile}", "--remote-debugging-port=0", "--remote-allow-origins=*",
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", f"--window-size={screenshot_width},1600",
         "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    report = PageReport()
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.time() + timeout
        while not port_file.exists() or not port_file.read_text().strip():
            if time.time() > deadline or process.poll() is not None:
                raise RuntimeError("Chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10))
        target = next(t for t in targets if t.get("type") == "page")
        socket = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=timeout)
        counter = itertools.count(1)

        def send(method: str, **params) -> int:
            ident = next(counter)
            socket.send(json.dumps({"id": ident, "method": method, "params": params}))
            return ident

        def wait_for(ident: int | None = None, event: str | None = None) -> dict:
            while True:
                message = json.loads(socket.recv())
                method = message.get("method")
                params = message.get("params", {})
                if method == "Network.requestWillBeSent":
                    url = params["request"]["url"]
                    if not url.startswith(("file:", "data:", "about:")):
                        report.network_requests.append(url)
                elif method == "Network.loadingFailed":
                    report.failed_requests.append(f"{params.get('errorText')} {params.get('requestId')}")
                elif method == "Runtime.exceptionThrown":
                    report.console_errors.append(json.dumps(params.get("exceptionDetails", {}))[:300])
                elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                    report.console_errors.append(json.dumps(params.get("args", []))[:300])
                elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                    report.console_errors.append(params["entry"].get("text", "")[:300])
                if ident is not None and message.get("id") == ident:
                    return message
                if event is not None and method == event:
                    return message

        for method in ("Network.enable", "Runtime.enable", "Log.enable", "Page.enable"):
            wait_for(send(method))
        wait_for(send("Network.emulateNetworkConditions", offline=True, latency=0, downloadThroughput=-1,
                      uploadThroughput=-1))
        send("Page.navigate", url=page.resolve().as_uri())
        wait_for(event="Page.loadEventFired")
        metrics = wait_for(send("Page.getLayoutMetrics"))["result"]
        height = int(metrics.get("cssContentSize", metrics.get("contentSize"))["height"])
        shot = wait_for(send("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                             clip={"x": 0, "y": 0, "width": screenshot_width, "height": min(height, 16000), "scale": 1}))
        report.screenshot = base64.b64decode(shot["result"]["data"])
        socket.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(profile, ignore_errors=True)
    return report
