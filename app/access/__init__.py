"""Who may do what: seller keys, driver and viewer tokens, dashboard sessions with CSRF, rate and
size limits, and the security headers every response carries.
"""
