"""The JSON API for other systems (django-ninja, OpenAPI at /api/v1/docs).

Every endpoint reads through core.access and writes through core.services, exactly as the pages
do; the API adds only authentication, validation at the edge and the JSON shapes.
"""
