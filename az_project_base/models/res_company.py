from odoo import api, models
from odoo.tools import html2plaintext


class ResCompany(models.Model):
    _inherit = "res.company"

    def _az_lang(self, *preferred):
        """The language to speak: the first of ``preferred`` (a person's languages, most
        their own first) that is active in this database, else the company's, else the
        reader's, else English. Without ``preferred``, the language of what the company's
        staff read and its jobs write (chatter, stored messages, files), whoever runs them.
        A language a contact still holds but the database no longer has is passed over."""
        self.ensure_one()
        languages = self.env["res.lang"]
        for code in (*preferred, self.partner_id.lang, self.env.lang):
            if code and languages._get_code(code):
                return code
        return "en_US"

    @api.model
    def _demo_speak_company_language(self, module):
        """Odoo loads XML data without a language: the messages the records of the demo of
        ``module`` logged when they were created ("… created", a state changed) are in
        English. Said again in the company's language when it is not English (called by
        setup/demo_fr.py on the French demo of ./setup/run, once the French terms of every
        module are loaded): the creation messages and the states of their tracked changes."""
        lang = self.env.company.partner_id.lang
        if not lang or lang == "en_US" or not self.env["res.lang"]._get_data(code=lang):
            return True
        english = self.with_context(lang="en_US").env
        spoken = self.with_context(lang=lang).env
        data = self.env["ir.model.data"].sudo().search([("module", "=", module), ("model", "!=", False)])
        by_model = {}
        for row in data:
            by_model.setdefault(row.model, []).append(row.res_id)
        Message = self.env["mail.message"].sudo()
        for model, ids in by_model.items():
            if model not in self.env or not hasattr(self.env[model], "_creation_message"):
                continue
            records = self.env[model].browse(ids).exists()
            for record in records:
                said = html2plaintext(record.with_env(english)._creation_message()).strip()
                meant = record.with_env(spoken)._creation_message()
                messages = Message.search([("model", "=", model), ("res_id", "=", record.id)])
                for message in messages:
                    if html2plaintext(message.body or "").strip() == said:
                        message.body = meant
                    for tracking in message.sudo().tracking_value_ids:
                        field = tracking.field_id
                        if field.ttype != "selection" or field.name not in self.env[model]._fields:
                            continue
                        words = dict(
                            zip(
                                [
                                    label
                                    for _value, label in english[model]
                                    ._fields[field.name]
                                    ._description_selection(english)
                                ],
                                [
                                    label
                                    for _value, label in spoken[model]
                                    ._fields[field.name]
                                    ._description_selection(spoken)
                                ],
                                strict=True,
                            )
                        )
                        tracking.write(
                            {
                                "old_value_char": words.get(tracking.old_value_char, tracking.old_value_char),
                                "new_value_char": words.get(tracking.new_value_char, tracking.new_value_char),
                            }
                        )
        return True
