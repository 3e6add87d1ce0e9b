"""After the update: the booking e-mails speak the language of the person's contact first
(then the one they booked in, then the company's). The templates are ``noupdate``: only
those still holding the former expression change; a template an administrator edited keeps
its own."""

FORMER = "{{ object.lang or object.partner_id.lang }}"
CURRENT = "{{ object.partner_id.lang or object.lang or object.company_id.partner_id.lang }}"


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE mail_template SET lang = %s
         WHERE lang = %s
           AND id IN (SELECT res_id FROM ir_model_data
                       WHERE module = 'az_booking' AND model = 'mail.template')
        """,
        (CURRENT, FORMER),
    )
