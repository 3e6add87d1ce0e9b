import { registry } from "@web/core/registry";

/** A small PDF, as a phone's "file" picker would hand it to the page. */
function attachPdf(input) {
    const text = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    const file = new File([text], "arret-maladie.pdf", { type: "application/pdf" });
    const transfer = new DataTransfer();
    transfer.items.add(file);
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
}

registry.category("web_tour.tours").add("az_attendance_justification_phone", {
    steps: () => [
        {
            content: "On a phone, the list of sessions shows each cell with its label",
            trigger: ".o_az_stack_table .o_az_portal_line .o_az_cell_label:contains(Absence proof)",
        },
        {
            content: "Open the form to send a proof for the missed session",
            trigger: ".o_az_portal_line a.o_az_justify_link",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The form says which session the proof is for",
            trigger: "h1:contains(Send a proof of absence)",
        },
        {
            content: "Choose the file (a photo or a PDF)",
            trigger: "label[for=o_az_justify_file]",
            run() {
                attachPdf(document.querySelector("#o_az_justify_file"));
            },
        },
        {
            content: "Add a message",
            trigger: "textarea#o_az_justify_note",
            run: "edit J'étais malade ce jour-là.",
        },
        {
            content: "Send the proof",
            trigger: "button.o_az_justify_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Back on the list: the proof is sent and waits for a decision",
            trigger: ".o_az_justification_sent",
        },
        {
            content: "The session now shows the pending proof",
            trigger: ".o_az_portal_line .o_az_justification_pending",
        },
    ],
});
