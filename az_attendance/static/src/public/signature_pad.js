/**
 * Signature pad of the public signing pages (QR code and personal link). Plain DOM: the
 * page works on any phone browser; the drawing is sent as a PNG data URI with the form.
 */

function setupPad(form) {
    const canvas = form.querySelector(".o_az_signature_pad");
    const input = form.querySelector(".o_az_signature_value");
    if (!canvas || !input) {
        return;
    }
    const context = canvas.getContext("2d");
    let drawing = false;
    let drawn = false;

    function resize() {
        const ratio = window.devicePixelRatio || 1;
        const width = canvas.clientWidth || 300;
        canvas.width = width * ratio;
        canvas.height = 180 * ratio;
        context.setTransform(ratio, 0, 0, ratio, 0, 0);
        context.lineWidth = 2.5;
        context.lineCap = "round";
        context.lineJoin = "round";
        context.strokeStyle = "#1a237e";
        drawn = false;
        const kept = input.value;
        if (kept) {
            // a drawing sent back after a refusal (a wrong code): shown again, not lost
            const image = new Image();
            image.onload = () => {
                context.drawImage(image, 0, 0, canvas.clientWidth, 180);
                drawn = true;
            };
            image.src = kept;
        }
    }

    function point(event) {
        const rect = canvas.getBoundingClientRect();
        return [event.clientX - rect.left, event.clientY - rect.top];
    }

    canvas.addEventListener("pointerdown", (event) => {
        event.preventDefault();
        drawing = true;
        const [x, y] = point(event);
        context.beginPath();
        context.moveTo(x, y);
        context.lineTo(x + 0.5, y + 0.5);
        context.stroke();
    });
    canvas.addEventListener("pointermove", (event) => {
        if (!drawing) {
            return;
        }
        event.preventDefault();
        const [x, y] = point(event);
        context.lineTo(x, y);
        context.stroke();
        drawn = true;
    });
    const stop = () => {
        if (drawing && drawn) {
            input.value = canvas.toDataURL("image/png");
        }
        drawing = false;
    };
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointerleave", stop);
    canvas.addEventListener("pointercancel", stop);

    const clear = form.querySelector(".o_az_signature_clear");
    if (clear) {
        clear.addEventListener("click", () => {
            context.clearRect(0, 0, canvas.width, canvas.height);
            drawn = false;
            input.value = "";
        });
    }
    form.addEventListener("submit", (event) => {
        if (!input.value) {
            event.preventDefault();
            canvas.closest(".border").classList.add("border-danger");
            canvas.focus();
        }
    });
    resize();
}

function init() {
    document.querySelectorAll("form.o_az_sign_form").forEach(setupPad);
}

if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
} else {
    init();
}
