#!/usr/bin/env python3
"""A full-page screenshot of a local page with headless Chromium, and how
much of it is not blank.

    chrome_shot.py URL OUT.png WIDTH CHROMIUM-ARGS...

`chromium --screenshot` captures the window only (the report page runs to
several thousand pixels), so this drives Chromium through the DevTools
protocol over a pipe (--remote-debugging-pipe: fd 3 in, fd 4 out, one
JSON message per NUL), with no network port: it loads URL, asks the page's
layout size (Page.getLayoutMetrics), sizes the view to all of it and
captures it (Page.captureScreenshot).  Prints one line of JSON: the page
size, the image size, and the share of non-white pixels in each fifth of
the image from top to bottom, decoded here from the PNG with zlib only.
"""
import base64, json, os, struct, subprocess, sys, zlib


def cdp(url, width, args):
    r3, w3 = os.pipe()   # we write commands, Chromium reads fd 3
    r4, w4 = os.pipe()   # Chromium writes fd 4, we read
    def child():   # the pipe ends onto fds 3 and 4, whatever numbers they had
        a, b = os.dup(r3), os.dup(w4)
        os.dup2(a, 3)
        os.dup2(b, 4)
    # pass_fds names the child's fds kept open after preexec_fn has run.
    p = subprocess.Popen(args + ["--remote-debugging-pipe", "about:blank"],
                         pass_fds=(3, 4), preexec_fn=child,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(r3); os.close(w4)
    out, inp = os.fdopen(w3, "wb"), os.fdopen(r4, "rb")
    buf, seq = b"", [0]

    def read_msg():
        nonlocal buf
        while b"\0" not in buf:
            chunk = inp.read1(1 << 20)
            if not chunk:
                raise SystemExit("chromium closed the pipe")
            buf += chunk
        msg, buf = buf.split(b"\0", 1)
        return json.loads(msg)

    def call(method, params=None, session=None, wait_event=None):
        seq[0] += 1
        m = {"id": seq[0], "method": method, "params": params or {}}
        if session:
            m["sessionId"] = session
        out.write(json.dumps(m).encode() + b"\0")
        out.flush()
        result, seen = None, wait_event is None
        while result is None or not seen:
            msg = read_msg()
            if msg.get("id") == seq[0]:
                if "error" in msg:
                    raise SystemExit("%s: %s" % (method, msg["error"]))
                result = msg["result"]
            elif wait_event and msg.get("method") == wait_event:
                seen = True
        return result

    try:
        target = call("Target.createTarget", {"url": "about:blank"})["targetId"]
        s = call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        call("Page.enable", session=s)
        call("Emulation.setDeviceMetricsOverride",
             {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": False}, s)
        call("Page.navigate", {"url": url}, s, wait_event="Page.loadEventFired")
        # The view as wide as the page (a wider view wraps text less and
        # makes the page shorter, so measure again until the width holds),
        # measured in a short view (the content size is never less than
        # the view's), then as tall as the page for the capture.
        w = width
        for _ in range(4):
            size = call("Page.getLayoutMetrics", session=s)["cssContentSize"]
            nw, h = max(width, int(size["width"] + 0.999)), int(size["height"] + 0.999)
            if nw == w:
                break
            w = nw
            call("Emulation.setDeviceMetricsOverride",
                 {"width": w, "height": 800, "deviceScaleFactor": 1, "mobile": False}, s)
        call("Emulation.setDeviceMetricsOverride",
             {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": False}, s)
        shots = []
        # The page at full size for people, and an eighth of it to judge
        # blankness by (decoding 20 megapixels in Python takes a minute).
        for scale in (1, 0.125):
            shot = call("Page.captureScreenshot",
                        {"format": "png", "captureBeyondViewport": True,
                         "clip": {"x": 0, "y": 0, "width": w, "height": h, "scale": scale}}, s)
            shots.append(base64.b64decode(shot["data"]))
        return size, shots
    finally:
        try:
            call("Browser.close")
        except BaseException:
            pass
        p.wait(timeout=30)


def png_rows(png):
    """The rows of an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium
    writes), unfiltered (PNG spec, section 9)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, hdr = 8, b"", None
    while pos < len(png):
        n, kind = struct.unpack(">I4s", png[pos:pos + 8])
        data = png[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", data)
        elif kind == b"IDAT":
            idat += data
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    assert depth == 8 and ctype in (2, 6) and interlace == 0, hdr
    bpp = 3 if ctype == 2 else 4
    raw, stride, prev, rows, i = zlib.decompress(idat), w * bpp, bytearray(w * bpp), [], 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows


def main():
    url, path, width, args = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
    size, (png, small) = cdp(url, width, args)
    with open(path, "wb") as f:
        f.write(png)
    full = struct.unpack(">II", png[16:24])   # IHDR width, height
    w, h, bpp, rows = png_rows(small)
    fifths = []
    for k in range(5):
        band = rows[k * h // 5:(k + 1) * h // 5]
        ink = sum(1 for r in band for x in range(0, w * bpp, bpp)
                  if min(r[x], r[x + 1], r[x + 2]) < 200)
        fifths.append(round(ink / max(1, len(band) * w), 4))
    print(json.dumps({"page": [size["width"], size["height"]], "image": list(full),
                      "ink_by_fifth": fifths}))


if __name__ == "__main__":
    main()
