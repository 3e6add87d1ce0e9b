"""How many real drawings the server's signature checks refuse.

Draws signatures in headless Chromium with the signature pad that Odoo bundles (the one the
signing pages use, with their settings: pen 1.2 to 3 px, transparent background), by pointer
events sent with the timing of a hand (a finger or a mouse: a move every 8 to 24 ms), along
handwriting-like paths (cursive loops, initials, underlines, dots), on a phone box and a
tablet box, at 1, 2 and 3 device pixels per CSS pixel; plus the drawing of the browser tours
(six points at once). Each drawing is sent through ``clean_signature`` with its strokes, as
the signing routes do, and the refusals are counted and printed.

    setup/venv-run python bench/bench_signatures.py [--count 200]
"""

import argparse
import base64
import html
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))

from conftest import load_module  # noqa: E402

si = load_module("az_attendance/tools/signature_image.py")

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
body { margin: 0 } canvas { display: block; touch-action: none; width: %(width)spx }
</style></head><body><canvas id="pad"></canvas><pre id="out"></pre>
<script>%(pad)s</script><script>
const canvas = document.getElementById("pad");
const HEIGHT = 180;
const ratio = Math.max(window.devicePixelRatio || 1, 1);
canvas.style.height = HEIGHT + "px";
canvas.width = canvas.offsetWidth * ratio;
canvas.height = HEIGHT * ratio;
canvas.getContext("2d").scale(ratio, ratio);
const pad = new SignaturePad(canvas, {
    penColor: "#1a237e", minWidth: 1.2, maxWidth: 3, backgroundColor: "rgba(0, 0, 0, 0)",
});
let seed = %(seed)s;
function rand() { seed = (seed * 1103515245 + 12345) %% 2147483648; return seed / 2147483648; }
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
function fire(type, x, y, kind) {
    const rect = canvas.getBoundingClientRect();
    canvas.dispatchEvent(new PointerEvent(type, {
        bubbles: true, cancelable: true, clientX: rect.left + x, clientY: rect.top + y,
        pointerType: kind, isPrimary: true, buttons: type === "pointerup" ? 0 : 1, pressure: 0.5,
    }));
}
async function stroke(points, kind) {
    fire("pointerdown", points[0][0], points[0][1], kind);
    for (const [x, y] of points.slice(1)) {
        await sleep(8 + rand() * 16);
        fire("pointermove", x, y, kind);
    }
    fire("pointerup", ...points[points.length - 1], kind);
    await sleep(30);
}
function cursive(width) {
    // loops of handwriting across a part of the box, at a hand's speed
    const points = [];
    const x0 = 15 + rand() * width * 0.2, span = (width - x0 - 30) * (0.4 + rand() * 0.6);
    const y0 = 70 + rand() * 40, loops = 3 + Math.floor(rand() * 7), size = 15 + rand() * 30;
    const slant = rand() * 0.6, n = 40 + Math.floor(rand() * 120);
    for (let i = 0; i <= n; i++) {
        const t = i / n, a = t * loops * 2 * Math.PI;
        const y = y0 - size * Math.sin(a) * (0.6 + 0.4 * Math.sin(a / 3));
        points.push([x0 + span * t + size * 0.5 * Math.cos(a) + slant * (y0 - y), y]);
    }
    return points;
}
function line(x1, y1, x2, y2, n) {
    const points = [];
    for (let i = 0; i <= n; i++) {
        const jitter = () => (rand() - 0.5) * 2;
        points.push([x1 + ((x2 - x1) * i) / n + jitter(), y1 + ((y2 - y1) * i) / n + jitter()]);
    }
    return points;
}
function initial(x, y, size) {
    // a capital drawn in two or three moves
    const n = 10 + Math.floor(rand() * 15);
    return [line(x, y + size, x + size * 0.4, y, n), line(x + size * 0.4, y, x + size * 0.8, y + size, n)];
}
async function signature(width, kind) {
    pad.clear();
    const strokes = [];
    const style = rand();
    if (style < 0.5) {
        strokes.push(cursive(width));
    } else if (style < 0.8) {
        strokes.push(...initial(20 + rand() * 30, 40 + rand() * 30, 40 + rand() * 50));
        strokes.push(cursive(width));
    } else {
        strokes.push(cursive(width), cursive(width));
    }
    if (rand() < 0.4) {
        strokes.push(line(20, 150 + rand() * 15, width * (0.5 + rand() * 0.4), 140 + rand() * 20, 15));
    }
    if (rand() < 0.3) {
        strokes.push([[width * 0.8, 40]]);
    }
    for (const points of strokes) {
        await stroke(points, kind);
    }
}
function tourDrawing() {
    // the drawing of the browser tours: six points sent at once
    pad.clear();
    const rect = canvas.getBoundingClientRect();
    const points = [[0.1, 0.7], [0.25, 0.3], [0.4, 0.6], [0.55, 0.35], [0.7, 0.65], [0.9, 0.4]]
        .map(([x, y]) => [x * rect.width, y * rect.height]);
    fire("pointerdown", ...points[0], "touch");
    for (const point of points.slice(1)) { fire("pointermove", ...point, "touch"); }
    fire("pointerup", ...points[points.length - 1], "touch");
}
function result(kind) {
    const round = (value) => Math.round(value * 10) / 10;
    const strokes = pad.toData()
        .map((group) => group.points.flatMap((point) => [round(point.x), round(point.y)]))
        .filter((s) => s.length);
    return {
        kind, image: pad.toDataURL("image/png"),
        strokes: JSON.stringify({ width: canvas.offsetWidth, height: HEIGHT, strokes }),
    };
}
(async () => {
    const out = [];
    tourDrawing();
    await sleep(50);
    out.push(result("tour"));
    for (let i = 0; i < %(count)s; i++) {
        const kind = i %% 2 ? "touch" : "mouse";
        await signature(canvas.offsetWidth, kind);
        out.push(result(kind));
    }
    document.getElementById("out").textContent = "BEGIN" + JSON.stringify(out) + "END";
})();
</script></body></html>
"""


def pad_source():
    odoo = os.environ.get("ODOO_SRC") or os.path.expanduser("~/.cache/az-odoo/odoo-18.0")
    path = os.path.join(odoo, "addons/web/static/lib/signature_pad/signature_pad.umd.js")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def draw(width, ratio, count, seed):
    with tempfile.TemporaryDirectory() as directory:
        page = os.path.join(directory, "pad.html")
        with open(page, "w", encoding="utf-8") as handle:
            handle.write(PAGE % {"width": width, "pad": pad_source(), "seed": seed, "count": count})
        dom = subprocess.run(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                f"--force-device-scale-factor={ratio}",
                f"--window-size={width + 40},400",
                "--virtual-time-budget=600000",
                "--dump-dom",
                f"file://{page}",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        ).stdout
    match = re.search(r"BEGIN(\[.*\])END", dom, re.S)
    if not match:
        raise SystemExit(f"no drawing came back from Chromium ({width} px, x{ratio})")
    return json.loads(html.unescape(match.group(1)))


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=100, help="drawings per box and pixel ratio")
    args = parser.parse_args()
    total = refused = 0
    spent = 0.0
    for width in (340, 700):
        for ratio in (1, 2, 3):
            drawings = draw(width, ratio, args.count, seed=width * 10 + ratio)
            bad = []
            for drawing in drawings:
                raw = base64.b64decode(drawing["image"].split(",", 1)[1])
                started = time.perf_counter()
                try:
                    si.clean_signature(raw, drawing["strokes"])
                except si.SignatureImageError as error:
                    bad.append((drawing["kind"], error.code))
                spent += time.perf_counter() - started
            total += len(drawings)
            refused += len(bad)
            print(f"box {width} px at x{ratio}: {len(drawings)} drawings, {len(bad)} refused {bad[:5]}")
    print(f"total: {total} real drawings, {refused} refused; {1000 * spent / max(total, 1):.1f} ms a check")
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
