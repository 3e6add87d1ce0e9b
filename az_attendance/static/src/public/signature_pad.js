import { SignatureDrawing } from "@az_attendance/signature/signature_drawing";

/**
 * Signing forms of the public pages (QR code and personal link): the drawing is sent as a
 * PNG data URI with the form. A drawing sent back after a refusal is shown again.
 */
function setupForm(form) {
    const canvas = form.querySelector(".o_az_signature_pad");
    const input = form.querySelector(".o_az_signature_value");
    const strokesInput = form.querySelector(".o_az_signature_strokes");
    if (!canvas || !input || !strokesInput) {
        return;
    }
    const kept = input.value;
    const keptStrokes = strokesInput.value;
    const drawing = new SignatureDrawing(canvas, {
        height: 180,
        onChange: (value) => {
            input.value = value;
            strokesInput.value = value ? drawing.toStrokes() : "";
            canvas.closest(".o_az_signature_frame").classList.remove("border-danger");
        },
    });
    if (kept) {
        drawing.restore(kept, keptStrokes).then(() => {
            input.value = kept;
            strokesInput.value = keptStrokes;
        });
    }
    const clear = form.querySelector(".o_az_signature_clear");
    if (clear) {
        clear.addEventListener("click", () => drawing.clear());
    }
    form.addEventListener("submit", (event) => {
        if (!input.value) {
            event.preventDefault();
            canvas.closest(".o_az_signature_frame").classList.add("border-danger");
            canvas.focus();
        }
    });
}

function init() {
    document.querySelectorAll("form.o_az_sign_form").forEach(setupForm);
}

if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
} else {
    init();
}
