{
    "name": "AZ Project Base",
    "summary": "Beneficiaries, funders, fundings and sites for projects of the social and "
    "solidarity economy",
    "version": "18.0.1.0.0",
    "category": "Services/Project",
    "author": "AZ for Odoo",
    "website": "https://github.com/az-for-odoo/az-for-odoo",
    "license": "AGPL-3",
    "depends": ["project", "contacts", "account", "analytic", "mail", "portal"],
    "data": [
        "security/az_project_base_security.xml",
        "security/ir.model.access.csv",
        "views/az_funding_views.xml",
        "views/az_site_views.xml",
        "views/res_partner_views.xml",
        "views/project_project_views.xml",
        "views/az_project_base_menus.xml",
    ],
    "demo": ["demo/az_project_base_demo.xml"],
    "assets": {
        "web.assets_frontend": ["az_project_base/static/src/scss/public_pages.scss"],
        "web.assets_tests": ["az_project_base/static/tests/tours/*.js"],
    },
    "installable": True,
}
