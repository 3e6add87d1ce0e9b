"""Translated messages for the refusals of ``tools.public_input``.

The public controllers of the AZ addons (booking pages, signing pages) check what a visitor
sent with ``az_project_base.tools.public_input`` and show ``_input_error_message`` of
:class:`PublicInputMixin`, which their controller classes inherit, in their 4xx answer, so
that every route says the same plain sentence for the same fault (and an addon can override
it).
"""

from odoo.http import request

from ..tools import public_input as pi


class PublicInputMixin:
    """Mixed into the controllers of the public pages."""

    def _input_error_message(self, error, label=None):
        """A sentence for ``error`` (an ``InputError``), in the language of the request.

        ``label`` names the field as the person saw it ("Name", "E-mail"...), when known."""
        env = request.env
        messages = {
            pi.NOT_TEXT: env._("This field expects text."),
            pi.TOO_LONG: env._("This text is too long."),
            pi.CONTROL: env._("This text contains characters that cannot be used."),
            pi.INVISIBLE: env._(
                "This text contains invisible characters (direction marks or zero-width "
                "characters). Please type it again."
            ),
            pi.REQUIRED: env._("This field is required."),
            pi.BAD_ID: env._("This link or choice is not valid."),
            pi.BAD_CODE: env._("The code must be made of digits only."),
            pi.BAD_TIME: env._("The time sent by the device cannot be read."),
            pi.BAD_TOKEN: env._("This link or form is not valid. Please use the latest one."),
        }
        message = messages.get(error.code, env._("This value is not valid."))
        if label:
            return env._("%(field)s: %(message)s", field=label, message=message)
        return message
