/**
 * The trainer's rotating QR screen: asks the server for the next image at each step (the
 * value is signed on the server; nothing secret reaches the browser) and shows who has signed.
 */
function setupScreen(screen) {
    const image = screen.querySelector(".o_az_rotating_qr_image");
    const count = screen.querySelector(".o_az_rotating_qr_count");
    const status = screen.querySelector(".o_az_rotating_qr_status");
    const url = screen.dataset.nextUrl;
    let delay = Number(screen.dataset.refreshMs) || 10000;

    async function next() {
        try {
            const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
            if (!response.ok) {
                throw new Error(String(response.status));
            }
            const data = await response.json();
            image.src = data.image;
            image.dataset.url = data.url;
            count.textContent = `${data.signed} / ${data.total}`;
            status.classList.add("d-none");
            delay = data.refresh_ms || 10000;
        } catch {
            status.classList.remove("d-none");
            delay = 3000;
        }
        setTimeout(next, delay);
    }
    setTimeout(next, delay);
    const full = screen.querySelector(".o_az_rotating_qr_fullscreen");
    if (full && document.fullscreenEnabled) {
        full.classList.remove("d-none");
        full.addEventListener("click", () => screen.requestFullscreen());
    }
}

function init() {
    document.querySelectorAll(".o_az_rotating_qr").forEach(setupScreen);
}

if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
} else {
    init();
}
