import { Component, onMounted, onWillUnmount, useRef } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";
import { SignatureDrawing } from "@az_attendance/signature/signature_drawing";

/**
 * A binary field filled by drawing only (the staff member signing on behalf of a participant,
 * before a witness): the same drawing component as the kiosk and the public pages, without
 * the typed ("Auto") and uploaded ("Load") signatures of Odoo's generic signature widget.
 */
export class DrawnSignatureField extends Component {
    static template = "az_attendance.DrawnSignatureField";
    static props = { ...standardFieldProps };

    setup() {
        this.canvasRef = useRef("canvas");
        onMounted(() => {
            this.drawing = new SignatureDrawing(this.canvasRef.el, {
                height: 160,
                onChange: (value) =>
                    this.props.record.update({
                        [this.props.name]: value ? value.split(",")[1] : false,
                    }),
            });
        });
        onWillUnmount(() => this.drawing?.destroy());
    }

    clear() {
        this.drawing.clear();
    }
}

registry.category("fields").add("az_drawn_signature", {
    component: DrawnSignatureField,
    supportedTypes: ["binary"],
});
