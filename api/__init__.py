"""Plumbing of the JSON API (django-ninja): authentication, errors, pagination, tokens and the
reference shapes. It mounts no router: each app owns its own, and jiaoyan/api.py mounts them.

Every endpoint reads through core.access and writes through core.services, exactly as the pages
do; the API adds only authentication, validation at the edge and the JSON shapes.
"""
