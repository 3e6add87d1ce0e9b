/* global SignaturePad */

/**
 * The one drawing component of every signing page (kiosk, QR code page, personal link page,
 * on-behalf witness): a canvas driven by the signature pad library that Odoo bundles
 * (web/static/lib/signature_pad). Only what a finger, a stylus or a mouse draws gets in: no
 * typed name, no uploaded image. Plain DOM, so that the public pages (no OWL) and the kiosk
 * (OWL) share it.
 */
export class SignatureDrawing {
    /**
     * @param {HTMLCanvasElement} canvas
     * @param {Object} [options]
     * @param {Function} [options.onChange] called with the PNG data URI (or "" when cleared)
     *   after each stroke
     * @param {number} [options.height] CSS height of the canvas, in pixels
     */
    constructor(canvas, { onChange, height = 200 } = {}) {
        this.canvas = canvas;
        this.height = height;
        this.onChange = onChange || (() => {});
        this.pad = new SignaturePad(canvas, {
            penColor: "#1a237e",
            minWidth: 1.2,
            maxWidth: 3,
            // transparent: the server counts the ink on the drawn pixels only
            backgroundColor: "rgba(0, 0, 0, 0)",
        });
        this.pad.addEventListener("endStroke", () => this.onChange(this.toDataURL()));
        this.onResize = () => this.resize();
        window.addEventListener("resize", this.onResize);
        this.resize();
    }

    /** Fit the canvas to its box at the screen's pixel density, keeping the drawing. */
    resize() {
        const ratio = Math.max(window.devicePixelRatio || 1, 1);
        const data = this.pad.isEmpty() ? null : this.pad.toData();
        this.canvas.style.height = `${this.height}px`;
        this.canvas.width = (this.canvas.offsetWidth || 300) * ratio;
        this.canvas.height = this.height * ratio;
        this.canvas.getContext("2d").scale(ratio, ratio);
        this.pad.clear();
        if (data) {
            this.pad.fromData(data);
        }
    }

    isEmpty() {
        return this.pad.isEmpty();
    }

    clear() {
        this.pad.clear();
        this.keptStrokes = [];
        this.onChange("");
    }

    toDataURL() {
        return this.pad.isEmpty() ? "" : this.pad.toDataURL("image/png");
    }

    /**
     * The strokes of the drawing, sent with the picture: the points the finger went through,
     * in CSS pixels of the box. The server checks that the picture's ink lies along them.
     */
    toStrokes() {
        if (this.pad.isEmpty()) {
            return "";
        }
        const round = (value) => Math.round(value * 10) / 10;
        const strokes = this.pad
            .toData()
            .map((group) => group.points.flatMap((point) => [round(point.x), round(point.y)]))
            .filter((stroke) => stroke.length);
        return JSON.stringify({
            width: this.canvas.offsetWidth,
            height: this.height,
            strokes: [...(this.keptStrokes || []), ...strokes],
        });
    }

    /** Show again a drawing sent back by the server after a refusal (a wrong code). */
    async restore(dataURL, strokesText) {
        if (!dataURL) {
            return;
        }
        try {
            this.keptStrokes = JSON.parse(strokesText || "{}").strokes || [];
        } catch {
            this.keptStrokes = [];
        }
        await this.pad.fromDataURL(dataURL, {
            width: this.canvas.offsetWidth,
            height: this.height,
        });
    }

    destroy() {
        window.removeEventListener("resize", this.onResize);
        this.pad.off();
    }
}
