"""The public portal's use cases (一网: /public): read-only, no login, no actor.

They open the portal's own unit of work (`ctx.portal_uow()`), which holds published records, the
organisation units, the catalogue, the documents records list and objections filed online, and
nothing else: no matter, no inbox, no user is reachable from here, by construction
(tests/unit/test_layering.py keeps these modules from importing anything that reads matters).

    catalogue   the county -> township -> village directory, the power list of a village
    records     a village's sections: projects, results, assets, village affairs, open publicity,
                published documents, and the data version the pages' ETags come from
    objections  an objection filed online during a publicity period
    views       the frozen views they answer (issue 18, item 4), and the builders taking rows
"""
