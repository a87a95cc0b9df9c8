"""The page views, one module per group of pages. Each view parses its input, calls a service and
renders a template; error pages come from web/errors.py."""
